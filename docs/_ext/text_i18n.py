"""Translate the text of a download, paragraph by paragraph, with the French catalogs.

gettext extracts one message per paragraph, title, list item or table cell, with its line breaks
turned into spaces. Translating a download is therefore the same job whatever its format: find each
such block, look its text up in the catalog, write the translation back in the block's syntax, and
leave everything else (code, math, directive options, markup) byte for byte as it was.
``RstTranslator`` does it for the reStructuredText of gallery text blocks, ``MarkdownTranslator`` for
the MyST Markdown of the concept pages.
"""

from __future__ import annotations

import re
import textwrap

WIDTH = 100  # the line length of the examples and the pages

UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1+$")
BULLET = re.compile(r"^(?:[-*+]|\d+\.)\s+")


class Translator:
    """The shared part: a message table, the messages it lacks, and the wrapping of translations.

    ``table`` maps each English message (as gettext extracted it: a paragraph on one line) to its
    translation. Every message that has no translation is kept in English and listed in ``missing``,
    so that the caller can report it.
    """

    def __init__(self, table: dict[str, str], width: int = WIDTH) -> None:
        self.table = table
        self.width = width
        self.missing: list[str] = []

    def lookup(self, text: str) -> str:
        """The translation of one message, or ``text`` itself (recorded as missing)."""
        if text not in self.table:
            self.missing.append(text)
        return self.table.get(text, text)

    def wrap(self, text: str, marker: str = "", width: int | None = None) -> list[str]:
        """``text`` wrapped after ``marker`` (a list bullet, or nothing), continuation lines aligned."""
        # Only ASCII spaces break lines: French keeps its non-breaking spaces before ":" and ";".
        return textwrap.wrap(text, width or self.width, initial_indent=marker,
                             subsequent_indent=" " * len(marker), break_long_words=False,
                             break_on_hyphens=False) or [marker.rstrip()]


class RstTranslator(Translator):
    """Translate the reStructuredText of sphinx-gallery text blocks."""

    def paragraph(self, lines: list[str]) -> list[str]:
        width = self.width - 2  # the text blocks are "# " comments
        if len(lines) == 2 and UNDERLINE.match(lines[1]):  # a title and its underline
            title = self.lookup(lines[0])
            return [title, lines[1][0] * len(title)]
        if lines[0].startswith(".. ") or lines[0].startswith(" "):  # directive or literal block
            return lines
        if BULLET.match(lines[0]):  # a list: each item is a message of its own
            items: list[list[str]] = []
            for line in lines:
                if BULLET.match(line):
                    items.append([line])
                else:
                    items[-1].append(line)
            out: list[str] = []
            for item in items:
                marker = BULLET.match(item[0]).group(0)
                text = " ".join([item[0][len(marker):]] + [line.strip() for line in item[1:]])
                out += self.wrap(self.lookup(text), marker, width)
            return out
        return self.wrap(self.lookup(" ".join(line.strip() for line in lines)), width=width)

    def text(self, rst: str) -> str:
        """The translation of one text block (paragraphs separated by blank lines)."""
        out: list[str] = []
        for chunk in re.split(r"\n\s*\n", rst.strip("\n")):
            out += self.paragraph(chunk.splitlines()) + [""]
        return "\n".join(out).rstrip("\n") + "\n"


# -- MyST Markdown --------------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<mark>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
HEADING = re.compile(r"^(?P<mark>#{1,6}) +(?P<text>.*?) *$")
ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?: +|$)")
TABLE_RULE = re.compile(r"^\|?(?: *:?-+:? *\|)+(?: *:?-+:? *)?$")
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
MATH_END = re.compile(r"\$\$(?: *\([\w:-]+\))? *$")  # "$$", or "$$ (label)" for a numbered equation
OPTION = re.compile(r"^:(?P<name>[\w-]+):(?P<value>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:-]+)\}(?P<arg>.*)$")
# Lines kept as they are: MyST comments, targets "(label)=" and cell breaks "+++".
VERBATIM_LINE = re.compile(r"^(?:%|\(.+\)=\s*$|\+\+\+)")
# A line that ends a paragraph: what CommonMark lets interrupt one (plus "$$" and tables).
INTERRUPT = re.compile(r"^ {0,3}(?:[-*+](?: |$)|1[.)](?: |$)|>|#{1,6}(?: |$)|`{3}|~{3}|:{3}|\$\$|\|)")
# A line that would change the structure if a wrapped translation started one.
UNSAFE = re.compile(r"^(?:[-*+>|#%]|\d+[.)]|`{3}|~{3}|:{3}|\$\$|\+\+\+|=+$|\(.*\)=$)")
# Directives whose body is prose (translated block by block), and those kept verbatim: code, math,
# images, the bibliography. A directive in neither set is reported, never left in English silently.
VERBATIM_DIRECTIVES = {"code-cell", "raw-cell", "code", "code-block", "sourcecode", "math", "image",
                       "footbibliography", "bibliography", "literalinclude", "toctree", "raw",
                       "exercise-download"}  # its argument is an exercise id; the words are the extension's
PROSE_DIRECTIVES = {"admonition", "attention", "caution", "danger", "dropdown", "error", "figure",
                    "hint", "important", "note", "seealso", "sidebar", "tip", "topic", "warning",
                    "quiz", "solution"}  # the last two: docs/_ext/labkit_quiz.py, labkit_exercises.py
NO_TITLE = {"figure"}  # directives whose argument is a path, not text
TEXT_OPTIONS = {"alt"}  # directive options that a reader sees as text


