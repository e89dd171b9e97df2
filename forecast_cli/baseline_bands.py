"""The baselines' conformal bands in the backtest, each calibrated on what its origin knew.

A baseline fits nothing, so its calibration windows can be any full windows of the history:
each forecast row (a series at one origin) lends the last ``BASELINE_CALIBRATION`` full
windows before its origin, or its longest season's (``Reach``), forecast by the same
baseline, and their errors divided by the series' scale there (as a panel's networks'
are) and, on sub-daily data, by their hour's share of the errors (``phase_shares``); a
table pools the windows of several rows into one conformal ranking.

Which rows a forecast may pool: on timestamps a table is ranked per origin (the stamp of
a forecast's first step), from each series' row with the latest origin at or before it,
so no value dated at or after a forecast's first step reaches its band from any series.
Pooled by fold index instead, a panel whose series end on different dates (M1's span nine
years; a fold is counted from each series' own end) banded one series' fold with other
series' windows from later dates, a leak the backtest had to warn about. Where every
series ends on the same date the two pools are the same windows, and the bands are
identical. Numbered steps count each series' own rows and share no clock: they pool by
fold index, as ``--local`` networks do (``network_bands``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .intervals import CalibrationTable, bands, never_below_zero, per_normaliser, scaled_errors, series_scale
from .panel_stamps import checkpoints
from .phase_shares import PHASE_CYCLES, error_shares
from .ranked_pool import RankedPool

BASELINE_CALIBRATION = 50  # windows per series, and the fewest a table ranks
LENDER_WINDOWS = 400  # at most this many per series: spaced apart over a longer span
MAX_DATED_TABLES = 256  # origin stamps ranked one table each; beyond, checkpoints (``_dated_tables``)
Baseline = Callable[..., np.ndarray]  # (y, origins, horizon, *, season, starts) -> (rows, horizon)


def cut_at_zero(fn: Baseline) -> Baseline:
    """Baseline ``fn`` whose forecasts from a history never below zero are cut at 0, as the
    networks' are (README: the backtest's baselines get the same cut). Only drift can go
    below a history's minimum: a falling line on counts reached -0.09 on 11 of 50 sparse
    series. The calibration windows see the same cut forecasts, so the bands fit them."""

    def cut(
        y: np.ndarray, origins: np.ndarray, horizon: int, *, season: int, starts: np.ndarray
    ) -> np.ndarray:
        point = fn(y, origins, horizon, season=season, starts=starts)  # (rows, horizon)
        never_negative = never_below_zero(y, starts, origins)
        return np.where(never_negative[:, None], np.maximum(point, 0.0), point)

    return cut


def baseline_bounds(
    fn: Baseline,
    point: np.ndarray,
    y: np.ndarray,
    origins: np.ndarray,
    starts: np.ndarray,
    fold_of: np.ndarray,
    horizon: int,
    season: int,
    levels: tuple[float, ...],
    stamps: np.ndarray | None = None,
    series_of: np.ndarray | None = None,
    seasons: tuple[int, ...] = (),
    phases: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """lo/hi per level for ``point``, baseline ``fn``'s forecasts at ``origins`` (rows =
    series x folds, indices into ``y``, the series stacked); ``fn`` forecasts the
    calibration windows. ``stamps`` (len(y),): each row's time as an int64 count of one unit
    for every series, with ``series_of`` (rows,) each forecast's series: tables pool by
    origin stamp; without them (numbered steps), by ``fold_of``. ``seasons``: the plan's
    cycles, the longest the least span of windows each series lends (``Reach``);
    ``phases`` (len(y),): each row's phase in its day on sub-daily data, whose phases get
    their shares of the errors (``phase_shares.row_phases``), None for none."""
    reach = Reach(horizon, season, max(BASELINE_CALIBRATION, *seasons, season), phases)
    out = {f"{side}-{lv:g}": np.full(point.shape, np.nan) for lv in levels for side in ("lo", "hi")}
    if stamps is None or series_of is None:
        groups = [(np.flatnonzero(fold_of == k), np.flatnonzero(fold_of == k)) for k in np.unique(fold_of)]
    else:
        groups = _dated_tables(stamps, origins, series_of)
    errors, owner, scales, shares = _window_errors(fn, y, starts, origins, reach)
    norms = (
        scales[:, None] * shares[np.arange(len(origins))[:, None], reach.phase_at(origins)]
    )  # (rows, horizon)
    # consecutive dated tables share most lenders: one pool kept ranked (``ranked_pool``),
    # where every window is whole or wholly missing (a flat series'), as ranking needs
    missing = np.isnan(errors)
    ranked = (
        RankedPool(horizon)
        if stamps is not None and (missing.any(axis=1) == missing.all(axis=1)).all()
        else None
    )
    lending = np.zeros(len(origins), dtype=bool)  # the ranked pool's lenders
    for rows, lenders in groups:
        chosen = np.zeros(len(origins), dtype=bool)
        chosen[lenders] = True
        table = None
        if ranked is not None:
            ranked.remove(errors[(lending & ~chosen)[owner]])
            ranked.add(errors[(chosen & ~lending)[owner]])
            lending = chosen
            table = ranked.table() if len(ranked) >= BASELINE_CALIBRATION else None
        if table is None:
            pool = errors[chosen[owner]]  # (windows, horizon)
            if stamps is not None and series_of is not None and len(pool) < BASELINE_CALIBRATION:
                pool = np.concatenate(
                    [pool, _cut_errors(fn, y, origins, starts, stamps, series_of, rows, reach)]
                )
            if not len(pool):
                continue
            table = CalibrationTable.from_errors(pool)
        got = bands(point[rows], norms[rows], table, levels, (), uses_log=False)
        for key, value in got.items():
            out[key][rows] = value
    # as the networks' bands: a series never below zero before its origin is not banded below
    # zero (its forecast is cut there too, by ``cut_at_zero``), so widths compare
    never_negative = never_below_zero(y, starts, origins)
    for key in out:
        if key.startswith("lo-"):
            out[key] = np.where(never_negative[:, None], np.maximum(out[key], 0.0), out[key])
    return out


def _dated_tables(
    stamps: np.ndarray, origins: np.ndarray, series_of: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows banded, rows whose windows calibrate them) per table: one per origin stamp, or,
    past ``MAX_DATED_TABLES`` distinct stamps (thousands of series ending on different
    days), per checkpoint at evenly spaced stamps, each row taking the latest at or before
    its origin (fewer windows than it could have had, never later ones). The lenders are, of
    each series, its row with the latest origin at or before the stamp: its windows and its
    scale are read from the rows before that origin, computed once for every table."""
    at = stamps[origins]  # (rows,) each forecast's origin stamp
    chosen, take = checkpoints(at, MAX_DATED_TABLES)  # take: (rows,) each row's checkpoint
    order = np.lexsort((at, series_of))  # rows by series, then by origin
    same_next = np.append(series_of[order][1:] == series_of[order][:-1], False)  # in that order
    groups = []
    for c, stamp in enumerate(chosen):
        known = at[order] <= stamp  # a prefix of each series' rows
        last = known & ~(same_next & np.append(known[1:], False))  # each series' last known row
        groups.append((np.flatnonzero(take == c), np.sort(order[last])))
    return groups


