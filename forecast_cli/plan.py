"""The resolved plan: every value the tool decides from (config, data), each with its reason.

``resolve_plan`` is the only place a default is decided. It is pure: it reads the config
and the data and returns a frozen ``Plan``; it never writes into the config (so fitting
one ``Forecaster`` twice on different series decides twice, from scratch). ``fit``,
``backtest``, ``info`` and the stderr summary all read the plan, and the model file
stores it beside the config, so nothing downstream re-derives a default.

Defaults, and why:
- season: the frequency's natural cycle (12 for months, 48 for half-hours; see
  ``steps.seasonal_period``), or ``--season`` (integer steps, as M4 is shipped, have
  no frequency to say it). A natural cycle the longest series does not hold twice is
  none (season 1): seen once it cannot be told from a trend, and its lag has nothing to
  copy (a day of 500-millisecond steps is 172,800 of them; 150 such rows made a default
  horizon no backtest could fit).
- horizon: one season, so a forecast covers a full cycle; 1 without a season.
- lookback: two seasons, the least that shows a seasonal pattern twice and lets the
  network tell it from noise; without a season twice the horizon and at least 8 steps.
  (Measured and not kept: at least 1.5 horizons, as some global models use. It moved M1
  monthly by seed noise and cost the airline series with H=36 most of its windows:
  MAPE 5.1% -> 7.8%.)
  On a panel the lookback is at most the length three in four of its series reach (and at
  least a season, or 2): a series shorter than the lookback cannot be read by the network
  and falls back to the baseline its highway starts as. On M1 quarterly summed into years
  with horizon 6 (74 series of 8 to 22 years; most yearly competition panels look like
  this), the rule's 12 left 72 series to that fallback, MASE 4.38 against AutoTheta's
  2.99 and naive's 4.65; cut to 9, 2.94 (benchmarks/RESULTS.md, "A yearly panel"). The
  other panels measured reach far past their lookback and keep it.
  Where not even the longest series holds a training window of the default lookback, it is
  cut to the one the error would have named (``_cut_to_fit``): one season when that leaves
  a window, else as many windows as it reads rows. Three years of weekly sales, or 30
  months, were refused under two seasons while 20 months (too few to see the season
  twice, so with none) trained. A lookback given is never cut.
- seasons: half-hourly and hourly demand (people's activity) has a daily and a weekly
  cycle, so sub-daily data from 15 minutes to 1 hour gets both (48 and 336 for half-hours).
  Then the lookback is one week and one day (384 half-hours, 192 hours): the weekly cycle
  once, so a Monday can be read against last Monday rather than against Sunday, plus the
  day before it; two weeks would double the inputs and cost a week of training windows
  on short series for little more. The recurrence stays short through ``patch``, and the
  highway starts as the best of the naive, daily and weekly seasonal naive forecasts on
  the training windows (``highway.choose_highway``). Exchange trading hours keep one
  season: prices have no weekly cycle to speak of. Cycles given with ``--season`` (24,168
  for hours numbered 1, 2, 3..., which have no frequency to say it) work the same way:
  the first is the season, the lookback is the longest plus one of the first. The weekly
  cycle, too, is kept only where the longest series holds two weeks.
- calendar ``auto``: hour of day and day of week below a day (only where the training
  rows hold two days, and two weeks, of them: a cycle never repeated is a constant input); day of week for daily data
  whose training rows show a weekly cycle (last week's value beats yesterday's as a
  forecast: daily temperatures and stock prices have none, and there the extra inputs
  measurably cost accuracy); holidays when ``--country`` is given (no country is
  guessed: a wrong one would teach false holidays) and one falls on a training row (an
  input that is 0 in every training row keeps its random weight; ``--calendar holiday``
  without one is refused); nothing for weekly and coarser data,
  whose seasonal lag already says where in the year a step is. The features are known
  in advance, so the network reads them over the forecast steps too.
- transform ``auto``: log when every value given to the fit is strictly positive (it turns
  multiplicative seasonality and exponential growth into additive ones and keeps
  forecasts positive), else none. The sign is read on every row given to the fit, its
  validation tails included (the log must apply to them), and on nothing after: the
  backtest's decision at an origin cannot depend on rows after it.
- scaler ``auto``: ``shared`` (one target scale for the whole panel) for a log target,
  whose series are already in comparable units (relative changes), else ``standard``
  per series (raw units of different series are not comparable); see
  ``scaling.share_target_scale``.
- level normalisation: on unless the transform differences (a differenced series has
  no level to subtract).
- patch: lookback steps read per recurrent step, so the recurrence stays at most 12
  steps long (long recurrences are where vanishing gradients bite).
- drift rows: with level normalisation, each window also reads the series' mean change
  over up to four lookbacks before it (``drift``): the long-run trend a window of a few
  seasons cannot show, without which a global model gives every series the panel's
  average growth.
- batch size: 128 windows, or on a panel too small for 16 such batches, the batch that
  makes 16 steps an epoch, so a small panel trains as long as a larger one
  (``plan_choices.choose_batch_size``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .calendar_defaults import resolve_calendar
from .config import ForecastConfig
from .errors import TooFewRows, UsageError
from .frequency_defaults import resolve_shape
from .plan_choices import (
    choose_batch_size,
    choose_damped_rows,
    choose_drift_rows,
    choose_scaler,
    choose_transform,
    intermittent_hint,
)
from .plan_record import Plan
from .scaling import DIFFERENCING
from .windows import (
    PanelSplit,
    fitting_lookback,
    panel_split,
    shorter_windows,
    temporal_split,
    training_windows,
    validation_rows,
    window_origins,
)

if TYPE_CHECKING:
    import pandas as pd

MAX_RECURRENT_STEPS = 12


def default_patch(lookback: int, max_steps: int = MAX_RECURRENT_STEPS) -> int:
    """Segment length that keeps the recurrence at most ``max_steps`` long."""
    return max(1, -(-lookback // max_steps))


def _cut_to_fit(
    lookback: int,
    reason: str,
    rows: int,
    outputs: int,
    season: int,
    w,
    first: int,
    patch: int | None,
    one: bool,
) -> tuple[int, str]:
    """A default lookback no series holds one training window of, cut to the one the error
    would name (``windows.fitting_lookback``) for the longest series' ``rows`` training rows
    (``one``: it is the only series): 30 months of monthly data failed under the default
    two seasons while 20 months (too few to see the season twice, so with no season)
    trained. Unchanged where even that leaves no window, or where it would be shorter than
    a ``--patch`` given (a patch groups lookback steps)."""
    fit = fitting_lookback(rows, lookback, outputs, season)
    if fit is None or (patch is not None and fit < patch):
        return lookback, reason
    windows = len(window_origins(rows + first, fit, outputs, w.window_stride, first))
    held = "the series holds" if one else "the longest series holds"
    what = f"{fit} (one season)" if fit == season > 1 else str(fit)
    return (
        fit,
        f"{reason}, cut to {what}: {held} {training_windows(windows)} of {fit} rows, none of {lookback}",
    )


def _shorter_lookback_hint(train_ends: np.ndarray, lookback: int, outputs: int, first: int) -> str:
    """For a panel where a quarter or more of the series have no training window (the caller
    checks): the lookback that gives at least half of those that could have one a window (the
    median of the longest lookback each could take), said with how many it gives one, so the
    person can choose (on seasonal data fewer than two seasons cost more than they gain:
    benchmarks/RESULTS.md, "Weight averaging")."""
    longest = np.asarray(train_ends, dtype=np.int64) - outputs - first  # per short series
    fits = np.sort(longest[longest >= 1])
    if len(fits) == 0:
        return ""
    shorter = int(fits[len(fits) // 2])  # the longest lookback half of those that can fit any take
    helped = int(np.sum(longest >= shorter))
    return f" (--lookback {shorter} gives {helped} of them one)" if shorter < lookback else ""


def resolve_plan(
    config: ForecastConfig,
    freq: str | None,
    ys: Sequence[np.ndarray],
    until: pd.Timestamp | None = None,
    windows_from: np.ndarray | None = None,
    stamps: Sequence[pd.Index] = (),
) -> Plan:
    """Decide every ``None``/``auto`` option of ``config`` for the targets ``ys`` (one array
    per series) at ``freq``, for data that ends at ``until``. Only training rows (before
    each validation tail) inform a decision. ``windows_from`` (bool per series, default
    all): the series whose windows will train the weights (see ``Forecaster.fit``).
    ``stamps`` (each series' index, when it has timestamps): where a holiday input is asked
    for, one must fall on a training row (``resolve_calendar``).
    """
    return plan_with_split(config, freq, ys, until, windows_from, stamps)[0]


def plan_with_split(
    config: ForecastConfig,
    freq: str | None,
    ys: Sequence[np.ndarray],
    until: pd.Timestamp | None = None,
    windows_from: np.ndarray | None = None,
    stamps: Sequence[pd.Index] = (),
) -> tuple[Plan, PanelSplit]:
    """``resolve_plan``, and the training/validation split its decisions were read from
    (every series' windows, before ``windows_from`` restricts them): the fit trains on that
    split rather than building it again from the plan's lookback and horizon.
    """
    shape = resolve_shape(config, freq, [len(y) for y in ys], until, ys=ys)
    season, horizon, lookback = shape.season, shape.horizon, shape.lookback
    reasons = dict(shape.reasons)
    w = config.window
    strategy = config.model.strategy
    outputs = horizon if strategy == "direct" else 1
    requested = config.scaling.transform
    first = 1 if requested in DIFFERENCING else 0
    lengths = np.array([len(y) for y in ys], dtype=np.int64)
    split = panel_split(lengths, lookback, outputs, w.val_fraction, w.window_stride, first)
    longest = int(lengths.max())
    rows = longest - first - validation_rows(longest, w.val_fraction, first)  # the longest's training rows
    if len(split.train_origins) == 0 and w.lookback is None and len(shape.seasons) < 2:
        lookback, reasons["lookback"] = _cut_to_fit(
            lookback, reasons["lookback"], rows, outputs, season, w, first, config.model.patch, len(ys) == 1
        )
        split = panel_split(lengths, lookback, outputs, w.val_fraction, w.window_stride, first)
    if len(split.train_origins) == 0:
        if len(ys) == 1:
            temporal_split(len(ys[0]), lookback, outputs, w.val_fraction, w.window_stride, first, season)
        raise TooFewRows(
            f"no series has enough rows for one training window (lookback {lookback} + horizon {outputs} "
            f"+ validation; longest has {longest}); {shorter_windows(rows, lookback, outputs, season)}"
        )
    train_ys = [np.asarray(y[:end], dtype=np.float64) for y, end in zip(ys, split.train_ends, strict=True)]
    # the log must apply to every row the fit transforms, its validation tails included:
    # a zero there, with strictly positive training rows, failed the fit (exit 2, blaming a
    # --transform log that was never given); the sign alone is read, no value informs a weight
    transform, reasons["transform"] = choose_transform(
        requested, [np.asarray(y, dtype=np.float64) for y in ys]
    )
    nonnegative = all(np.nanmin(y, initial=0.0) >= 0 for y in train_ys)
    if nonnegative:
        reasons["nonnegative"] = "no training value is below zero: forecasts and bands are cut at 0"
        reasons["nonnegative"] += intermittent_hint(train_ys, config.train.loss)
    train_stamps = [s[:end] for s, end in zip(stamps, split.train_ends, strict=True)] if stamps else []
    calendar, reasons["calendar"] = resolve_calendar(config.data, freq, train_ys, season, train_stamps)
    windows = np.bincount(split.series_of_train, minlength=len(ys))  # (series,): training windows of each
    trainable = windows > 0
    short = int((~trainable).sum())
    if short:
        reasons["series"] = f"{short} too short for a training window, forecast from their own history"
        if config.model.id_embedding:  # models.settle_untrained_embeddings
            reasons["series"] += " and the trained series' mean embedding"
        if 4 * short >= len(ys):
            reasons["series"] += _shorter_lookback_hint(
                split.train_ends[~trainable], lookback, outputs, first
            )

    learning = windows if windows_from is None else windows[np.asarray(windows_from, dtype=bool)]
    batch_size, reasons["batch_size"] = choose_batch_size(config.train.batch_size, learning)
    scaler, reasons["scaler"] = choose_scaler(config.scaling.scaler, transform)
    level_norm = config.model.level_norm and transform not in DIFFERENCING
    reasons["level_norm"] = (
        "the network learns changes from the last value"
        if level_norm
        else ("differenced series have no level" if config.model.level_norm else "turned off")
    )
    drift_rows, reasons["drift_rows"] = choose_drift_rows(
        config.model.drift, level_norm, transform in DIFFERENCING, lookback, len(ys)
    )
    damped_rows, reasons["damped_rows"] = choose_damped_rows(
        config.model.combine, season, [len(y) for y in train_ys]
    )
    if config.model.patch is not None:
        patch = config.model.patch
        if patch > lookback:  # one recurrent step of mostly padding: nothing meant that
            raise UsageError(
                f"--patch {patch} is longer than the lookback ({lookback} steps): a patch groups "
                f"lookback steps; give --patch {lookback} or less"
            )
        reasons["patch"] = "given"
    else:
        patch = default_patch(lookback)
        reasons["patch"] = f"keeps the recurrence to {-(-lookback // patch)} steps"
    plan = Plan(
        freq=freq,
        season=season,
        horizon=horizon,
        lookback=lookback,
        transform=transform,
        level_norm=level_norm,
        patch=patch,
        strategy=strategy,
        train_rows=int(split.train_ends.sum()),
        val_rows=int(lengths.sum() - split.train_ends.sum()),
        series=len(ys),
        scaler=scaler,
        seasons=shape.seasons,
        calendar=calendar,
        drift_rows=drift_rows,
        nonnegative=nonnegative,
        batch_size=batch_size,
        damped_rows=damped_rows,
        reasons=reasons,
    )
    return plan, split
