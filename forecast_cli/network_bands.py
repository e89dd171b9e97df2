"""A network's conformal bands in the backtest, each fold calibrated on what its origin knew.

A fold's table ranks the fit's validation errors (all before the origin it trained at) and
the errors of every window forecast since the fit whose steps had happened by the fold's
origin (steps at or after it left out): errors drift, and those windows are the newest
out-of-sample errors there are. ``predict`` does the same with rows newer than the training
data (``recalibration.py``), so the coverage a backtest reports is the coverage it gives.

The work is split in two so that fits can pool: what a fit's bands are made of
(``BandParts``: its forecasts, normalisers and errors) is gathered where the fit ran, and
the tables are ranked afterwards:

- a global fit is one part, and ``pooled_bounds`` ranks a table per fold (its place from
  the fit's last): each ranks that fit's errors, which already pool every series;
- ``--local`` fits (one network per series) are one part each, and ``dated_bounds`` ranks
  a table per origin stamp, from every series' latest fit made by then: its validation
  errors and its errors since whose steps came before that origin. Why pool: a member
  alone calibrates on the overlapping windows of one stretch of one short series, and its
  bands under-covered (M1 monthly 0.70 / 0.84 at 80% / 95%); its errors are divided by its
  own normaliser (its head's widths), so the members' ratios are in one unit, as a
  panel's are. Why by stamp, not by fold index: a fold is the same distance from each
  series' end, and where series end on different dates (M1's span nine years) a fold
  index pooled one series' fold with other series' errors from later dates; by stamp no
  error dated at or after an origin reaches its band from any series (benchmarks/NOTES.md,
  "Local members pool their calibration"). Numbered steps, which count each series' own
  rows, have no shared clock: they pool by fold index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .band_shape import moved_scale
from .intervals import CalibrationTable, bands, never_below_zero
from .naive_floor import NaiveFloor, thin
from .panel_stamps import checkpoints
from .phase_bands import step_phases, with_phases
from .recalibration import scorable, window_errors
from .stacked_states import stack_rows


@dataclass
class BandParts:
    """One fit's forecasts and the errors their bands are ranked from. ``rows`` place them
    in the caller's forecast array; rows of one ``keys`` value share a table."""

    rows: np.ndarray  # (rows,) positions in the caller's forecast array
    keys: np.ndarray  # (rows,) which table each row takes
    point: np.ndarray  # (rows, horizon) forecasts in the data's units
    norm: np.ndarray  # (rows, horizon) what each forecast's error is divided by
    floor: np.ndarray  # (rows, 1) the cut under each row, -inf for none
    anchor: np.ndarray  # (rows,) the last value before each forecast
    row_series: np.ndarray  # (rows,) the fit's series of each row
    row_origin: np.ndarray  # (rows,) each row's origin, series-local
    base: np.ndarray  # (windows, steps) the fit's validation errors (``calibration_errors_``)
    table: CalibrationTable  # the fit's own table of ``base``
    since: np.ndarray  # (windows, horizon) errors of the windows forecast since the fit
    since_series: np.ndarray  # (windows,) their series
    since_origin: np.ndarray  # (windows,) their origins, series-local
    target: np.ndarray  # (rows of every series,) the target the fit's series are cut from
    row_span: np.ndarray  # (rows, 2) each row's kept history in ``target``: [start, origin)
    season: int  # the fit's season: a thin table's floor is seasonal naive's (``naive_floor``)
    # phases of the day (``phase_bands``), None where the fit has no tables by phase: of each
    # row's steps (rows, horizon), of the validation and since errors' targets, and the
    # phases with tables of their own
    row_phase: np.ndarray | None = None
    base_phase: np.ndarray | None = None
    since_phase: np.ndarray | None = None
    usable: np.ndarray | None = None

    def histories(self, at: np.ndarray) -> list[np.ndarray]:
        """The target before the origin of each row of ``at``, as much as a model keeps."""
        return [self.target[a:b] for a, b in self.row_span[at]]

    def known_before(self, key: int) -> tuple[np.ndarray, np.ndarray | None]:
        """The errors since the fit whose steps came before the origin of the row of
        ``key`` in their series (none where a series has no such row: its fit ends later),
        and their targets' phases (None without tables by phase)."""
        series = int(max(self.row_series.max(initial=-1), self.since_series.max(initial=-1))) + 1
        cut = np.full(series, -1, dtype=np.int64)
        at = self.keys == key
        cut[self.row_series[at]] = self.row_origin[at]
        steps = self.since_origin[:, None] + np.arange(self.since.shape[1])[None, :]  # (windows, horizon)
        known = np.where(steps < cut[self.since_series][:, None], self.since, np.nan)
        keep = np.isfinite(known).any(axis=1)
        return known[keep], None if self.since_phase is None else self.since_phase[keep]


