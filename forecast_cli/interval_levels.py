"""The interval options' values: ``--level`` and ``--quantiles`` parsed and checked, and
the names of their columns.

Pure Python, so that the options are checked when the plan is made, before numpy or the
model load (``interval_config`` calls these); the calibration that gives the bands is
``intervals``.
"""

from __future__ import annotations

import math

TOP_LEVEL = 99.9  # the widest band the calibration table stores (``intervals.LEVEL_GRID``)


def parse_levels(items: tuple[str, ...] | list[str], widest: bool = True) -> tuple[float, ...]:
    """``("80", "95")`` -> (80.0, 95.0); ``("none",)`` -> (); each in (0, ``TOP_LEVEL``]
    (``widest=False``: in (0, 100), for values a model file stored before that limit)."""
    if is_none(items):
        return ()
    levels = _fractions(items, "--level", "80,95 or none", 100.0, "above 0 and below 100 (a percentage)")
    if widest:
        _widest(levels, levels, "--level")
        _refuse_fractions(levels)
    return levels


def _refuse_fractions(levels) -> None:
    """A level below 1 is a fraction meant as a percentage (``--level 0.8``, as darts and
    GluonTS write levels, and as ``--quantiles`` takes its values): it drew a 0.8% band,
    a hair around the point forecast, with exit 0."""
    small = [lv for lv in levels if lv < 1]
    if small:
        meant = ",".join(f"{lv * 100:g}" for lv in small)
        raise ValueError(
            f"--level {small[0]:g} is a percentage, so it asks for a {small[0]:g}% band; "
            f"give --level {meant} for {meant.replace(',', '%, ')}% bands"
        )


def parse_quantiles(items: tuple[str, ...] | list[str], widest: bool = True) -> tuple[float, ...]:
    """``("0.9", "0.1")`` -> (0.1, 0.9); ``("none",)`` -> (); each within the widest band
    (``widest=False``: in (0, 1), as ``parse_levels``)."""
    if is_none(items):
        return ()
    probs = _fractions(items, "--quantiles", "0.1,0.5,0.9 or none", 1.0, "above 0 and below 1")
    if widest:
        _widest(probs, [quantile_level(p) for p in probs], "--quantiles")
    return probs


def quantile_level(prob: float) -> float:
    """The level whose band has the quantile at ``prob`` as an edge: 0.1 and 0.9 -> 80
    (rounded, so that 0.1 names the same band as ``--level 80``)."""
    return round(abs(2.0 * prob - 1.0) * 100.0, 9)


def is_none(items) -> bool:
    """Whether a --level or --quantiles list is the single word ``none``."""
    return len(items) == 1 and str(items[0]).strip().lower() == "none"


def calibrated(level: float) -> bool:
    """Whether a band at ``level`` percent is within the widest the table stores."""
    return level <= TOP_LEVEL + 1e-9


def unbacked(windows: int, level: float) -> bool:
    """Whether ``windows`` calibration windows (or errors) are too few for a band at
    ``level`` percent: its conformal rank, ceil((n + 1) level / 100), lies past the n there
    are, so the exact band is unbounded."""
    return math.ceil((windows + 1) * level / 100.0) > windows


FLOOR_UNTIL = 95.0  # a table that cannot back this level by its own windows gets a floor


def floored(own_windows: int | None) -> bool:
    """Whether bands calibrated on ``own_windows`` validation windows are widened to
    seasonal naive's (``naive_floor``): too few to back a ``FLOOR_UNTIL`` band
    (``unbacked``); False when unknown (an older file)."""
    return own_windows is not None and unbacked(own_windows, FLOOR_UNTIL)


def _widest(values, levels, flag: str) -> None:
    """Refuse a value beyond the widest stored band: it would silently be that band."""
    for value, level in zip(values, levels, strict=True):
        if not calibrated(level):
            fix = (
                f"at most {TOP_LEVEL:g}"
                if flag == "--level"
                else f"{(100 - TOP_LEVEL) / 200:g} to {(100 + TOP_LEVEL) / 200:g}"
            )
            raise ValueError(
                f"{flag} {value:g} is beyond the widest band calibrated ({TOP_LEVEL:g}%); use {fix}"
            )


def _fractions(items, flag: str, example: str, top: float, rule: str) -> tuple[float, ...]:
    """Sorted distinct numbers strictly between 0 and ``top``; one-line errors name ``flag``."""
    out = []
    for item in items:
        try:
            value = float(item)
        except ValueError:
            raise ValueError(f"{flag} {item!r} is not a number; use e.g. {example}") from None
        if not 0 < value < top or not math.isfinite(value):
            raise ValueError(f"{flag} {item} must be {rule}")
        if float(f"{value:g}") != value:  # its column would be named for another number
            raise ValueError(
                f"{flag} {item} has more digits than its column name keeps ({value:g}); "
                "give at most 6 significant digits"
            )
        out.append(value)
    return tuple(sorted(set(out)))


def level_name(level: float) -> str:
    return f"{level:g}"
