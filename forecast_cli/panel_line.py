"""The panel's one line on stderr: how many series, how long, and what loading did to them
(counts per kind of change, with the series they happened to, and each series' own notes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .series_record import ENDS_TRIMMED, MISSING_DROPPED

if TYPE_CHECKING:
    from .panel import Panel


def summary_line(panel: Panel) -> str:
    """One stderr line: how many series, how long, what loading did."""
    n = panel.lengths
    reports = [m.report for m in panel.members]
    parts = [
        f"{len(panel)} series",
        f"length min/median/max {n.min()}/{int(np.median(n))}/{n.max()}",
        f"freq {panel.freq if panel.freq is not None else 'integer steps'} ({reports[0].freq_source})",
        _count(panel, "duplicates merged", [r.duplicates_merged for r in reports]),
        _count(panel, "gaps filled", [r.gaps_filled for r in reports], _shared_weekday(reports)),
        _count(panel, "NaNs filled", [r.nans_filled for r in reports]),
    ]
    if any(r.rows_combined for r in reports):  # with a given --freq (an inferred one refuses them)
        parts.append(_count(panel, "rows combined into another's period", [r.rows_combined for r in reports]))
    if any(r.missing_dropped for r in reports):
        parts.append(_count(panel, MISSING_DROPPED, [r.missing_dropped for r in reports]))
    if any(r.ends_trimmed for r in reports):
        parts.append(_count(panel, ENDS_TRIMMED, [r.ends_trimmed for r in reports]))
    return "panel: " + ", ".join(parts + panel.notes + _member_notes(panel))


def _member_notes(panel: Panel) -> list[str]:
    """What loading said of single series (a partial period dropped, stamps put on the
    grid, hours a clock change repeated): the panel's counts alone left it unsaid. What it
    said of every series (how rows were combined into coarser periods) once; each other
    distinct note once with the series it is of; past ``SHOWN_NOTES``, how many more."""
    parts = [[p for p in m.report.note.split("; ") if p] for m in panel.members]
    shared = [p for p in parts[0] if all(p in mine for mine in parts[1:])] if len(parts) > 1 else []
    by_note: dict[str, list[str]] = {}
    for name, mine in zip(panel.ids, parts, strict=True):
        own = "; ".join(p for p in mine if p not in shared)
        if own:
            by_note.setdefault(own, []).append(str(name))
    said = list(shared)
    for note, names in list(by_note.items())[:SHOWN_NOTES]:
        where = f"{', '.join(names[:3])}{' ...' if len(names) > 3 else ''}: " if panel.id_col else ""
        said.append(f"{where}{note}")
    rest = sum(len(names) for names in list(by_note.values())[SHOWN_NOTES:])
    if rest:
        said.append(f"and notes on {rest} more series")
    return said


def _count(panel: Panel, what: str, counts: list[int], also: str = "") -> str:
    """``3 NaNs filled (in S1, S7)``: a total, and which series it happened to (``also``
    said after them)."""
    which = [name for name, n in zip(panel.ids, counts, strict=True) if n]
    named = f"in {', '.join(which[:3])}{' ...' if len(which) > 3 else ''}" if which and panel.id_col else ""
    inside = ", ".join(part for part in (named, also) if part)
    return f"{sum(counts)} {what}" + (f" ({inside})" if inside else "")


SHOWN_NOTES = 2  # distinct per-series notes on the panel's line; the rest counted


def _shared_weekday(reports) -> str:
    """``every one a Sunday`` when every series with filled gaps had them all on that one
    weekday (``weekday_grids.one_weekday``): said per series for one, and lost in the
    panel's counts, so four shops closed on Sundays had every Sunday invented unremarked."""
    said = {r.gaps_weekday for r in reports if r.gaps_filled}
    return said.pop() if len(said) == 1 else ""