def band_parts(
    fitted,
    prefix: np.ndarray,
    offsets: np.ndarray,
    fit_ends: np.ndarray,
    origins: list[np.ndarray],
    point: np.ndarray,
    widths: np.ndarray | None,
    levels: tuple[float, ...],
    observed: np.ndarray | None = None,
    phases: Sequence[np.ndarray] | None = None,
) -> BandParts:
    """What one fit's bands are made of, keyed by each fold's place from the last.

    ``prefix``/``offsets``: each series' network inputs from row 0
    (``backtest_fits.forecast_inputs``); ``fit_ends[i]``: the first row series i's fit never
    saw; ``origins[i]``: its folds' origins, in the order of ``point``'s rows
    (series-major); a series may have fewer folds than another, its last ones
    (``folds.plan_folds``'s ``partial``). Without ``levels`` no window since is forecast.
    ``observed`` (rows of ``prefix``): False where a target was filled, no actual for the
    errors since the fit (as in the backtest's scores and ``predict``'s recalibration).
    ``phases[i]``: the phase of the day of series i's rows from row 0 on, its folds' steps
    included, given for a fit with tables by phase (``phase_bands``)."""
    horizon = point.shape[1]
    per_series = [len(o) for o in origins]
    row_series = np.repeat(np.arange(len(origins)), per_series)  # (rows,)
    # each row's place from its series' last fold: the folds of one place share a table
    from_end = np.concatenate([np.arange(n)[::-1] for n in per_series]).astype(np.int64)
    first = fitted.context_rows  # a window needs that much history before it
    t = [np.arange(max(start, first), o.max()) for start, o in zip(fit_ends, origins, strict=True)]
    series = np.concatenate([np.full(len(v), i) for i, v in enumerate(t)]).astype(np.int64)
    t_all = np.concatenate(t).astype(np.int64)  # (windows,), series-local origins since the fit
    pick = scorable(prefix, offsets[series] + t_all, first)
    series, t_all = series[pick], t_all[pick]
    # each row's history: its series' rows before its origin
    row_starts = np.repeat(offsets[:-1], per_series)
    row_ends = np.concatenate([offsets[i] + np.asarray(o) for i, o in enumerate(origins)])
    scales = np.asarray(fitted.cal_scales_)[row_series]  # (rows,)
    # a series flat in training that moved by the origin: sized by its rows before it (``moved_scale``)
    scales = np.array(
        [moved_scale(s, prefix[a:b, 0]) for s, a, b in zip(scales, row_starts, row_ends, strict=True)]
    )
    norm = fitted.normalisers(widths, scales, horizon)
    # the last value before each forecast (rows series-major, as ``point``): a flat series'
    # band reaches from its forecast to it (``intervals.bands``)
    last = np.array(
        [prefix[offsets[i] + o - 1, 0] for i, fold_origins in enumerate(origins) for o in fold_origins]
    )
    # each row's cut at zero (``Forecaster.floors``)
    floors = fitted.floors(never_below_zero(prefix[:, 0], row_starts, row_ends), row_series)
    floor = np.broadcast_to(
        np.asarray(-np.inf if floors is None else floors, dtype=np.float64), (len(last), 1)
    )
    since = np.empty((0, horizon))
    if len(t_all) and levels:
        since = window_errors(
            fitted,
            prefix,
            offsets[series] + t_all,
            offsets,
            series,
            series,
            series=np.arange(len(origins)),
            statics=fitted.train_statics(),
            observed=observed,
        )
        keep = np.isfinite(since).any(axis=1)  # a window whose steps were all filled adds nothing
        since, series, t_all = since[keep], series[keep], t_all[keep]
    else:
        series, t_all = series[:0], t_all[:0]
    row_origin = np.concatenate([np.asarray(o, dtype=np.int64) for o in origins])
    return BandParts(
        rows=np.arange(len(point)),
        keys=from_end,
        point=point,
        norm=norm,
        floor=floor,
        anchor=last,
        row_series=row_series,
        row_origin=row_origin,
        base=fitted.calibration_errors_,
        table=fitted.calibration_,
        since=since,
        since_series=series,
        since_origin=t_all,
        target=prefix[:, 0],
        # the floor reads the rows a model keeps before each origin, as ``predict`` does
        row_span=np.stack([np.maximum(row_starts, row_ends - fitted.plan_.history_rows), row_ends], axis=1),
        season=fitted.season_,
        row_phase=None if phases is None else step_phases(phases, row_series, row_origin, horizon),
        base_phase=None if phases is None else fitted.calibration_phases_,
        since_phase=None if phases is None else step_phases(phases, series, t_all, horizon),
        usable=None if phases is None else fitted.phase_usable_,
    )


