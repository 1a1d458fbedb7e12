"""``python -m labkit.exercises``: list the exercises, write a skeleton, check a solution.

The exit status of ``check`` is 0 when the solution passes, 1 when it does not, 2 for a bad command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import _
from . import check, names, skeleton
from ._core import REGISTRY, now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.exercises",
                                     description=now(_("Coding exercises that check themselves.")))
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help=now(_("list the exercises")))
    listing.add_argument("concept", nargs="?", help=now(_("only this concept's exercises")))
    writing = commands.add_parser("skeleton", help=now(_("write the file to complete")))
    writing.add_argument("exercise")
    writing.add_argument("-o", "--output", type=Path, help=now(_("file to write (default: print it)")))
    checking = commands.add_parser("check", help=now(_("check your solution")))
    checking.add_argument("exercise")
    checking.add_argument("solution", type=Path)
    args = parser.parse_args(argv)

    if getattr(args, "exercise", None) is not None and args.exercise not in REGISTRY:
        print(now(_("There is no exercise {name}. The exercises are: {names}.")).format(
            name=args.exercise, names=", ".join(names())), file=sys.stderr)
        return 2
    if args.command == "list":
        chosen = [i for i in names() if args.concept in (None, REGISTRY[i].concept)]
        if not chosen:
            print(now(_("There is no exercise {name}. The exercises are: {names}.")).format(
                name=args.concept, names=", ".join(names())), file=sys.stderr)
            return 2
        for exercise_id in chosen:
            print(f"{exercise_id:45} {now(REGISTRY[exercise_id].title)}")
        return 0
    if args.command == "skeleton":
        text = skeleton(args.exercise)
        if args.output is None:
            print(text, end="")
        else:
            args.output.write_text(text, encoding="utf-8")
            print(now(_("Wrote {path}: complete the function, then run:")).format(path=str(args.output)))
            print(f"    python -m labkit.exercises check {args.exercise} {args.output}")
        return 0
    report = check(args.exercise, args.solution)
    print(report)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