def _cut_errors(
    fn: Baseline,
    y: np.ndarray,
    origins: np.ndarray,
    starts: np.ndarray,
    stamps: np.ndarray,
    series_of: np.ndarray,
    rows: np.ndarray,
    reach: Reach,
) -> np.ndarray:
    """The windows of every series with no origin by the stamp of ``rows`` (the earliest of
    their origins), read up to that stamp, with each series' scale from those rows: for a
    table too thin from the rows by then (fewer than ``BASELINE_CALIBRATION`` windows: a
    short series ending years before the others was banded from one window of its own).
    Only then: each series' scale read again at every stamp took M1 monthly's baselines
    from 2 to 8 seconds, for tables that already held thousands of windows."""
    stamp = stamps[origins[rows]].min()
    by_origin = np.argsort(stamps[origins], kind="stable")
    _, earliest = np.unique(series_of[by_origin], return_index=True)
    first = by_origin[earliest]  # (series,) each series' row with the earliest origin
    later = first[stamps[origins[first]] > stamp]
    if not len(later):
        return np.empty((0, reach.horizon))
    ends = np.array(
        [a + np.searchsorted(stamps[a:b], stamp) for a, b in zip(starts[later], origins[later], strict=True)]
    )
    # a window before the stamp (``_window_errors``)
    lending = ends - reach.horizon >= starts[later] + reach.season + 1
    return _window_errors(fn, y, starts[later][lending], ends[lending], reach)[0]


