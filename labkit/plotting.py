"""One figure style for the whole course.

Every gallery example calls :func:`use_style` first, so that all figures share the same colours,
sizes and grid. The colours are the Okabe–Ito palette, which stays distinguishable for readers with
the common forms of colour blindness. Importing this module changes nothing: only
:func:`use_style` touches matplotlib's settings.
"""

from __future__ import annotations

from ._checks import Int
from ._contract import contract

__all__ = ["PALETTE", "use_style"]

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
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "grid.alpha": 0.35,
            "grid.linestyle": "-",
            "legend.frameon": False,
            "legend.fontsize": 10,
            "lines.linewidth": 2.0,
            "font.size": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": dpi,
            "savefig.dpi": dpi,
            "figure.constrained_layout.use": True,  # titles and labels never overlap
        }
    )
