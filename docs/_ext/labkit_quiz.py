"""Self-check quizzes: the ``quiz`` directive, with instant feedback for every option.

The source is plain nested MyST, so the page's own catalog translates every stem, option and feedback
paragraph (``Locale`` runs on the ordinary paragraphs the directive leaves in the doctree)::

    ::::{quiz}
    :answers: 2 1

    1. Question stem?

       - First option.

         Why it is right or wrong.

       - Second option.

         Why.

    2. ...
    ::::

``:answers:`` gives, per question, the 1-based number of its one right option.  The structure is checked
when the page is read (an error naming the page and line) and turned into quiz nodes only after
translation, on ``doctree-resolved``.  HTML gets one ``<fieldset>`` per question, its stem as the
``<legend>``, native radio buttons in ``<label>``s and one feedback block per option, opened by its verdict
in words ("Right." / "Not quite."); ``labkit-quiz.js`` hides each feedback until its option is chosen, so
that without JavaScript every feedback stays readable.  Other builders get the numbered list as it is,
with the right option and each feedback's verdict marked in words.  Between a question's stem and its
options, other blocks (a formula, some code) may stand: they are shown under the legend.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: The few words the quiz itself shows, in the page's language (the questions come from the catalogs).
UI = {
    "en": {"right": "Right.", "wrong": "Not quite.", "answer": "(the right answer)",
           "score": "Right answers: {right} / {total}"},
    "fr": {"right": "Juste.", "wrong": "Pas tout à fait.", "answer": "(la bonne réponse)",
           "score": "Bonnes réponses\u00a0: {right} / {total}"},
}


def ui_words(language: str | None) -> dict[str, str]:
    """The quiz's own words in ``language`` (English for a language without them)."""
    return UI.get(language or "en", UI["en"])


# -- Nodes ----------------------------------------------------------------------------------------

class quiz(nodes.General, nodes.Element):
    """A quiz as parsed: one enumerated list, translated in place; ``answers`` holds the right options."""


class quiz_html(nodes.General, nodes.Element):
    """``<div class="labkit-quiz">``: the questions and the score line."""


class quiz_question(nodes.General, nodes.Element):
    """``<fieldset>``: one question; ``answer`` is the number of its right option."""


class quiz_stem(nodes.General, nodes.TextElement):
    """``<legend>``: the question's stem, inline content only."""


class quiz_option(nodes.General, nodes.Element):
    """One option: its label (with the radio button) and its feedback."""


class quiz_label(nodes.General, nodes.TextElement):
    """``<label>`` around a radio button and the option's text, inline content only."""


class quiz_feedback(nodes.General, nodes.Element):
    """The feedback of one option, in its own ``aria-live`` region; ``right`` says which verdict."""


class quiz_score(nodes.General, nodes.Element):
    """The running score line, filled in by the script (empty and hidden without it)."""


# -- Structure ------------------------------------------------------------------------------------

def parse_answers(text: str | None) -> tuple[list[int], list[str]]:
    """The answers of ``:answers:`` and the problems found in it."""
    if text is None or not text.strip():
        return [], [":answers: is missing: give the number of the right option of each question, "
                    "in order (':answers: 2 1 3')"]
    answers, problems = [], []
    for position, word in enumerate(text.split(), start=1):
        try:
            answers.append(int(word))
        except ValueError:
            problems.append(f":answers: {word!r} (answer {position}) is not an integer: give the 1-based "
                            f"number of the right option")
    return answers, problems


def _kinds(children: list[nodes.Node]) -> str:
    return ", ".join(type(c).__name__ for c in children) or "nothing"


