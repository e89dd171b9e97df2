"""Which folds each series of a panel is backtested on.

Folds are counted back from each series' own end (``folds.plan_folds``), so series that end
together share one calendar and a competition panel keeps its official split. A series too
short for all of them keeps the last ones it fits (fold k is the same place from the end in
every series, so its index, origin and refit group are the full plan's); scoring then weighs
each series once. Only a series that fits no fold is left out, and named.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .config import ForecastConfig
from .errors import DataError, first_few
from .folds import (
    AUTO_REFIT,
    DEFAULT_FOLDS,
    Fold,
    folds_that_fit,
    parse_refit,
    plan_folds,
    rows_before_first_origin,
    trained_at_own_first,
)
from .panel import Panel
from .run_config import BacktestConfig
from .series_record import Series


def default_folds(panel: Panel, horizon: int, spec: BacktestConfig, min_train: int) -> tuple[int, str]:
    """(folds, note): ``--folds`` as given; else 5, or as many as the longest series fits
    when that is fewer (a 400-week series fits 4 yearly folds: refusing the default with
    "at most 4 folds fit" made the user type what we knew). None fitting: 5, and the refusal
    says why."""
    if spec.folds is not None:
        return spec.folds, ""
    stride = spec.origin_stride or horizon
    needed = rows_before_first_origin(spec.window, spec.train_size, min_train)
    fit = max(folds_that_fit(len(m.frame), horizon, stride, needed) for m in panel.members)
    if 1 <= fit < DEFAULT_FOLDS:
        longest = "the series" if len(panel) == 1 else "the longest series"
        return (
            fit,
            f"{fit} fold{'s' if fit > 1 else ''}: as many as {longest} fits (the default is {DEFAULT_FOLDS}; set --folds)",
        )
    return DEFAULT_FOLDS, ""


def resolve_refit(
    panel: Panel,
    horizon: int,
    spec: BacktestConfig,
    cfg: ForecastConfig,
    min_train: int,
    least_fit: int | None,
) -> tuple[str, str]:
    """(refit, why) for ``--refit auto``: ``always`` when one fit before the first origin
    would see under half the training windows that a fit before the last origin sees, else
    ``never``; a given value as given, and ``never`` without a global network to fit
    (``least_fit`` None, as ``member_folds`` reads it: baselines fit nothing).

    Why: ``never`` (one fit, every fold forecast from it) is fast and right when the folds
    are a small part of the data, as on a long series. On a short panel the first origin
    comes before most of the rows: 80 M1 monthly series with five folds of 18 trained on a
    handful of windows, and the backtest scored that network (MASE 1.87, worse than
    seasonal naive's 1.53) where a fit at each origin, what ``train`` then ``predict`` does
    with the rows up to it, scored 1.45. Half: the stale fit then reads at least half of
    what the newest one would; on the single-series sample sets it stays ``never``."""
    if spec.refit != AUTO_REFIT:
        return spec.refit, ""
    if least_fit is None:
        return "never", ""
    folds, _ = default_folds(panel, horizon, spec, max(min_train, least_fit))
    stride = spec.origin_stride or horizon
    outputs = horizon if cfg.model.strategy == "direct" else 1
    lengths = panel.lengths - horizon  # rows before each series' last origin
    cap = spec.train_size if spec.window == "sliding" and spec.train_size else None

    def windows(before: np.ndarray) -> int:
        rows = np.minimum(before, cap) if cap else before
        return int(np.maximum(rows - cfg.window.lookback - outputs + 1, 0).sum())

    first, last = windows(lengths - stride * (folds - 1)), windows(lengths)
    if last == 0 or first >= last / 2:
        return "never", ""
    return "always", (
        f"auto: a fit before the first origin would see {first / last:.0%} of the training "
        "windows of one before the last"
    )


def member_folds(
    panel: Panel,
    horizon: int,
    spec: BacktestConfig,
    min_train: int,
    cfg: ForecastConfig,
    least_fit: int | None = None,
):
    """Folds of every series, counted from its own end (``folds.plan_folds``). In a panel a
    series too short for all of them keeps the last ones it fits, and one that fits none is
    left out and named; the longest series must fit them all (an explicit ``--folds`` that
    none fits is refused with its reason).

    ``min_train``: the rows a series needs before an origin to be forecast there (a global
    network reads its lookback); ``least_fit``: the rows the longest series needs before
    the first origin for the network to have a window to train on. Five default folds of a
    yearly horizon of 6 left M3's 47-year series 17 rows, under the lookback, horizon and
    validation a window takes: the run was refused where 4 folds fit."""
    longest_needs = max(min_train, least_fit or 0)
    folds, said = default_folds(panel, horizon, spec, longest_needs)
    refit = parse_refit(spec.refit)

    def plan(member: Series, partial: bool, needed: int = min_train) -> list[Fold]:
        return plan_folds(
            len(member.frame),
            horizon,
            folds,
            spec.origin_stride,
            spec.window,
            spec.train_size,
            refit,
            needed,
            partial=partial,
        )

    notes = [said] if said else []
    if len(panel) == 1:
        return [plan(panel.members[0], False)], [0], notes
    longest = int(np.argmax(panel.lengths))
    try:
        plan(panel.members[longest], False, longest_needs)
    except DataError as exc:  # the longest series' own reason: the option at fault, the rows it lacks
        raise DataError(f"no series fits the folds; the longest, {panel.ids[longest]!r}: {exc}") from None
    # a series trained alone starts at its own first fold; a global network trained at an
    # origin before a series' first fold forecasts it as a series it never saw, which a
    # learned embedding of that series cannot do (it would be untrained): those keep all folds
    alone, embedded = cfg.model.local, bool(cfg.model.id_embedding) and not cfg.model.local
    plans, kept, short, fewer = [], [], [], []
    for i, member in enumerate(panel.members):
        try:
            p = plan(member, not embedded or refit == 1)
        except DataError:
            short.append(panel.ids[i])
            continue
        plans.append(trained_at_own_first(p) if alone else p)
        kept.append(i)
        if len(p) < folds:
            fewer.append(panel.ids[i])
    if fewer:
        notes.append(
            f"{len(fewer)} series fit fewer than {folds} folds ({first_few(fewer, 3)}) and are scored on their last ones; "
            "each series counts once in the means"
        )
    if short:
        shown = first_few([repr(s) for s in short])  # quoted: an id may hold a comma
        if embedded and refit != 1:  # partial plans were not allowed: say what would allow them
            what = (
                f"{folds} folds (--id-embedding learns only the series in the first fit; "
                "--refit always scores them on the folds they fit)"
            )
        else:
            what = "any fold"
        notes.append(f"{len(short)} series too short for {what}, left out: {shown}")
    return plans, kept, notes


def refuse_no_fold(
    panel: Panel,
    horizon: int,
    lookback: int,
    spec: BacktestConfig,
    rows_needed: Callable[[int, int], tuple[int | None, int]],
    cut: int | None = None,
) -> int | None:
    """Refuse, naming a setting that fits, when the longest series fits no fold at all.
    With ``cut`` (a default lookback, which may be shortened to no less than ``cut``): the
    longest lookback that fits one fold, returned, instead of a refusal. A global network
    on a panel of 51 months was refused at its default lookback of 24, which ``train`` on
    the same rows cuts on its own; None: no change.

    Shampoo sales (36 months) were refused with "at most 0 folds fit (lower --folds,
    --horizon or --lookback)": no number of folds fits, and the person had to find by trial
    that ``--horizon 3`` does. ``rows_needed(lookback, horizon)`` gives the rows before an
    origin (``run_backtest``'s rule), so the largest horizon, and the largest lookback, that
    fit one fold are counted here and offered."""
    if spec.window != "expanding":
        return None  # a sliding window's --train-size is the rows it needs, and plan_folds says so
    at = int(np.argmax([len(member.frame) for member in panel.members]))
    n = len(panel.members[at].frame)

    def before_origin(lookback: int, horizon: int) -> int:
        # the longest series holds the rows before an origin and, for a network, a training
        # window: a global network's other series need only their lookback, but one series
        # must train it (a 3-row series was offered --lookback 1, then refused it)
        least_fit, min_train = rows_needed(lookback, horizon)
        return max(min_train, least_fit or 0)

    def fits(lookback: int, horizon: int) -> bool:
        return folds_that_fit(n, horizon, horizon, before_origin(lookback, horizon)) >= 1

    if fits(lookback, horizon):
        return None
    if cut is not None:  # the default lookback, as long as one fold fits, never below ``cut``
        nearest = next((b for b in range(lookback - 1, cut - 1, -1) if fits(b, horizon)), None)
        if nearest is not None:
            return nearest
    who = "the series" if len(panel) == 1 else f"the longest series, {panel.ids[at]!r},"
    shorter = next((h for h in range(horizon - 1, 0, -1) if fits(lookback, h)), None)
    nearer = next((b for b in range(lookback - 1, 0, -1) if fits(b, horizon)), None)
    offers = [f"--{name} {value}" for name, value in (("horizon", shorter), ("lookback", nearer)) if value]
    fix = f"{' or '.join(offers)} fits one" if offers else "no shorter horizon or lookback fits one"
    raise DataError(
        f"no fold fits: one fold of horizon {horizon} at lookback {lookback} takes "
        f"{before_origin(lookback, horizon) + horizon} rows, and {who} has {n}; {fix}"
    )
