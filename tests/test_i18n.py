"""labkit.i18n: messages in the reader's language, the catalogs of the code, and the French figures."""

from __future__ import annotations

import string
import os

import pytest
from contracts import contract_tests, relation_tests

from labkit import i18n
from labkit.i18n import _


def language_with(value: str) -> str:
    """``language()`` with ``LABKIT_LANG`` set to ``value`` (the environment is its only input)."""
    previous = os.environ.get("LABKIT_LANG")
    os.environ["LABKIT_LANG"] = value
    try:
        return i18n.language()
    finally:
        os.environ["LABKIT_LANG"] = previous or "en"


VALID_CALLS = {
    "Message": lambda: (i18n.Message, dict(msgid="training rows", lang="fr")),
    "Message.format": lambda: (i18n.Message("{n} rows", "fr").format, dict(n=1797)),
    "_": lambda: (_, dict(message="training rows")),
    "catalog": lambda: (i18n.catalog, dict(lang="fr")),
    "language": lambda: (i18n.language, {}),
    "localize_number": lambda: (i18n.localize_number, dict(text="1,797.25", lang="fr")),
    "render": lambda: (i18n.render, dict(pattern="{0} rows", fields={"0": "12"}, numbers=["0"], lang="fr")),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(i18n, VALID_CALLS)

# Relations (a pattern's fields against the fields given) and the environment stay checked inline.
BAD_INPUTS = [
    ("language", lambda: language_with("french"), ValueError, "LABKIT_LANG"),
    ("render", lambda: i18n.render("{n} rows", {}, [], "fr"), ValueError, "fields"),
    # Round 2 of the probe (issue 15): each row below failed before its fix (KeyError, IndexError, a message
    # naming localize_number's text, str.format's message naming nothing).
    ("Message.format", lambda: i18n.Message("{n} rows", "fr").format(), TypeError, "n"),
    ("Message.format", lambda: i18n.Message("{0} rows", "fr").format(), TypeError, "args"),
    ("Message.format", lambda: i18n.Message("{x:.2f}", "fr").format(x="a"), ValueError, "x"),
    ("render", lambda: i18n.render("{0}", {"0": 12}, ["0"], "fr"), TypeError, "fields"),
    ("render", lambda: i18n.render("{0", {"0": "1"}, [], "fr"), ValueError, "pattern"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


def test_an_unhashable_language_is_refused_naming_it() -> None:
    with pytest.raises(TypeError, match="^lang must be one of"):
        i18n.catalog(["fr"])


def test_numpy_numbers_are_localized_like_python_numbers(monkeypatch) -> None:
    import numpy as np

    monkeypatch.setenv("LABKIT_LANG", "fr")
    assert _("{x:.2f} and {n:,}").format(x=np.float32(0.25), n=np.int64(1797)) == "0,25 and 1\u202f797"

CATALOG = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "training rows"
msgstr "lignes d'entraînement"

#, fuzzy
msgid "loss"
msgstr "perte"

#, python-brace-format
msgid "{n} nodes, \\"quoted\\", {acc:.1%} right"
msgstr ""
"{n} nœuds, « cités », {acc:.1%} "
"justes"

msgid "{model}: {ms:6.2f} ms"
msgstr "{ms:6.2f} ms pour {model}"
'''


@pytest.fixture
def french(tmp_path, monkeypatch):
    """A French catalog of four messages (one fuzzy), in place of labkit's."""
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "test.po").write_text(CATALOG, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n.catalog.cache_clear()
    monkeypatch.setenv("LABKIT_LANG", "fr")
    yield tmp_path / "fr" / "test.po"
    i18n.catalog.cache_clear()


def test_catalog_reads_multiline_escapes_and_skips_fuzzy(french):
    table = i18n.catalog("fr")
    assert table["training rows"] == "lignes d'entraînement"
    assert table['{n} nodes, "quoted", {acc:.1%} right'] == "{n} nœuds, « cités », {acc:.1%} justes"
    assert "loss" not in table


def test_french_reader_gets_french_with_french_numbers(french):
    assert _("training rows") == "lignes d'entraînement"
    text = _('{n} nodes, "quoted", {acc:.1%} right').format(n=1797, acc=0.8236)
    assert text == "1797 nœuds, « cités », 82,4% justes"
    assert _("{model}: {ms:6.2f} ms").format(model="DGL", ms=1234.5) == "1234,50 ms pour DGL"  # reordered
    assert _("loss") == "loss"  # fuzzy: not trusted, English
    assert _("not in the catalog") == "not in the catalog"


@pytest.mark.parametrize("pattern, args, kwargs", [
    ("{:6.2f} ms", (3.14159,), {}),
    ("{0} and {1!r} and {0}", ("a", "b"), {}),
    ("{n:,} rows, {x:+.1e}", (), {"n": 1797000, "x": -0.00123}),
    ("{a[0]} {a[1]:>4}", (), {"a": [1, 2]}),
    ("{:.1%} of {}", (0.5, "them"), {}),
])
def test_english_format_is_str_format(pattern, args, kwargs, monkeypatch):
    monkeypatch.setenv("LABKIT_LANG", "en")
    assert _(pattern).format(*args, **kwargs) == pattern.format(*args, **kwargs)


def test_language_comes_from_labkit_lang_then_the_locale(monkeypatch):
    for name in ("LABKIT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert i18n.language() == "en"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.language() == "fr"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")  # a language the course lacks: English
    assert i18n.language() == "en"
    monkeypatch.setenv("LABKIT_LANG", "fr")
    assert i18n.language() == "fr"


def test_a_bad_language_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LABKIT_LANG", "french")
    with pytest.raises(ValueError, match="LABKIT_LANG must be one of en, fr, got 'french'"):
        i18n.language()
    with pytest.raises(TypeError, match="^message must be a string, got 3"):
        _(3)


def test_recording_notes_enough_to_show_it_again_in_french(french, monkeypatch):
    monkeypatch.setenv("LABKIT_LANG", "en")
    with i18n.recording() as notes:
        shown = _("{model}: {ms:6.2f} ms").format(model="PyG", ms=0.5)
    assert shown == "PyG:   0.50 ms"
    note = notes[-1]
    french_pattern = i18n.catalog("fr")[note["msgid"]]
    assert i18n.render(french_pattern, note["fields"], note["numbers"], "fr") == "  0,50 ms pour PyG"


def test_translations_keep_the_fields_of_their_message():
    """A translated pattern that names another field would fail at run time in French: catch it here."""
    wrong = []
    for po in sorted(i18n.LOCALES.rglob("*.po")):
        for msgid, msgstr in i18n.read_po(po).items():
            fields = lambda s: sorted(f for _t, f, _s, _c in string.Formatter().parse(s) if f is not None)  # noqa: E731
            if fields(msgid) != fields(msgstr):
                wrong.append(f"{po.name}: {msgid!r}")
    assert not wrong, wrong


def test_code_catalogs_are_complete_and_in_step_with_the_code():
    """Every _() message of labkit, the examples and the pages is in its concept's catalog, translated and
    not fuzzy, and the catalogs hold nothing else (fix: make po, then translate)."""
    import code_messages
    from babel.messages.pofile import read_po

    expected = {concept: set(messages) for concept, messages in code_messages.extract().items()}
    held, problems = {}, []
    for po in sorted((i18n.LOCALES / "fr").glob("*.po")):
        with po.open("rb") as f:
            messages = [m for m in read_po(f, locale="fr") if m.id]
        held[po.stem] = {m.id for m in messages}
        problems += [f"{po.name}: {m.id!r} " + ("fuzzy" if m.fuzzy else "untranslated")
                     for m in messages if m.fuzzy or not m.string]
    assert held == expected, "catalogs out of step with the code: run make po"
    assert not problems, "\n".join(problems)


# -- The French figures of the site ------------------------------------------------------------------

def test_french_figure_draws_french_and_a_removed_translation_shows(french, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import output_i18n

    monkeypatch.setenv("LABKIT_LANG", "en")  # the site executes in English
    with i18n.recording() as notes:
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0.5, 1.5], label=_("{model}: {ms:6.2f} ms").format(model="DGL", ms=2.25))
        ax.set_xlabel(_("training rows"))
        ax.legend()
    table, missing = output_i18n.translations(notes, "fr")
    assert missing == []
    undo = output_i18n._in_french(fig, table)
    fig.canvas.draw()
    drawn = output_i18n._drawn(fig)
    output_i18n._restore(undo)
    assert "lignes d'entraînement" in drawn and "  2,25 ms pour DGL" in drawn
    assert "0,6" in drawn  # tick labels with a decimal comma
    fig.canvas.draw()
    assert "training rows" in output_i18n._drawn(fig) and "0.6" in output_i18n._drawn(fig)  # English again

    french.write_text(CATALOG.replace("lignes d'entraînement", ""), encoding="utf-8")  # one translation gone
    i18n.catalog.cache_clear()
    table, missing = output_i18n.translations(notes, "fr")
    assert missing == ["training rows"]
    plt.close(fig)


def test_printed_output_is_translated_whole_messages_only(french):
    import output_i18n

    table = {"loss": "perte", "training loss": "perte d'entraînement"}
    text = "training loss 0.25\nlossless loss"
    assert output_i18n.translate_text(text, table) == "perte d'entraînement 0.25\nlossless perte"
    assert output_i18n.localize_numbers("0.25 at 1,797 rows", "fr") == "0,25 at 1\u202f797 rows"


def test_make_po_extracts_messages_from_labkit_examples_and_page_cells(tmp_path):
    import code_messages

    (tmp_path / "labkit").mkdir()
    (tmp_path / "labkit" / "plotting.py").write_text('from labkit.i18n import _\nTITLE = _("loss")\n')
    (tmp_path / "examples" / "02_graphs").mkdir(parents=True)
    (tmp_path / "examples" / "02_graphs" / "plot_x.py").write_text('print(_("{n} nodes").format(n=3))\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "graphs.md").write_text(
        "# Graphs\n\nText with _(\"not code\").\n\n```{code-cell} ipython3\n%matplotlib inline\n"
        "print(_(\"edges\"))\n```\n")
    found = code_messages.extract(tmp_path)
    assert found == {"labkit": {"loss": ["labkit/plotting.py"]},
                     "graphs": {"{n} nodes": ["examples/02_graphs/plot_x.py"], "edges": ["docs/graphs.md"]}}
    code_messages.update("fr", tmp_path)
    po = tmp_path / "labkit" / "locales" / "fr" / "graphs.po"
    po.write_text(po.read_text().replace('msgid "edges"\nmsgstr ""', 'msgid "edges"\nmsgstr "arêtes"'))
    code_messages.update("fr", tmp_path)  # a second run keeps the translation
    assert i18n.read_po(po) == {"edges": "arêtes"}


def test_a_message_shown_inside_another_is_translated_inside_it(french, monkeypatch):
    import output_i18n

    monkeypatch.setenv("LABKIT_LANG", "en")
    with i18n.recording() as notes:
        shown = _("{model}: {ms:6.2f} ms").format(model=_("training rows"), ms=1.5)
        inner = _("{model}: {ms:6.2f} ms").format(model=_("training rows"), ms=2.5)
        outer = _("{model}: {ms:6.2f} ms").format(model=inner, ms=3.5)  # two levels deep
    table, _missing = output_i18n.translations(notes, "fr")
    assert table[shown] == "  1,50 ms pour lignes d'entraînement"
    assert table[outer] == "  3,50 ms pour   2,50 ms pour lignes d'entraînement"


def test_a_page_executed_again_keeps_only_its_new_notes(tmp_path):
    """A page's kernel appends its notes; when the page runs again, the older notes (perhaps of messages
    since changed) go, and a page read from the cache keeps its notes."""
    from types import SimpleNamespace

    import output_i18n

    app = SimpleNamespace(config=SimpleNamespace(nb_execution_cache_path=str(tmp_path)))
    notes = output_i18n.page_record_file(app, "graphs")
    notes.parent.mkdir(parents=True)
    notes.write_text('{"old": 1}\n')
    output_i18n._notes_before["graphs"] = notes.stat().st_size  # read from the cache: nothing appended
    output_i18n._keep_last_execution(app, "graphs")
    assert notes.read_text() == '{"old": 1}\n'
    output_i18n._notes_before["graphs"] = notes.stat().st_size
    with notes.open("a") as f:  # executed again
        f.write('{"new": 2}\n')
    output_i18n._keep_last_execution(app, "graphs")
    assert notes.read_text() == '{"new": 2}\n'
