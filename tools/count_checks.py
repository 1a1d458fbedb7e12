"""Count the lines of argument checks in labkit and the rows of hand-written bad-input tables.

A line of argument check is a line of a statement that calls a ``check_*``/``_check_*`` helper, or of
an ``if`` whose body raises ``TypeError``/``ValueError`` (the test and the raise), outside the modules
that define the checks themselves. Declarations (``@contract(...)`` and its rules) are counted apart.

    python tools/count_checks.py
"""

from __future__ import annotations

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
RULE_MODULES = {"_checks.py", "_contract.py"}


def _lines(node: ast.AST) -> set[int]:
    return set(range(node.lineno, node.end_lineno + 1))


def _raises_arg_error(stmt: ast.stmt) -> bool:
    return any(isinstance(n, ast.Raise) and isinstance(n.exc, ast.Call) and isinstance(n.exc.func, ast.Name)
               and n.exc.func.id in {"TypeError", "ValueError"} for n in ast.walk(stmt))


def _calls_check(stmt: ast.stmt) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id.lstrip("_").startswith("check_")
               for n in ast.walk(stmt))


def count(path: pathlib.Path) -> tuple[int, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checks: set[int] = set()
    declared: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "contract":
                    declared |= _lines(d)
        if isinstance(node, ast.If) and not node.orelse and all(_raises_arg_error(s) or isinstance(s, ast.Raise) for s in node.body) \
                and _raises_arg_error(node):
            checks |= _lines(node)
        elif isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)) and _calls_check(node):
            checks |= _lines(node)
    return len(checks), len(declared)


def main() -> None:
    total = decl = 0
    for path in sorted((ROOT / "labkit").rglob("*.py")):
        if path.name in RULE_MODULES:
            continue
        c, d = count(path)
        total, decl = total + c, decl + d
    rows = 0
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "BAD_INPUTS" for t in node.targets):
                rows += len(node.value.elts) if isinstance(node.value, ast.List) else 0
    print(f"lines of inline argument checks in labkit: {total}")
    print(f"lines of contract declarations in labkit: {decl}")
    print(f"rows of hand-written bad-input tables (BAD_INPUTS): {rows}")


if __name__ == "__main__":
    sys.exit(main())