def check_quiz(node: quiz) -> list[tuple[str, int | None]]:
    """Every problem of a quiz's structure and answers, as ``(message, line)``; empty when it is valid."""
    problems: list[tuple[str, int | None]] = [(p, node.line) for p in node.get("answer_problems", [])]
    children = [c for c in node.children if not isinstance(c, (nodes.comment, nodes.system_message))]
    if len(children) != 1 or not isinstance(children[0], nodes.enumerated_list):
        problems.append(("the content of a quiz must be one numbered list of questions ('1. ...'), "
                         f"found: {_kinds(children)}", node.line))
        return problems
    questions = children[0].children
    for q, item in enumerate(questions, start=1):
        line = item.line or node.line
        if not item.children or not isinstance(item[0], nodes.paragraph):
            problems.append((f"question {q} must start with its question paragraph", line))
            continue
        lists = [c for c in item.children if isinstance(c, nodes.bullet_list)]
        if not lists:
            problems.append((f"question {q} has no bulleted list of options ('- ...' under its question)",
                             line))
            continue
        if len(lists) > 1 or item[-1] is not lists[0]:
            problems.append((f"question {q}: its options must be one bulleted list, at the end of the question",
                             line))
            continue
        options = lists[0].children
        if len(options) < 2:
            problems.append((f"question {q} has {len(options)} option: a question needs at least 2", line))
        for o, option in enumerate(options, start=1):
            where = option.line or line
            if not option.children or not isinstance(option[0], nodes.paragraph):
                problems.append((f"option {o} of question {q} must start with the option's text", where))
            elif len(option.children) < 2:
                problems.append((f"option {o} of question {q} has no feedback paragraph (an indented "
                                 "paragraph under the option saying why it is right or wrong)", where))
    answers = node.get("answers", [])
    if not node.get("answer_problems"):
        if len(answers) != len(questions):
            problems.append((f":answers: gives {len(answers)} answer(s) for {len(questions)} question(s)",
                             node.line))
        for q, (answer, item) in enumerate(zip(answers, questions), start=1):
            lists = [c for c in item.children if isinstance(c, nodes.bullet_list)]
            if not lists:
                continue  # already reported: no options to count
            count = len(lists[-1].children)
            if not 1 <= answer <= count:
                problems.append((f":answers: {answer} for question {q} is out of range: it has "
                                 f"{count} option(s), numbered from 1", node.line))
    return problems


class QuizDirective(SphinxDirective):
    """``quiz``: parse the content as MyST, check it, keep it as it is until translated."""

    has_content = True
    option_spec = {"answers": str}

    def run(self) -> list[nodes.Node]:
        node = quiz()
        self.set_source_info(node)
        answers, answer_problems = parse_answers(self.options.get("answers"))
        node["answers"] = answers
        node["answer_problems"] = answer_problems
        self.state.nested_parse(self.content, self.content_offset, node)
        problems = check_quiz(node)
        if problems:
            reporter = self.state.document.reporter
            return [reporter.error(f"quiz: {message}", line=line) for message, line in problems]
        return [node]


# -- After translation ----------------------------------------------------------------------------

def _questions(node: quiz) -> list[tuple[nodes.list_item, list[nodes.list_item], int]]:
    items = next(c for c in node.children if isinstance(c, nodes.enumerated_list)).children
    bullets = [[c for c in item.children if isinstance(c, nodes.bullet_list)][-1] for item in items]
    return [(item, bullet.children, answer) for item, bullet, answer in zip(items, bullets, node["answers"])]


def _verdict(right: bool, words: dict[str, str]) -> nodes.strong:
    verdict = words["right" if right else "wrong"]
    return nodes.strong(verdict, verdict, classes=["labkit-quiz-verdict"])


def _with_verdict(feedback: list[nodes.Node], right: bool, words: dict[str, str]) -> list[nodes.Node]:
    """The feedback, its first paragraph opened with the verdict in words (not colour alone)."""
    if isinstance(feedback[0], nodes.paragraph):
        feedback[0].insert(0, nodes.Text(" "))
        feedback[0].insert(0, _verdict(right, words))
        return feedback
    return [nodes.paragraph("", "", _verdict(right, words)), *feedback]


