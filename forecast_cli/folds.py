"""Rolling-origin fold arithmetic: where each backtest fold trains and what it forecasts.

Origins are placed from the end: the last fold forecasts the last ``horizon`` rows, and
each earlier origin sits ``stride`` rows before the next. Fold ``k`` trains on rows
``train_start .. origin - 1`` and forecasts rows ``origin .. origin + horizon - 1``:
- ``expanding`` windows start at row 0 and grow with the origin;
- ``sliding`` windows keep ``train_size`` rows, ending just before the origin.
The refit policy says which fold's origin each model is trained at: ``never`` trains
once before the first origin, ``always`` at every origin, an integer N every N folds.

In a panel every series' folds are counted from its own end, and a series too short for
all of them keeps the last ones it fits (``partial``): fold ``k`` is the same place from
the end in every series, so the folds of one index are forecast by the same fit. Before,
such a series was left out: 194 of M1 monthly's 617 series, the shortest third, never
reached the leaderboard of a default backtest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import DataError, UsageError


@dataclass(frozen=True)
class Fold:
    index: int
    origin: int  # first forecast row; also the end (exclusive) of the training rows
    train_start: int
    horizon: int
    fit_at: int  # index of the fold whose origin the model used here was trained at

    @property
    def test_end(self) -> int:
        return self.origin + self.horizon


DEFAULT_FOLDS = 5  # backtest origins when --folds is not given and the data fits them


AUTO_REFIT = "auto"  # resolved by ``panel_folds.resolve_refit`` before any plan is made


def parse_refit(value: str) -> int | None:
    """``never`` -> None, ``always`` -> 1, ``N`` -> N (retrain every N folds). ``auto``
    reads as never here: ``run_backtest`` resolves it before any plan is made
    (``panel_folds.resolve_refit``); the CLI calls this early only to refuse a bad value."""
    if value == "never" or value == AUTO_REFIT:
        return None
    if value == "always":
        return 1
    try:
        every = int(value)
    except ValueError:
        raise UsageError(f"--refit {value!r} is not auto, never, always or a whole number of folds") from None
    if every < 1:
        raise UsageError(f"--refit must be at least 1 fold, got {every}")
    return every


def check_window(window: str, train_size: int | None) -> None:
    """--window and --train-size together: checked with the options, before any data is
    read, and again by ``plan_folds`` for callers of the library."""
    if window not in ("expanding", "sliding"):
        raise UsageError(f"--window {window!r} is not expanding or sliding")
    if window != "sliding" and train_size is not None:  # it was ignored: the same numbers as without it
        raise UsageError(
            f"--train-size {train_size} sets a sliding window's rows; add --window sliding (an expanding "
            "window trains on every row before each origin)"
        )
    if window == "sliding" and train_size is None:
        raise UsageError("--window sliding needs --train-size (rows each model trains on)")


def plan_folds(
    n_rows: int,
    horizon: int,
    folds: int,
    stride: int | None = None,
    window: str = "expanding",
    train_size: int | None = None,
    refit: int | None = None,
    min_train: int = 1,
    partial: bool = False,
) -> list[Fold]:
    """The folds of a rolling-origin backtest (see the module docstring).

    ``min_train`` is the fewest training rows a model needs; too little data raises a
    ``DataError`` that says how many folds would fit. With ``partial`` the last folds that
    fit are kept (indices and refit groups as in the full plan) and only a series that fits
    none raises.
    """
    if folds < 1 or horizon < 1:
        raise UsageError("--folds and --horizon must be at least 1")
    stride = stride or horizon
    check_window(window, train_size)
    if window == "sliding" and train_size is not None and train_size < min_train:
        raise DataError(f"--train-size {train_size} is below the {min_train} rows one model needs")
    last_origin = n_rows - horizon
    first_origin = last_origin - stride * (folds - 1)
    needed = rows_before_first_origin(window, train_size, min_train)
    # folds before the first whose origin leaves ``needed`` rows (ceil division)
    skipped = min(folds, -(-(needed - first_origin) // stride)) if first_origin < needed else 0
    if skipped and (skipped == folds or not partial):
        fit = folds_that_fit(n_rows, horizon, stride, needed)
        if fit == 0 and window == "sliding" and train_size is not None and n_rows - horizon >= min_train:
            # the window is what does not fit: no --folds, --horizon or --lookback helps
            raise DataError(
                f"--train-size {train_size} leaves no row to forecast: one fold of horizon {horizon} "
                f"needs {train_size + horizon} rows, and the series has {n_rows}; use --train-size "
                f"{n_rows - horizon} or less"
            )
        levers = ["--folds", "--horizon", *(["--origin-stride"] if stride != horizon else [])]
        # a sliding window's rows are its --train-size (past the lookback a model needs)
        levers.append(
            "--train-size"
            if window == "sliding" and train_size is not None and train_size > min_train
            else "--lookback"
        )
        raise DataError(
            f"{folds} folds of horizon {horizon} (stride {stride}) need {needed + horizon + stride * (folds - 1)} "
            f"rows with {needed} training rows before the first origin, but the series has {n_rows}; "
            f"at most {fit} fold{'s' if fit != 1 else ''} fit{'s' if fit == 1 else ''} "
            f"(lower {', '.join(levers[:-1])} or {levers[-1]})"
        )
    plan = []
    for k in range(skipped, folds):
        origin = first_origin + k * stride
        start = origin - needed if window == "sliding" else 0
        fit_at = 0 if refit is None else (k // refit) * refit
        plan.append(Fold(k, origin, start, horizon, fit_at))
    return plan


def rows_before_first_origin(window: str, train_size: int | None, min_train: int) -> int:
    """Rows the first origin needs before it: a sliding window's ``train_size``, else the
    fewest a model trains on."""
    return train_size if window == "sliding" and train_size is not None else min_train


def folds_that_fit(n_rows: int, horizon: int, stride: int, needed: int) -> int:
    """How many origins, ``stride`` apart and the last ``horizon`` rows from the end, leave
    ``needed`` training rows before the first (0 when none does)."""
    return max(0, (n_rows - horizon - needed) // stride + 1)


def fit_groups(plan: list[Fold]) -> Iterator[tuple[Fold, list[Fold]]]:
    """(fold whose origin a model trains at, the folds that model forecasts), in order."""
    by_index = {fold.index: fold for fold in plan}
    by_fit: dict[int, list[Fold]] = {}
    for fold in plan:
        by_fit.setdefault(fold.fit_at, []).append(fold)
    for fit_at, members in by_fit.items():
        yield by_index[fit_at], members


def trained_at_own_first(plan: list[Fold]) -> list[Fold]:
    """``plan`` with every fold's model trained no earlier than the plan's first fold: a
    series trained alone (``--local``) that keeps only its last folds has no row to train on
    at an origin before them."""
    first = plan[0].index
    return [dataclasses.replace(f, fit_at=max(f.fit_at, first)) for f in plan]