def pooled_bounds(parts: Sequence[BandParts], levels: tuple[float, ...]) -> list[dict[str, np.ndarray]]:
    """lo/hi per level of every part's rows (one dict per part, rows in its order). Rows of
    one key take one table, ranked from the errors of every part that has a row of that key:
    its validation errors and its errors since its fit known before that row's origin. A
    part alone with nothing since its fit gets exactly its own table."""
    out = _unbanded(parts, levels)
    if not levels or not parts:
        return out
    for key in np.unique(np.concatenate([p.keys for p in parts])):
        rows = [np.flatnonzero(p.keys == key) for p in parts]  # each part's rows of this key
        pool = [(p, at) for p, at in zip(parts, rows, strict=True) if len(at)]
        known = [p.known_before(int(key)) for p, _ in pool]
        if len(pool) == 1 and not len(known[0][0]):
            table = pool[0][0].table
        else:
            errors = stack_rows([e for (p, _), (k, _) in zip(pool, known, strict=True) for e in (p.base, k)])
            table = CalibrationTable.from_errors(errors)
            part, (_, known_phase) = pool[0][0], known[0]
            if len(pool) == 1 and part.base_phase is not None and known_phase is not None:  # by phase
                table = with_phases(table, errors, np.vstack([part.base_phase, known_phase]), part.usable)
        _band_rows(parts, list(enumerate(rows)), table, levels, out)
    return out


@dataclass
class Dated:
    """When one part's forecasts were made and its errors became known, as stamps (int64
    counts of one unit for every series, ``panel_stamps.member_stamps``)."""

    series: int  # the panel's series the part forecasts
    fit: int  # the origin its fit trained up to: its validation errors are all before it
    rows: np.ndarray  # (rows,) each row's origin
    since: np.ndarray  # (windows, horizon) the stamp of each step of its errors since the fit


MAX_DATED_POOLS = 256  # origin stamps ranked one table each; beyond, checkpoints (``dated_bounds``)