def plain_quiz(node: quiz, words: dict[str, str]) -> list[nodes.Node]:
    """The quiz for a builder without forms: the numbered list, the right option and each verdict marked."""
    for _item, options, answer in _questions(node):
        for number, option in enumerate(options, start=1):
            right = number == answer
            if right:
                option[0] += [nodes.Text(" "), nodes.emphasis(words["answer"], words["answer"])]
            feedback = _with_verdict(list(option.children[1:]), right, words)
            option.children = option.children[:1]
            option.extend(feedback)
    return [nodes.container("", *node.children, classes=["labkit-quiz"])]


def html_quiz(node: quiz, index: int, words: dict[str, str]) -> quiz_html:
    """The quiz as a form: a fieldset per question, a radio button and a feedback block per option."""
    out = quiz_html(classes=["labkit-quiz"])
    for q, (item, options, answer) in enumerate(_questions(node), start=1):
        name = f"labkit-quiz-{index}-{q}"
        question = quiz_question(classes=["labkit-quiz-question"], answer=answer, ids=[name])
        stem = quiz_stem("", "", classes=["labkit-quiz-stem"])
        stem += nodes.inline(f"{q}.", f"{q}.", classes=["labkit-quiz-number"])
        stem += nodes.Text(" ")
        stem.extend(item[0].children)  # a <p> is not allowed in a <legend>: its inline content is
        question += stem
        question.extend(item.children[1:-1])  # what the question shows between its stem and its options
        for number, option in enumerate(options, start=1):
            right = number == answer
            choice = quiz_option(classes=["labkit-quiz-option"])
            label = quiz_label("", "", classes=["labkit-quiz-label"], name=name, value=number)
            label.extend(option[0].children)
            choice += label
            verdict = "right" if right else "wrong"
            feedback = quiz_feedback(classes=["labkit-quiz-feedback", f"labkit-quiz-{verdict}"], verdict=verdict)
            feedback.extend(_with_verdict(list(option.children[1:]), right, words))
            choice += feedback
            question += choice
        out += question
    out += quiz_score(classes=["labkit-quiz-score"], template=words["score"])
    return out


def convert_quizzes(app: Any, doctree: nodes.document, docname: str) -> None:
    """Turn each (translated) quiz into quiz nodes for HTML, or into a marked list for other builders.

    Connected to ``doctree-resolved``: by then ``Locale`` has put the page's translations in place.
    """
    if app.builder.name == "gettext":
        return  # the catalogs take the paragraphs as they were written
    words = ui_words(app.config.language)
    for index, node in enumerate(list(doctree.findall(quiz)), start=1):
        problems = check_quiz(node)  # a translation that parses as a list would break the structure
        for message, line in problems:
            logger.warning("quiz (after translation): %s", message, location=(docname, line),
                           type="quiz", subtype="structure")
        if problems:
            node.replace_self(list(node.children))
        elif app.builder.format == "html":
            node.replace_self(html_quiz(node, index, words))
        else:
            node.replace_self(plain_quiz(node, words))


# -- HTML -----------------------------------------------------------------------------------------

def visit_quiz_html(self: Any, node: quiz_html) -> None:
    self.body.append(self.starttag(node, "div"))


def depart_quiz_html(self: Any, node: quiz_html) -> None:
    self.body.append("</div>\n")


def visit_quiz_question(self: Any, node: quiz_question) -> None:
    self.body.append(self.starttag(node, "fieldset", **{"data-answer": str(node["answer"])}))


def depart_quiz_question(self: Any, node: quiz_question) -> None:
    self.body.append("</fieldset>\n")


def visit_quiz_stem(self: Any, node: quiz_stem) -> None:
    self.body.append(self.starttag(node, "legend", suffix=""))


def depart_quiz_stem(self: Any, node: quiz_stem) -> None:
    self.body.append("</legend>\n")


def visit_quiz_option(self: Any, node: quiz_option) -> None:
    self.body.append(self.starttag(node, "div"))


