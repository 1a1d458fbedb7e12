"""One figure style for the whole course.

Every gallery example calls :func:`use_style` first, so that all figures share the same colours,
sizes and grid. The colours are the Okabe–Ito palette, which stays distinguishable for readers with
the common forms of colour blindness. Importing this module changes nothing: only
:func:`use_style` touches matplotlib's settings.
"""

from __future__ import annotations

from ._checks import Int, Real
from ._contract import contract

__all__ = ["PALETTE", "PHONE_FIGURE_PX", "SMALLEST_TEXT_PX", "use_style", "widest_figure"]

#: The Okabe–Ito colour-blind-safe palette, ordered so that the first colours contrast most on white
#: (blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


#: How wide a figure is shown on a phone, in CSS pixels (the text column that a 390 px screen leaves).
PHONE_FIGURE_PX = 358
#: The smallest text a figure may show there, in CSS pixels (the browser test measures it on every figure).
SMALLEST_TEXT_PX = 9

# The sizes of use_style, in points: none under 11, so that a figure up to 6 inches wide keeps its text at 9 px
# or more on a phone (see widest_figure).
_SIZES = {"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11,
          "legend.fontsize": 11, "legend.title_fontsize": 11, "figure.titlesize": 13}


@contract(smallest_pt=Real(0, low_open=True))
def widest_figure(smallest_pt: float) -> float:
    """How wide a figure whose smallest text is ``smallest_pt`` points may be, in inches, for that text to show at
    :data:`SMALLEST_TEXT_PX` pixels or more once the figure is shrunk to a phone's :data:`PHONE_FIGURE_PX`.

    >>> round(widest_figure(11), 2)
    6.08
    >>> import matplotlib as mpl
    >>> use_style()
    >>> mpl.rcParams["figure.figsize"][0] <= widest_figure(min(mpl.rcParams[k] for k in _SIZES))
    True
    """
    return smallest_pt * PHONE_FIGURE_PX / (SMALLEST_TEXT_PX * 72)


@contract(dpi=Int(50, 600))
def use_style(*, dpi: int = 100) -> None:
    """Set matplotlib's settings to the course's figure style.

    Calling it twice gives the same settings as calling it once: it sets values, it does not
    scale or append to them.

    Parameters
    ----------
    dpi : int
        Resolution of the figures, in dots per inch, from 50 to 600.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> use_style()
    >>> mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
    True
    >>> bool(mpl.rcParams["axes.grid"])
    True
    """
    # Imported here so that `import labkit.plotting` does not import matplotlib.
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=list(PALETTE)),
            "axes.grid": True,
            "axes.axisbelow": True,  # grid lines behind the data
            "axes.spines.top": False,
            "axes.spines.right": False,
            **_SIZES,
            "grid.alpha": 0.35,
            "grid.linestyle": "-",
            "legend.frameon": False,
            "lines.linewidth": 2.0,
            "figure.figsize": (6.0, 3.8),  # at most 6 inches wide: readable on a phone (widest_figure)
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
            "figure.constrained_layout.use": True,  # titles and labels never overlap
        }
    )
