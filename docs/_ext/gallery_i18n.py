"""Gallery downloads in the reader's language.

sphinx-gallery writes each example's ``.py``, ``.ipynb`` and zip archives from the English source, so
the French site would hand out English text. The catalogs already hold every text block's translation
(gettext extracted them from the generated pages): after a non-English build, rewrite the downloads in
the output tree with the translated text blocks. The code is left byte for byte as it was, and the
sources in ``docs/auto_examples`` stay English (the English build and the gallery's md5 cache use them).
"""

from __future__ import annotations

import ast
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from text_i18n import RstTranslator

# The pattern sphinx-gallery uses to find a text block: a "# %%" (or "#####") line, then comments.
TEXT_BLOCK = re.compile(r"(?P<header_line>^#{20,}.*|^# ?%%.*)\s(?P<text_content>(?:^#.*\s?)*)", flags=re.M)


def _comment(text: str) -> str:
    return "".join(f"# {line}\n" if line else "#\n" for line in text.splitlines())


def translate_script(source: str, table: dict[str, str]) -> tuple[str, list[str]]:
    """Return ``source`` with its docstring and comment text blocks translated, and what is missing.

    Only the text changes: every code line, blank line and ``# %%`` separator stays as it was.

    >>> source = '\"\"\"\\nHello\\n=====\\n\\nA line.\\n\"\"\"\\n\\n# %%\\n# Two.\\nx = 1\\n'
    >>> print(translate_script(source, {"Hello": "Bonjour", "A line.": "Une ligne."})[0])
    \"\"\"
    Bonjour
    =======
    <BLANKLINE>
    Une ligne.
    \"\"\"
    <BLANKLINE>
    # %%
    # Two.
    x = 1
    <BLANKLINE>
    """
    translator = RstTranslator(table)
    tree = ast.parse(source)
    docstring = tree.body[0]
    if not (isinstance(docstring, ast.Expr) and isinstance(docstring.value, ast.Constant)):
        raise ValueError("source must start with a docstring, as every gallery example does")
    lines = source.splitlines(keepends=True)
    head, rest = "".join(lines[:docstring.end_lineno]), "".join(lines[docstring.end_lineno:])
    prefix, quote = re.match(r"\s*([rRuU]?)(\"\"\"|\'\'\')", head).groups()
    text = translator.text(ast.get_docstring(tree))
    if prefix.lower() != "r":  # a plain string literal: its backslashes must be escaped again
        text = text.replace("\\", "\\\\")
    head = f"{prefix}{quote}\n{text}{quote}\n"

    def block(match: re.Match) -> str:
        content = re.sub(r"^# ?", "", match.group("text_content"), flags=re.M)
        if not content.strip():
            return match.group(0)
        trailing = match.group("text_content")[len(match.group("text_content").rstrip("\n")):]
        return match.group("header_line") + "\n" + _comment(translator.text(content)).rstrip("\n") + trailing

    return head + TEXT_BLOCK.sub(block, rest), translator.missing


# -- The build step -------------------------------------------------------------------------------

def _blocks(path: Path) -> list:
    from sphinx_gallery.py_source_parser import split_code_and_text_blocks

    return split_code_and_text_blocks(path)[1]


def notebook(script: Path, gallery_conf: dict) -> str:
    """The notebook sphinx-gallery would write for ``script``, as JSON text."""
    from sphinx_gallery.notebook import jupyter_notebook

    return json.dumps(jupyter_notebook(_blocks(script), gallery_conf, script.parent), indent=2)


def _zip(members: dict[str, bytes], path: Path) -> None:
    # A fixed date keeps the archive the same from one build to the next.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)


def translate_downloads(app: Any, exception: Exception | None) -> None:
    """After a non-English build, replace the English example downloads by translated ones."""
    language = app.config.language or "en"
    if exception is not None or language == "en" or app.builder.format != "html":
        return
    from labkit_site import _catalog
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    table = _catalog(app)  # the table the pages of this build were translated with
    gallery_conf = app.config.sphinx_gallery_conf
    work = Path(app.doctreedir) / "gallery_i18n"  # translated copies, outside source and output
    translated: dict[Path, bytes] = {}  # English file in srcdir -> its translated content
    for gallery in gallery_conf["gallery_dirs"]:
        for script in sorted((srcdir / gallery).rglob("*.py")):
            text, missing = translate_script(script.read_text(encoding="utf-8"), table)
            for message in missing:
                logger.warning(
                    "no %s translation for a text block of %s: %r", language, script.relative_to(srcdir), message[:80])
            copy = work / script.relative_to(srcdir)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
            translated[script] = text.encode("utf-8")
            translated[script.with_suffix(".ipynb")] = notebook(copy, gallery_conf).encode("utf-8")
    for source, (_, dest) in app.env.dlfiles.items():
        source = srcdir / source
        target = outdir / "_downloads" / dest
        if source in translated:
            target.write_bytes(translated[source])
        elif source.suffix == ".zip" and source.is_file():
            with zipfile.ZipFile(source) as z:
                members = {name: translated.get(source.parent / name, z.read(name)) for name in z.namelist()}
            _zip(members, target)


def setup(app: Any) -> dict:
    app.connect("build-finished", translate_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
