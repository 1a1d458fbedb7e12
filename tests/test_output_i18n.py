"""French figures and outputs from the English run's notes (docs/_ext/output_i18n.py), without a build."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import output_i18n  # noqa: E402

from labkit.i18n import _, recording  # noqa: E402


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LABKIT_LANG", "en")  # the site executes in English
    yield
    plt.close("all")


def test_a_composed_message_shows_its_parts_in_french() -> None:
    """A pattern whose field is another message (a translated label) is French all through."""
    with recording() as notes:
        line = _("{tasks}, {n:3d} rows: ").format(tasks=_("related tasks"), n=50)
    table, missing = output_i18n.translations(notes, "fr")
    assert not missing
    assert output_i18n.translate_text(line, table) == "tâches liées,  50 lignes : "


def test_figures_with_shared_axes_are_translated_and_restored() -> None:
    """Shared axes share their tick formatters: each is patched, and restored, once."""
    with recording() as notes:
        fig, axes = plt.subplots(1, 2, sharey=True)
        for ax in axes:
            ax.plot([1, 2], [0.5, 1.5])
            ax.set_xlabel(_("training rows"))
    table, _missing = output_i18n.translations(notes, "fr")
    undo = output_i18n._in_french(fig, table)
    assert [ax.get_xlabel() for ax in axes] == ["lignes d'entraînement"] * 2
    fig.canvas.draw()
    assert "1,00" in output_i18n._drawn(fig)  # tick labels in French too
    output_i18n._restore(undo)
    assert [ax.get_xlabel() for ax in axes] == ["training rows"] * 2
    fig.canvas.draw()
    assert "1.00" in output_i18n._drawn(fig)


def test_a_translated_output_has_its_numbers_localised_once() -> None:
    """A French message already writes 0.059 as 0,059; read again as a number, 0,059 would look like the
    integer 59 with a thousands separator and become 0 059. Numbers outside any message are still
    localised."""
    with recording() as notes:
        line = _("eigenvalues of the GCN matrix from {low:.3f} to {high:.3f}").format(low=-0.42, high=1.0)
    table, _missing = output_i18n.translations(notes, "fr")
    shown = output_i18n.in_language(f"{line}\nratio 0.93 at 1,797 rows", output_i18n.Replacer(table), "fr")
    assert shown == "valeurs propres de la matrice du GCN de -0,420 à 1,000\nratio 0,93 at 1\u202f797 rows"


def test_numbers_inside_a_text_field_of_a_translated_message_are_localised() -> None:
    """A list shown through a message's text field has its decimal points made commas in French."""
    with recording() as notes:
        line = _("weights:              {weights}").format(weights=[0.5, 1.25])
    table, _missing = output_i18n.translations(notes, "fr")
    shown = output_i18n.in_language(line, output_i18n.Replacer(table), "fr")
    assert shown.startswith("poids") and "0,5" in shown and "1,25" in shown and "0.5" not in shown, shown