def depart_quiz_option(self: Any, node: quiz_option) -> None:
    self.body.append("</div>\n")


def math_only_name(node: nodes.Element) -> str | None:
    """The accessible name of an option written in math only: its TeX. A label whose text is all math names nothing
    (MathJax's hidden MathML has the role of math, which lends no name: axe-core's ``label``); None when the label
    has words of its own.

    >>> math_only_name(nodes.inline("", "", nodes.math("", "y - t"), nodes.Text(" "), nodes.math("", "x^2")))
    'y - t x^2'
    >>> math_only_name(nodes.inline("", "", nodes.Text("it is "), nodes.math("", "1")))
    """
    if any(t.strip() and not isinstance(t.parent, nodes.math) for t in node.findall(nodes.Text)):
        return None
    return " ".join(m.astext() for m in node.findall(nodes.math)) or None


def visit_quiz_label(self: Any, node: quiz_label) -> None:
    # The radio button inside its label: clicking the text chooses it, and no id has to be unique.
    self.body.append(self.starttag(node, "label", suffix=""))
    tex = math_only_name(node)
    name = f' aria-label="{html.escape(tex)}"' if tex else ""
    self.body.append(f'<input type="radio" class="labkit-quiz-input" name="{html.escape(node["name"])}" '
                     f'value="{node["value"]}"{name}> <span class="labkit-quiz-text">')


def depart_quiz_label(self: Any, node: quiz_label) -> None:
    self.body.append("</span></label>\n")


def visit_quiz_feedback(self: Any, node: quiz_feedback) -> None:
    # The region is always there, so that a screen reader announces the feedback the script reveals in it.
    self.body.append(self.starttag(node, "div", **{"aria-live": "polite", "data-verdict": node["verdict"]}))
    self.body.append('<div class="labkit-quiz-feedback-body">\n')


def depart_quiz_feedback(self: Any, node: quiz_feedback) -> None:
    self.body.append("</div></div>\n")


def visit_quiz_score(self: Any, node: quiz_score) -> None:
    # Empty and hidden until the first answer: without the script there is no score to show.
    self.body.append(self.starttag(node, "p", suffix="", hidden="hidden", **{"data-template": node["template"]}))
    self.body.append("</p>\n")
    raise nodes.SkipNode


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _pass(self: Any, node: nodes.Node) -> None:
    pass


#: The script and style sheet, local files: the quiz works offline and from file://.
STATIC = Path(__file__).resolve().parent.parent / "_static"


def add_static_path(app: Any) -> None:
    """Serve ``docs/_static`` even from a project that does not list it (the tests' tiny projects)."""
    listed = {(Path(app.confdir) / p).resolve() for p in app.config.html_static_path}
    if STATIC not in listed:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Any) -> dict:
    app.add_directive("quiz", QuizDirective)
    app.connect("doctree-resolved", convert_quizzes)
    # A quiz node never reaches a writer (QuizTransform replaces it); if one did, its content shows as is.
    passthrough = (_pass, _pass)
    app.add_node(quiz, html=passthrough, latex=passthrough, text=passthrough, man=passthrough,
                 texinfo=passthrough)
    app.add_node(quiz_html, html=(visit_quiz_html, depart_quiz_html))
    app.add_node(quiz_question, html=(visit_quiz_question, depart_quiz_question))
    app.add_node(quiz_stem, html=(visit_quiz_stem, depart_quiz_stem))
    app.add_node(quiz_option, html=(visit_quiz_option, depart_quiz_option))
    app.add_node(quiz_label, html=(visit_quiz_label, depart_quiz_label))
    app.add_node(quiz_feedback, html=(visit_quiz_feedback, depart_quiz_feedback))
    app.add_node(quiz_score, html=(visit_quiz_score, _skip))
    app.connect("builder-inited", add_static_path)
    app.add_js_file("labkit-quiz.js")
    app.add_css_file("labkit-quiz.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
