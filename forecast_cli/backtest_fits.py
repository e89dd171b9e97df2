"""The network fits of a backtest as independent tasks (see ``compute``).

A global backtest trains one network per (model, refit group): the task carries that
group's training rows and the rows its folds forecast from, nothing else. A ``--local``
backtest trains each series on its own: one task per (model, series), carrying that
series alone, seeded by ``task_seed(base seed, series id)``. Either way the same function
runs in this process (``--workers 1``, with a progress bar per fit) or on Dask workers,
and results are assembled in task order, so metrics do not depend on where tasks ran.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .compute import Executor, Task, TaskProgress
from .config import ForecastConfig
from .folds import Fold, fit_groups
from .local_models import one_series
from .member_bands import member_bounds
from .member_shape import member_config
from .network_bands import BandParts, band_parts, pooled_bounds
from .panel import Panel
from .phase_bands import day_phases

if TYPE_CHECKING:
    from .training import EpochReport


@dataclass
class Fits:
    """What one network kind's fits give a backtest: its forecasts and bands on every
    (series, fold) row, the seconds spent, and the plan each fit resolved (in fit order:
    refit groups, series by series with ``--local``), so the backtest reports what it ran,
    not the options it was given ("patch": null, "transform": "auto"); ``kept``, beside
    each plan, the baseline a fit kept because no epoch beat it ("" when training did);
    ``weights``, the damped trend's share of each fit's forecasts (None: no smoother);
    ``parts``, for fits whose bands are pooled with other fits' errors afterwards
    (``--local``), what those bands are made of, ``bounds`` then left NaN until pooled."""

    forecasts: np.ndarray  # ((series, fold) rows, horizon)
    bounds: dict[str, np.ndarray]  # "lo-80", "hi-80", ...: (rows, horizon) each
    seconds: tuple[float, float]  # fit, forecast
    plans: list[dict] = field(default_factory=list)  # ``Plan.to_dict`` of each fit
    kept: list[str] = field(default_factory=list)  # each fit's kept baseline, or ""
    weights: list[float | None] = field(default_factory=list)  # each fit's ``DampedFit.weight``
    parts: list[BandParts] = field(default_factory=list)  # rows numbered as ``forecasts``'

    def rows(self, keep: np.ndarray) -> Fits:
        """The same fits on the (series, fold) rows ``keep`` only."""
        return Fits(
            self.forecasts[keep],
            {k: b[keep] for k, b in self.bounds.items()},
            self.seconds,
            self.plans,
            self.kept,
            self.weights,
        )


OnFit = Callable[[str, int, int], "Callable[[EpochReport], None] | None"]


def fold_rows(plans: list[list[Fold]]) -> np.ndarray:
    """(series + 1,) where each series' (series, fold) rows start in the forecast arrays:
    series-major, a series' folds consecutive, as many rows as it has folds."""
    return np.concatenate([[0], np.cumsum([len(p) for p in plans])]).astype(np.int64)


def group_payloads(panel: Panel, cfg: ForecastConfig, plans: list[list[Fold]], levels):
    """(rows of the forecast array it fills, payload) per refit group of one network kind.

    A series whose folds start after the group's origin (it fits only the last folds) is
    in the group's panel with its rows before its own first fold, scaled on them but giving
    no windows (``Forecaster.fit``'s ``windows_from``): the weights are trained on every
    series' rows before the group's origin only, as in a panel whose series all fit."""
    first_row = fold_rows(plans)
    reference = max(plans, key=len)  # the longest series has every fold
    horizon = reference[0].horizon
    for trained_at, members in fit_groups(reference):
        at = trained_at.index
        group = {f.index for f in members}
        own = [[f for f in p if f.index in group] for p in plans]  # each series' folds here
        present = [i for i, folds in enumerate(own) if folds]
        # the fold each series trains up to: its first in the group, which is the group's
        # own fold ``at`` (the group's first) unless the series starts later (a newcomer)
        trains = [own[i][0] for i in present]
        newcomers = np.array([t.index != at for t in trains])
        here = panel.subset(present)  # ids and static values follow the members
        train = dataclasses.replace(
            here,
            members=[
                dataclasses.replace(m, frame=m.frame.iloc[t.train_start : t.origin])
                for m, t in zip(here.members, trains, strict=True)
            ],
        )
        # Rows are counted from where the group trains (0 but for --train-size): a sliding
        # window's forecasts read no older row than its training did (the drift input
        # would otherwise reach back past it, unlike the fitted model's own ``predict``).
        starts = np.array([t.train_start for t in trains])
        # Each series' rows up to its last origin in this group: no row at/after an origin.
        ends = np.array([own[i][-1].origin for i in present]) - starts
        # The task gets each series' rows up to its last origin plus one horizon (the
        # known-future columns there); ``forecast_inputs`` blanks the rest of those rows
        # once the fitted model says which input columns it reads.
        reach = dataclasses.replace(
            here,
            members=[
                dataclasses.replace(m, frame=m.frame.iloc[start : start + end + horizon])
                for m, start, end in zip(here.members, starts, ends, strict=True)
            ],
        )
        local_origins = [
            np.array([f.origin for f in own[i]]) - start for i, start in zip(present, starts, strict=True)
        ]
        # a series' folds are consecutive indices from its first: row = first row + offset
        rows = np.concatenate(
            [first_row[i] + np.array([f.index - plans[i][0].index for f in own[i]]) for i in present]
        )
        windows_from = ~newcomers if newcomers.any() else None
        yield rows, (cfg, train, reach, ends, local_origins, levels, horizon, windows_from)