class MarkdownTranslator(Translator):
    """Translate MyST Markdown block by block: headings, paragraphs, list items, table cells, quotes,
    the titles and bodies of admonitions and dropdowns, and figure captions.

    Code cells, code blocks, math blocks, front matter, directive options (but ``:alt:``) and every
    piece of syntax stay byte for byte as they were; translated paragraphs are wrapped again.
    Each reader (``fence``, ``math``, ``heading``, ``grid``, ``quote``, ``items``) takes the lines and
    the index of a block's first line and returns the translated block and the index after it, or
    ``None`` when the block is not of its kind; nested blocks (list items, quotes, admonition bodies)
    are translated by calling ``blocks`` again on their dedented lines.
    """

    def markdown(self, text: str, width: int | None = None) -> str:
        """The translation of a MyST Markdown text."""
        lines = text.split("\n")
        start = 0
        out: list[str] = []
        if lines and lines[0] == "---" and "---" in lines[1:]:  # front matter: kernel, format
            start = lines.index("---", 1) + 1
            out = lines[:start]
        return "\n".join(out + self.blocks(lines[start:], width or self.width))

    def blocks(self, lines: list[str], width: int) -> list[str]:
        """The translation of ``lines``, block by block; a paragraph is what no reader claims."""
        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip() or VERBATIM_LINE.match(line):
                out.append(line)
                i += 1
                continue
            for reader in (self.fence, self.math, self.heading, self.grid, self.quote, self.items):
                done = reader(lines, i, width)
                if done is not None:
                    block, i = done
                    out += block
                    break
            else:
                block, i = self.paragraph(lines, i, width)
                out += block
        return out

    def paragraph(self, lines: list[str], i: int, width: int) -> tuple[list[str], int]:
        end = i + 1
        while end < len(lines) and lines[end].strip() and not INTERRUPT.match(lines[end]):
            end += 1
        text = " ".join(line.strip() for line in lines[i:end])
        return self.reflow(self.lookup(text), "", width), end

    def reflow(self, text: str, marker: str, width: int) -> list[str]:
        """``text`` wrapped, or on one line where wrapping would start a list, a heading or a fence."""
        wrapped = self.wrap(text, marker, width)
        if any(UNSAFE.match(line.lstrip()) for line in wrapped[1:]):
            return [marker + text]
        return wrapped

    def heading(self, lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
        m = HEADING.match(lines[i])
        if not m:
            return None
        return [f"{m['mark']} {self.lookup(m['text'])}"], i + 1

    def math(self, lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
        if not lines[i].startswith("$$"):
            return None
        end = i
        first = lines[i].rstrip()
        if first == "$$" or not first.endswith("$$"):  # over several lines, not "$$ x $$"
            end = i + 1
            while end < len(lines) and not MATH_END.search(lines[end]):
                end += 1
        return lines[i:end + 1], end + 1

    def fence(self, lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
        m = FENCE.match(lines[i])
        if not m:
            return None
        mark = m["mark"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}} *$")
        end = i + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        body = lines[i + 1:end]
        directive = DIRECTIVE.match(m["info"].strip())
        if not directive or directive["name"] in VERBATIM_DIRECTIVES:
            return lines[i:end + 1], end + 1  # code, math, images, bibliography: as they are
        if directive["name"] not in PROSE_DIRECTIVES:  # no rule for it: its text stays English
            self.missing.append(f"{{{directive['name']}}} " + " ".join(" ".join(body).split()))
            return lines[i:end + 1], end + 1
        arg = directive["arg"].strip()
        if arg and directive["name"] not in NO_TITLE:
            arg = self.lookup(arg)
        head = f"{mark}{{{directive['name']}}}" + (f" {arg}" if arg else "")
        options = 0
        while options < len(body) and OPTION.match(body[options]):
            options += 1
        return ([head] + [self.option(line) for line in body[:options]]
                + self.blocks(body[options:], width) + lines[end:end + 1]), end + 1

    def option(self, line: str) -> str:
        m = OPTION.match(line)
        if m["name"] in TEXT_OPTIONS and m["value"].strip():
            return f":{m['name']}: {self.lookup(m['value'].strip())}"
        return line

    def grid(self, lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
        if not lines[i].startswith("|"):
            return None
        out = []
        while i < len(lines) and lines[i].startswith("|"):
            row = lines[i].strip()
            if TABLE_RULE.match(row):
                out.append(lines[i])
            else:
                cells = CELL_SEPARATOR.split(row.strip("|"))
                texts = [f" {self.lookup(cell.strip())} " if cell.strip() else " " for cell in cells]
                out.append("|" + "|".join(texts) + "|")
            i += 1
        return out, i

    def quote(self, lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
        if not lines[i].startswith(">"):
            return None
        end = i
        while end < len(lines) and lines[end].startswith(">"):
            end += 1
        inner = [re.sub(r"^> ?", "", line) for line in lines[i:end]]
        return [f"> {line}" if line else ">" for line in self.blocks(inner, width - 2)], end

    def items(self, lines: list[str], i: int, width: int) -> tuple[list[str], int] | None:
        m = ITEM.match(lines[i])
        if not m:
            return None
        marker = m.group(0) if m.group(0).endswith(" ") else m.group(0) + " "
        indent = " " * len(marker)
        body = [lines[i][len(m.group(0)):]]
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.startswith(indent) or not line.strip():
                if not line.strip() and not (i + 1 < len(lines) and lines[i + 1].startswith(indent)):
                    break  # a blank line ends the item unless indented content follows
                body.append(line[len(indent):])
            elif not INTERRUPT.match(line) and not ITEM.match(line) and body[-1].strip():
                body.append(line.strip())  # a lazy continuation of the item's paragraph
            else:
                break
            i += 1
        inner = self.blocks(body, width - len(marker))
        out = [marker + inner[0]] + [indent + line if line else "" for line in inner[1:]]
        return out, i