@dataclass(frozen=True)
class Reach:
    """What the calibration windows of a backtest's baselines span: their ``horizon``, the
    baseline's ``season``, ``span``, the origins each series lends: the longest season at
    least, so that fifty windows (a day of half-hourly data) do not band a week's cycle
    (seasonal naive covered 0.53 of half-hourly demand at 80%, lending a week of origins
    0.78); and ``phases``, each stacked row's phase in its day on sub-daily data (None
    for none), whose shares a series reads from ``PHASE_CYCLES`` days of windows where it
    has them (``phase_shares``)."""

    horizon: int
    season: int
    span: int
    phases: np.ndarray | None = None

    @cached_property
    def cycle(self) -> int:
        """How many phase values there can be (the largest, plus one): 1 without phases."""
        return 1 if self.phases is None or not len(self.phases) else int(self.phases.max()) + 1

    @cached_property
    def day_rows(self) -> int:
        """Rows in a day: the phases the data has (an exchange's 13 half-hour bars a
        session, where the clock's phases run to 32); 1 without phases."""
        return 1 if self.phases is None or not len(self.phases) else len(np.unique(self.phases))

    def phase_at(self, origins: np.ndarray) -> np.ndarray:
        """(windows, horizon) the phase of each target row of windows from ``origins``."""
        rows = origins[:, None] + np.arange(self.horizon)[None, :]
        if self.phases is None:
            return np.zeros(rows.shape, dtype=np.int64)
        return self.phases[np.minimum(rows, len(self.phases) - 1)]


def _spaced(first: np.ndarray, last: np.ndarray, span: np.ndarray, stride: np.ndarray):
    """(origins (windows,), owner (windows,)): per lender, origins from ``last`` back over
    ``span`` rows, ``stride`` apart, none before ``first``; the latest first."""
    counts = np.maximum((last - np.maximum(first, last - span + 1)) // stride + 1, 0)  # (lenders,)
    owner = np.repeat(np.arange(len(last)), counts)  # (windows,)
    within = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return last[owner] - stride[owner] * within, owner


def _coprime_stride(least: int, cycle: int) -> int:
    """The smallest stride of at least ``least`` rows sharing no factor with ``cycle`` (the
    rows of a day): its origins step through every phase of the day, where a stride of 4 on
    half-hourly data (48 phases) reached a twelfth of them, and a forecast's own phases
    kept no share."""
    stride = max(1, least)
    while math.gcd(stride, cycle) != 1:
        stride += 1
    return stride


def _window_errors(
    fn: Baseline, y: np.ndarray, starts: np.ndarray, ends: np.ndarray, reach: Reach
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(errors (windows, horizon), owner (windows,), scales (lenders,), shares (lenders,
    cycle)): ``fn``'s errors on the full windows of the last ``reach.span`` origins in
    each lender's rows ``starts:ends`` (at most ``LENDER_WINDOWS``, evenly spaced, the last
    always), each divided by its lender's scale and its target's phase share; the lender
    they belong to; each lender's scale and shares (read from windows over ``PHASE_CYCLES``
    days, spaced to reach every phase, where the lender has them). Computed once: every
    table that pools a lender pools the same windows of it."""
    horizon, cycle = reach.horizon, reach.cycle
    scales = np.array([series_scale(y[a:b], False) for a, b in zip(starts, ends, strict=True)])
    first = starts + reach.season + 1  # (lenders,) the first window a baseline can forecast
    last = ends - horizon  # (lenders,) the last whose last target is the row before the end
    span = np.full(len(ends), reach.span)
    windows, owner = _spaced(first, last, span, -(-span // LENDER_WINDOWS))
    shares = np.ones((len(ends), cycle))
    if not len(windows):  # every origin too early for a window of its own
        return np.empty((0, horizon)), owner, scales, shares
    errors = _errors(fn, y, windows, owner, starts, scales, reach)  # (windows, horizon)
    day = reach.day_rows
    need = PHASE_CYCLES * day  # rows of targets a lender's shares are read from: 30 days
    phased = (day > 1) & (last - first + horizon >= need)  # (lenders,)
    if not phased.any():
        return errors, owner, scales, shares
    stride = _coprime_stride(-(-need // max(LENDER_WINDOWS, 2 * day)), day)
    read, readers = _spaced(
        first[phased], last[phased], np.full(int(phased.sum()), need), np.full(int(phased.sum()), stride)
    )
    lenders = np.flatnonzero(phased)[readers]  # (windows,) their lenders
    spread = _errors(fn, y, read, lenders, starts, scales, reach)
    shares = error_shares(spread, lenders, reach.phase_at(read), len(ends), cycle, phased)
    return per_normaliser(errors, shares[owner[:, None], reach.phase_at(windows)]), owner, scales, shares


def _errors(
    fn: Baseline,
    y: np.ndarray,
    windows: np.ndarray,
    owner: np.ndarray,
    starts: np.ndarray,
    scales: np.ndarray,
    reach: Reach,
) -> np.ndarray:
    """(windows, horizon) ``fn``'s errors on the windows from ``windows`` (origins in ``y``),
    each divided by its lender's scale."""
    actual = y[windows[:, None] + np.arange(reach.horizon)[None, :]]  # (windows, horizon)
    fc = fn(y, windows, reach.horizon, season=reach.season, starts=starts[owner])
    return scaled_errors(actual, fc, scales[owner], False)