def forecast_inputs(fitted, panel: Panel, ends: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """The network inputs of each series up to ``ends[i]`` (stacked, with offsets). A model
    with known-future columns also gets the ``horizon`` rows after, holding only those
    columns (known in advance by definition); the target and past features there are NaN."""
    inputs = fitted.inputs(panel)
    offsets = panel.offsets
    k = fitted.future_inputs
    pieces = []
    for i, end in enumerate(ends):
        piece = inputs[offsets[i] : offsets[i] + end + (horizon if k else 0)].copy()
        piece[end:, : piece.shape[1] - k] = np.nan
        pieces.append(piece)
    return np.concatenate(pieces), np.concatenate([[0], np.cumsum([len(p) for p in pieces])])


def fit_group(
    payload: tuple, on_epoch: Callable[[EpochReport], None] | None = None, pooled: bool = False
) -> Fits:
    """Task: train one network on a group's rows and forecast that group's folds, banded
    by its own errors, or (``pooled``) with what its bands are made of for pooling."""
    from .forecaster import Forecaster  # torch: imported only when a network is in the run

    cfg, train, panel, ends, local_origins, levels, horizon, windows_from = payload
    t0 = time.perf_counter()
    fitted = Forecaster(cfg).fit(train, on_epoch=on_epoch, windows_from=windows_from)
    t1 = time.perf_counter()
    prefix, prefix_offsets = forecast_inputs(fitted, panel, ends, horizon)
    origins = np.concatenate([prefix_offsets[i] + o for i, o in enumerate(local_origins)])
    # the training panel holds the same series in the same order: index i is series i
    out, widths = fitted.forecast_origins(
        prefix,
        origins,
        prefix_offsets,
        series=np.arange(len(local_origins)),
        statics=fitted.train_statics(),
        spread=True,
    )
    fit_ends = np.array([o.min() for o in local_origins])  # the group's first fold is where it trained
    # each prefix row's target read, not filled: a filled step is no actual for the errors since the fit
    read = np.concatenate(
        [
            m.observed()[: b - a]
            for m, a, b in zip(panel.members, prefix_offsets[:-1], prefix_offsets[1:], strict=True)
        ]
    )
    # each series' rows' phases of the day, its folds' steps included, for a fit with tables
    # by phase (``phase_bands``)
    every = (
        day_phases([m.frame.index for m in panel.members], panel.freq)
        if fitted.calibration_phases_ is not None
        else None
    )
    phases = None if every is None else np.split(every, panel.offsets[1:-1])
    parts = band_parts(
        fitted, prefix, prefix_offsets, fit_ends, local_origins, out, widths, levels, read, phases
    )
    kept = fitted.network_args_.highway_init if fitted.metrics_["kept_baseline"] else ""
    weight = None if fitted.damped_ is None else fitted.damped_.weight
    seconds = (t1 - t0, time.perf_counter() - t1)
    if pooled:
        return Fits(out, {}, seconds, [fitted.plan_.to_dict()], [kept], [weight], [parts])
    return Fits(out, pooled_bounds([parts], levels)[0], seconds, [fitted.plan_.to_dict()], [kept], [weight])


def fit_series(payload: tuple[ForecastConfig, Panel, list[Fold], tuple[float, ...]]) -> Fits:
    """Task: backtest one series with its own network(s), trained per refit group; its
    bands are left to ``local_fits``, which pools every member's errors."""
    cfg, panel, plan, levels = payload
    return neural_forecasts(panel, cfg, [plan], levels, pooled=True)


def neural_forecasts(
    panel: Panel,
    cfg: ForecastConfig,
    plans: list[list[Fold]],
    levels,
    on_fit: Callable[[int, int], Callable[[EpochReport], None] | None] | None = None,
    pooled: bool = False,
) -> Fits:
    """All refit groups of one network kind, one after another in this process (``pooled``:
    see ``fit_group``)."""
    out = np.empty((int(fold_rows(plans)[-1]), plans[0][0].horizon))  # ((series, fold) rows, horizon)
    bounds = {f"{side}-{lv:g}": np.full_like(out, np.nan) for lv in levels for side in ("lo", "hi")}
    payloads = list(group_payloads(panel, cfg, plans, levels))
    whole = Fits(out, bounds, (0.0, 0.0))
    for g, (rows, payload) in enumerate(payloads):
        _place(whole, rows, fit_group(payload, on_fit(g, len(payloads)) if on_fit else None, pooled))
    return whole


def _place(whole: Fits, rows, fits: Fits) -> None:
    """Put one fit's forecasts, bands, seconds and plans into ``whole`` (in place)."""
    whole.forecasts[rows] = fits.forecasts
    for key, value in fits.bounds.items():
        whole.bounds[key][rows] = value
    whole.seconds = (whole.seconds[0] + fits.seconds[0], whole.seconds[1] + fits.seconds[1])
    whole.plans.extend(fits.plans)
    whole.kept.extend(fits.kept)
    whole.weights.extend(fits.weights)
    whole.parts.extend(dataclasses.replace(p, rows=np.asarray(rows)[p.rows]) for p in fits.parts)


def distributed_global(
    panel: Panel,
    configs: dict[str, ForecastConfig],
    plans: list[list[Fold]],
    levels,
    executor: Executor,
    on_progress: Callable[[TaskProgress], None] | None = None,
) -> dict[str, Fits]:
    """Every (model, refit group) fit of a global backtest as one task each; a failure raises."""
    shape = (int(fold_rows(plans)[-1]), plans[0][0].horizon)
    tasks, placement = [], {}
    for name, cfg in configs.items():
        for g, (rows, payload) in enumerate(group_payloads(panel, cfg, plans, levels)):
            key = f"{name} fit {g + 1}"
            tasks.append(Task(key, fit_group, payload))
            placement[key] = (name, rows)
    outcome = executor.run(tasks, on_progress)
    outcome.raise_first()
    results: dict[str, Fits] = {}
    for key in placement:  # task order: the plans come in fit order whatever finished first
        fits: Fits = outcome.results[key]
        name, rows = placement[key]
        if name not in results:
            out = np.empty(shape)
            results[name] = Fits(out, {k: np.empty_like(out) for k in fits.bounds}, (0.0, 0.0))
        _place(results[name], rows, fits)
    return results


def local_fits(
    panel: Panel,
    configs: dict[str, ForecastConfig],
    plans: list[list[Fold]],
    levels,
    executor: Executor,
    on_progress: Callable[[TaskProgress], None] | None = None,
) -> tuple[dict[str, Fits], dict[str, str]]:
    """Every (model, series) backtest of ``--local`` as one task each.

    Returns the fits of the series that succeeded with every model (rows of failed series
    are NaN) and the failures by series id, each with its first reason.
    """
    first_row, horizon = fold_rows(plans), plans[0][0].horizon
    tasks = [
        Task(
            f"{name}\x00{sid}", fit_series, (member_config(cfg, sid), one_series(panel, i), plans[i], levels)
        )
        for name, cfg in configs.items()
        for i, sid in enumerate(panel.ids)
    ]
    outcome = executor.run(tasks, on_progress)
    failures: dict[str, str] = {}
    for key, reason in outcome.failures.items():
        name, sid = key.split("\x00")
        failures.setdefault(sid, f"{name}: {reason}" if len(configs) > 1 else reason)
    results: dict[str, Fits] = {}
    for name in configs:
        out = np.full((int(first_row[-1]), horizon), np.nan)
        bounds = {f"{side}-{lv:g}": np.full_like(out, np.nan) for lv in levels for side in ("lo", "hi")}
        results[name] = Fits(out, bounds, (0.0, 0.0))
        for i, sid in enumerate(panel.ids):
            fits = outcome.results.get(f"{name}\x00{sid}")
            if fits is not None:
                _place(results[name], np.arange(first_row[i], first_row[i + 1]), fits)
        fits = results[name]  # its members' bands, pooled (``member_bands``)
        for part, got in zip(
            fits.parts, member_bounds(fits.parts, plans, first_row, levels, panel), strict=True
        ):
            for key, value in got.items():
                fits.bounds[key][part.rows] = value
        fits.parts = []
    return results, failures