def dated_bounds(
    parts: Sequence[BandParts], dates: Sequence[Dated], levels: tuple[float, ...]
) -> list[dict[str, np.ndarray]]:
    """As ``pooled_bounds`` for parts that each forecast one series (``--local``), with one
    table per origin stamp instead of per fold: a row's table pools, of every series, the
    latest fit made by its origin (its validation errors, and its errors since whose steps
    came before that origin). So no error dated at or after a row's origin reaches its
    band from any series. Pooled by fold index, a series whose data ended earlier was
    banded with other series' errors from later dates (``network_bands`` docstring).

    Each table costs a ranking of the whole pool, so a panel with more than
    ``MAX_DATED_POOLS`` distinct origins (thousands of series ending on different days)
    ranks that many, at evenly spaced origins, the first included, and each row takes the
    table of the latest of them at or before its origin: built from fewer errors than it
    could have been, never from later ones."""
    out = _unbanded(parts, levels)
    if not levels or not parts:
        return out
    stamps, take = checkpoints(np.concatenate([d.rows for d in dates]), MAX_DATED_POOLS)
    # every part's errors in one array each, with the part they came from
    fits = np.array([d.fit for d in dates])  # (parts,)
    series = np.array([d.series for d in dates])
    base = stack_rows([p.base for p in parts])  # (windows, steps)
    base_of = np.repeat(np.arange(len(parts)), [len(p.base) for p in parts])
    since = np.concatenate([p.since for p in parts])  # (windows, horizon)
    since_at = np.concatenate([d.since for d in dates])  # (windows, horizon) stamps
    since_of = np.repeat(np.arange(len(parts)), [len(p.since) for p in parts])
    # rows grouped by their checkpoint (``take``: the latest at or before each row's origin)
    part_of = np.repeat(np.arange(len(parts)), [len(d.rows) for d in dates])
    row_of = np.concatenate([np.arange(len(d.rows)) for d in dates])
    order = np.argsort(take, kind="stable")
    edges = np.searchsorted(take[order], np.arange(len(stamps) + 1))
    for c, origin in enumerate(stamps):
        eligible = fits <= origin  # fits made by this origin; of each series, its latest
        latest = np.full(series.max() + 1, np.iinfo(np.int64).min)
        np.maximum.at(latest, series[eligible], fits[eligible])
        chosen = eligible & (fits == latest[series])  # (parts,)
        known = np.where(chosen[since_of][:, None] & (since_at < origin), since, np.nan)
        pool = stack_rows([base[chosen[base_of]], known[np.isfinite(known).any(axis=1)]])
        table = CalibrationTable.from_errors(pool)
        here = order[edges[c] : edges[c + 1]]  # this checkpoint's rows, part by part (stable)
        owners, firsts = np.unique(part_of[here], return_index=True)
        pairs = list(zip(owners.tolist(), np.split(row_of[here], firsts[1:]), strict=True))
        _band_rows(parts, pairs, table, levels, out)
    return out


def _unbanded(parts: Sequence[BandParts], levels) -> list[dict[str, np.ndarray]]:
    return [
        {f"{side}-{lv:g}": np.full(p.point.shape, np.nan) for lv in levels for side in ("lo", "hi")}
        for p in parts
    ]


def _band_rows(parts, pairs: list[tuple[int, np.ndarray]], table: CalibrationTable, levels, out) -> None:
    """Band rows ``at`` of part ``j``, for each ``(j, at)`` of ``pairs``, by ``table`` into
    ``out`` (in place), in one call for all of them (thousands of members: one call each
    was slow)."""
    pool = [(parts[j], out[j], at) for j, at in pairs if len(at)]
    least = None
    if thin(table):  # too few windows behind it: no narrower than seasonal naive's band
        floor = NaiveFloor(
            [y for p, _, at in pool for y in p.histories(at)],
            [p.season for p, _, at in pool for _ in at],
            pool[0][0].point.shape[1],
            table.own_windows or 0,
        )
        least = floor.half
    banded = bands(
        np.concatenate([p.point[at] for p, _, at in pool]),
        np.concatenate([p.norm[at] for p, _, at in pool]),
        table,
        levels,
        (),
        False,
        floor=np.concatenate([p.floor[at] for p, _, at in pool]),
        anchor=np.concatenate([p.anchor[at] for p, _, at in pool]),
        least=least,
        phases=None
        if table.by_phase is None or any(p.row_phase is None for p, _, _ in pool)
        else np.concatenate([p.row_phase[at] for p, _, at in pool]),
    )
    starts = np.cumsum([0, *(len(at) for _, _, at in pool)])
    for (_, got, at), a, b in zip(pool, starts[:-1], starts[1:], strict=True):
        for column, value in banded.items():
            got[column][at] = value[a:b]
