"""Self-check quizzes (docs/_ext/labkit_quiz.py): their HTML, their French, their checks, the pages' quizzes.

Each test builds a tiny Sphinx project in a temporary folder (MyST with colon fences and the quiz
extension), in a second or less. The browser side (choosing options, the feedback shown, file://) is
in tests/test_browser.py.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sitetools import CATALOGS, LANGUAGES, ROOT, site_dir, untranslated_blocks

from labkit_quiz import UI

CONF = """\
extensions = ["myst_parser", "labkit_quiz"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
root_doc = "{root}"
locale_dirs = ["locales/"]
gettext_compact = False
"""

QUIZ = """\
# Title

::::{quiz}
:answers: 2 1

1. What does *backpropagation* compute for $f(x)$?

   - The new weights.

     Not the weights: the optimiser updates them.

   - The gradient of the loss.

     Yes: the gradient of the loss with respect to every weight.

     A second paragraph of feedback.

   - Nothing.

     It computes the gradient.

2. Is $\\sigma'(z) \\le 1/4$?

   - Yes.

     Its maximum is at zero.

   - No.

     It is.
::::
"""

FRENCH = {
    "What does *backpropagation* compute for $f(x)$?": "Que calcule la *rétropropagation* pour $f(x)$ ?",
    "The new weights.": "Les nouveaux poids.",
    "Not the weights: the optimiser updates them.": "Pas les poids : un optimiseur les met à jour.",
    "The gradient of the loss.": "Le gradient de la perte.",
    "Yes: the gradient of the loss with respect to every weight.":
        "Oui : le gradient de la perte par rapport à chaque poids.",
    "A second paragraph of feedback.": "Un second paragraphe de commentaire.",
    "Nothing.": "Rien.",
    "It computes the gradient.": "Elle calcule le gradient.",
    "Is $\\sigma'(z) \\le 1/4$?": "A-t-on $\\sigma'(z) \\le 1/4$ ?",
    "Yes.": "Oui.",
    "Its maximum is at zero.": "Son maximum est en zéro.",
    "No.": "Non.",
    "It is.": "Si.",
}


def build(tmp_path: Path, source: str, builder: str = "html", language: str = "en",
          catalog: dict[str, str] | None = None, page: str = "index") -> tuple[Path, str]:
    """Build ``source`` as the one page of a tiny project; the output folder and the warnings."""
    from sphinx.application import Sphinx
    from sphinx.locale import translators
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF.format(root=page), encoding="utf-8")
    (src / f"{page}.md").write_text(source, encoding="utf-8")
    if catalog is not None:
        write_po(src / "locales" / language / "LC_MESSAGES" / f"{page}.po", catalog, language)
    translators.clear()  # Sphinx keeps the catalogs of an earlier build in this process
    warnings = io.StringIO()
    out = tmp_path / f"out-{builder}-{language}"
    with docutils_namespace():  # each build registers its directives and nodes afresh
        app = Sphinx(str(src), str(src), str(out), str(tmp_path / f"doctrees-{builder}-{language}"), builder,
                     confoverrides={"language": language}, status=None, warning=warnings, freshenv=True)
        app.build()
    translators.clear()
    return out, warnings.getvalue()


def write_po(path: Path, messages: dict[str, str], language: str) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po as babel_write_po

    catalog = Catalog(locale=language)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        babel_write_po(f, catalog)


def soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


# -- HTML -----------------------------------------------------------------------------------------

def test_html_has_a_fieldset_per_question_and_a_radio_and_feedback_per_option(tmp_path):
    out, warnings = build(tmp_path, QUIZ)
    assert not warnings, warnings
    page = soup(out / "index.html")
    (quiz,) = page.select("div.labkit-quiz")
    questions = quiz.select("fieldset.labkit-quiz-question")
    assert [q["data-answer"] for q in questions] == ["2", "1"]
    names = []
    for question, count in zip(questions, (3, 2)):
        legend = question.find("legend", recursive=False)
        assert legend is not None and not legend.find(["p", "div"]), legend  # phrasing content only
        options = question.select(".labkit-quiz-option")
        assert len(options) == count
        radios = question.select("input[type=radio]")
        assert [r["value"] for r in radios] == [str(i) for i in range(1, count + 1)]
        assert len({r["name"] for r in radios}) == 1  # one group: the arrow keys move within it
        names.append(radios[0]["name"])
        for number, option in enumerate(options, start=1):
            label = option.find("label")
            assert label.find("input", type="radio") is not None  # the text chooses its radio button
            assert not label.find(["p", "div"]), label
            (feedback,) = option.select(".labkit-quiz-feedback")
            assert feedback["aria-live"] == "polite"
            right = str(number) == question["data-answer"]
            assert feedback["data-verdict"] == ("right" if right else "wrong")
            assert ("labkit-quiz-right" if right else "labkit-quiz-wrong") in feedback["class"]
            verdict = feedback.select_one(".labkit-quiz-verdict").get_text()
            assert verdict == UI["en"]["right" if right else "wrong"]
            assert not feedback.find(attrs={"hidden": True})  # the script hides them: readable without it
    assert len(set(names)) == 2
    first = questions[0]
    legend = first.find("legend")
    assert legend.find("em").get_text() == "backpropagation"  # MyST inline markup and math are kept
    assert legend.select_one(".math").get_text() == r"\(f(x)\)"
    feedback = first.select(".labkit-quiz-feedback")[1]
    assert [p.get_text() for p in feedback.find_all("p")] == [
        "Right. Yes: the gradient of the loss with respect to every weight.", "A second paragraph of feedback."]
    score = quiz.select_one("p.labkit-quiz-score")
    assert score.has_attr("hidden") and score["data-template"] == UI["en"]["score"]
    # Local files, in the build: the quiz works offline and from file://.
    scripts = [s["src"].split("?")[0] for s in page.find_all("script", src=True)]
    styles = [s["href"].split("?")[0] for s in page.find_all("link", rel="stylesheet")]
    assert "_static/labkit-quiz.js" in scripts and "_static/labkit-quiz.css" in styles
    assert (out / "_static" / "labkit-quiz.js").is_file() and (out / "_static" / "labkit-quiz.css").is_file()


def test_french_build_shows_the_catalogs_french_and_french_ui_words(tmp_path):
    out, warnings = build(tmp_path, QUIZ, language="fr", catalog=FRENCH)
    assert not warnings, warnings
    quiz = soup(out / "index.html").select_one("div.labkit-quiz")
    legends = [" ".join(legend.get_text().split()) for legend in quiz.find_all("legend")]
    assert legends == [r"1. Que calcule la rétropropagation pour \(f(x)\) ?", r"2. A-t-on \(\sigma'(z) \le 1/4\) ?"]
    labels = [label.get_text().strip() for label in quiz.find_all("label")]
    assert labels == ["Les nouveaux poids.", "Le gradient de la perte.", "Rien.", "Oui.", "Non."]
    feedback = [p.get_text() for p in quiz.select(".labkit-quiz-feedback p")]
    assert feedback[:3] == ["Pas tout à fait. Pas les poids : un optimiseur les met à jour.",
                            "Juste. Oui : le gradient de la perte par rapport à chaque poids.",
                            "Un second paragraphe de commentaire."]
    assert quiz.select_one(".labkit-quiz-score")["data-template"] == "Bonnes réponses\u00a0: {right} / {total}"
    english = [p.get_text() for p in quiz.find_all(["p", "label", "legend"])]
    assert not any(word in " ".join(english) for word in ("Right.", "Not quite.", "weights", "gradient of"))


def test_gettext_extracts_each_paragraph_as_written(tmp_path):
    """The catalogs hold the source paragraphs, not the quiz's own words: the quiz is left alone for gettext."""
    from babel.messages.pofile import read_po

    out, warnings = build(tmp_path, QUIZ, builder="gettext")
    assert not warnings, warnings
    with (out / "index.pot").open("rb") as f:
        messages = [m.id for m in read_po(f) if m.id]
    assert messages == ["Title", *FRENCH]


def test_other_builders_get_a_readable_list_with_the_right_option_marked(tmp_path):
    out, warnings = build(tmp_path, QUIZ, builder="text")
    assert not warnings, warnings
    text = " ".join((out / "index.txt").read_text(encoding="utf-8").split())
    assert "1. What does *backpropagation* compute for f(x)?" in text
    assert "* The new weights. **Not quite.** Not the weights: the optimiser updates them." in text
    assert "* The gradient of the loss. *(the right answer)* **Right.** Yes: the gradient" in text
    assert "* Yes. *(the right answer)* **Right.** Its maximum is at zero." in text
    assert text.count("(the right answer)") == 2


# -- The checks -------------------------------------------------------------------------------------

OPTIONS = """\
   - A.

     Because.

   - B.

     Because not.
"""

# Each broken quiz, the error it must raise and the line (of index.md) the error names.
BROKEN = {
    "content is not a numbered list": (
        "::::{quiz}\n:answers: 1\n\nJust a paragraph.\n::::\n",
        "the content of a quiz must be one numbered list of questions", 3),
    "a paragraph beside the list": (
        "::::{quiz}\n:answers: 1\n\n1. Q?\n\n" + OPTIONS + "\nA paragraph after the list.\n::::\n",
        "the content of a quiz must be one numbered list of questions", 3),
    "a bulleted list of questions": (
        "::::{quiz}\n:answers: 1\n\n- Q?\n\n" + OPTIONS + "::::\n",
        "the content of a quiz must be one numbered list of questions", 3),
    "no options": (
        "::::{quiz}\n:answers: 1\n\n1. Q?\n\n2. R?\n\n" + OPTIONS + "::::\n",
        "question 1 has no bulleted list of options", 6),
    "one option": (
        "::::{quiz}\n:answers: 1\n\n1. Q?\n\n   - A.\n\n     Because.\n::::\n",
        "question 1 has 1 option: a question needs at least 2", 6),
    "an option without feedback": (
        "::::{quiz}\n:answers: 1\n\n1. Q?\n\n   - A.\n\n     Because.\n\n   - B.\n::::\n",
        "option 2 of question 1 has no feedback paragraph", 12),
    "more answers than questions": (
        "::::{quiz}\n:answers: 1 2\n\n1. Q?\n\n" + OPTIONS + "::::\n",
        ":answers: gives 2 answer(s) for 1 question(s)", 3),
    "fewer answers than questions": (
        "::::{quiz}\n:answers: 1\n\n1. Q?\n\n" + OPTIONS + "\n2. R?\n\n" + OPTIONS + "::::\n",
        ":answers: gives 1 answer(s) for 2 question(s)", 3),
    "an answer past the last option": (
        "::::{quiz}\n:answers: 3\n\n1. Q?\n\n" + OPTIONS + "::::\n",
        ":answers: 3 for question 1 is out of range: it has 2 option(s)", 3),
    "answer zero": (
        "::::{quiz}\n:answers: 0\n\n1. Q?\n\n" + OPTIONS + "::::\n",
        ":answers: 0 for question 1 is out of range", 3),
    "an answer that is no integer": (
        "::::{quiz}\n:answers: b\n\n1. Q?\n\n" + OPTIONS + "::::\n",
        ":answers: 'b' (answer 1) is not an integer", 3),
    "a decimal answer": (
        "::::{quiz}\n:answers: 1.5\n\n1. Q?\n\n" + OPTIONS + "::::\n",
        ":answers: '1.5' (answer 1) is not an integer", 3),
    "no answers": (
        "::::{quiz}\n\n1. Q?\n\n" + OPTIONS + "::::\n",
        ":answers: is missing", 3),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_quiz_is_an_error_naming_the_page_and_line(tmp_path, case):
    source, message, line = BROKEN[case]
    out, warnings = build(tmp_path, "# Title\n\n" + source)
    assert re.search(rf"index\.md:{line}: ERROR: quiz: {re.escape(message)}", warnings), warnings
    assert "labkit-quiz-question" not in (out / "index.html").read_text(encoding="utf-8")  # no half-built quiz


def test_a_valid_quiz_is_no_error(tmp_path):
    """The control of the cases above: the same quiz, whole, builds without a word."""
    _, warnings = build(tmp_path, "# Title\n\n::::{quiz}\n:answers: 2\n\n1. Q?\n\n" + OPTIONS + "::::\n")
    assert not warnings, warnings


# -- The course's quizzes -----------------------------------------------------------------------------

DOCS = ROOT / "docs"
CONCEPT_PAGES = ["multi", "graphs", "autoencoders", "regularization", "hardware", "backprop", "autodiff"]
QUIZ_BLOCK = re.compile(r"^(:{3,})\{quiz\}.*?^\1\s*$", re.M | re.S)
MUST_HAVE_A_QUIZ = {"backprop"}


def page_quizzes(page: str) -> list[str]:
    return [m.group(0) for m in QUIZ_BLOCK.finditer((DOCS / f"{page}.md").read_text(encoding="utf-8"))]


def test_the_pilot_pages_have_a_quiz():
    assert all(page_quizzes(page) for page in MUST_HAVE_A_QUIZ)


@pytest.mark.parametrize("page", [p for p in CONCEPT_PAGES if page_quizzes(p)])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_quiz_of_the_pages_builds_whole_in_both_languages(tmp_path, page, language):
    """Each page's quizzes, alone in a tiny project with the page's own catalog: no error, 5 to 8
    questions each, and in French no stem, option or feedback left in English."""
    from babel.messages.pofile import read_po

    source = "# Title\n\n" + "\n\n".join(page_quizzes(page))
    catalog = None
    if language != "en":
        with (CATALOGS / f"{page}.po").open("rb") as f:
            catalog = {m.id: m.string for m in read_po(f, locale=language) if m.id and m.string}
    out, warnings = build(tmp_path, source, language=language, catalog=catalog, page=page)
    assert not warnings, warnings
    quizzes = soup(out / f"{page}.html").select("div.labkit-quiz")
    assert len(quizzes) == len(page_quizzes(page))
    for quiz in quizzes:
        assert 5 <= len(quiz.select("fieldset.labkit-quiz-question")) <= 8
    if language != "en":
        (tmp_path / "en").mkdir()
        english, _ = build(tmp_path / "en", source, page=page)
        same = untranslated_blocks((english / f"{page}.html").read_text(encoding="utf-8"),
                                   (out / f"{page}.html").read_text(encoding="utf-8"),
                                   lambda tag, text: False, root="div.labkit-quiz")
        assert not same, same


@pytest.mark.site
@pytest.mark.parametrize("language", LANGUAGES)
def test_concept_pages_with_a_quiz_ask_five_to_eight_questions(language):
    """On the built site: every quiz of a concept page has 5 to 8 questions; the pilot pages have one."""
    root = site_dir(language)
    for page in CONCEPT_PAGES:
        html = (root / f"{page}.html").read_text(encoding="utf-8")
        quizzes = html.count('<div class="labkit-quiz">')
        if page in MUST_HAVE_A_QUIZ:
            assert quizzes, f"{language}/{page}.html has no quiz"
        assert quizzes == len(page_quizzes(page)), f"{language}/{page}.html: {quizzes} quizzes"
        for quiz in soup(root / f"{page}.html").select("div.labkit-quiz"):
            count = len(quiz.select("fieldset.labkit-quiz-question"))
            assert 5 <= count <= 8, f"{language}/{page}.html: a quiz of {count} questions"
