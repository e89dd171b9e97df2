"""Backtest scores: per (series, fold) values, averaged into the leaderboard and per series.

Every metric is first computed for each (series, fold) pair (``fold_scores``) or for each
forecast step (``backtest_intervals.interval_elements``). The leaderboard averages them over
all pairs (weighted so that every series counts once when a short series has only the last
folds); the per-series table (``series_table``) averages them over one series' folds, with
the same formulas, so a series' row equals a single-series backtest of the same folds.

On a panel the mean hides which series a model wins on, so the leaderboard also carries
the median over series of each series' MASE and ``beats_snaive``: the share of series whose
MASE is strictly below seasonal naive's on that series (the question issue 9's users ask:
"on how many of my series is the network worth it?"). Pairs whose MASE is undefined (the
training rows repeat exactly every season, so the scale is zero) are left out of MASE's
means and counted in a note, so one flat series cannot blank a panel's MASE.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .backtest_intervals import defined_scales, interval_elements, score_intervals
from .metrics import nanmean, row_weighted_mean, smape_terms

REFERENCE = "seasonal-naive"  # skill and beats_snaive compare with it


def fold_scores(actual: np.ndarray, forecast: np.ndarray, scales: np.ndarray) -> dict[str, np.ndarray]:
    """Point metrics of each (series, fold) row: (rows,) each; rows are (rows, horizon).

    MAPE is NaN for a row with a zero actual; MASE is NaN for a row whose scale is zero."""
    actual = np.asarray(actual, dtype=np.float64)
    err = actual - forecast  # (rows, horizon)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where((actual == 0).any(axis=1, keepdims=True), np.nan, np.abs(err) / np.abs(actual))
    return {  # NaN actuals (filled, not observed) are left out of every mean
        "mae": nanmean(np.abs(err), axis=1),
        "rmse": np.sqrt(nanmean(err**2, axis=1)),
        "mape": 100.0 * nanmean(pct, axis=1),
        "smape": 100.0 * nanmean(smape_terms(actual, forecast), axis=1),
        "mase": nanmean(np.abs(err) / defined_scales(scales)[:, None], axis=1),
    }


def score(
    actual: np.ndarray, forecast: np.ndarray, scales: np.ndarray, weights: np.ndarray | None = None
) -> tuple[dict, dict[str, list[float]]]:
    """(metrics averaged over (series, fold) rows, metrics per horizon step averaged over rows);
    ``weights`` (rows,) weigh the rows (``metrics.row_weighted_nanmean``), default equally."""
    per_fold = fold_scores(actual, forecast, scales)
    observed = _observed_folds(actual)
    overall = {k: float(_fold_mean(v, observed, weights=weights)) for k, v in per_fold.items()}
    overall["mase"] = nanmean(per_fold["mase"], weights=weights)
    abs_err = np.abs(actual - forecast)  # (rows, horizon)
    steps = {
        "mae": nanmean(abs_err, axis=0, weights=weights),
        "rmse": np.sqrt(nanmean((actual - forecast) ** 2, axis=0, weights=weights)),
        "smape": 100.0 * nanmean(smape_terms(actual, forecast), axis=0, weights=weights),
        "mase": nanmean(abs_err / defined_scales(scales)[:, None], axis=0, weights=weights),
    }
    return overall, {k: [float(x) for x in v] for k, v in steps.items()}


def series_table(
    ids: tuple[str, ...],
    id_name: str,
    actual: np.ndarray,
    forecasts: dict[str, np.ndarray],
    bounds: dict[str, dict[str, np.ndarray]],
    scales: np.ndarray,
    levels: tuple[float, ...],
    probs: tuple[float, ...] = (),
    first_row: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per (series, model): the leaderboard's metrics over that series' folds only,
    with ``skill`` against seasonal naive on that series. Rows of ``actual`` are
    series-major (each series' folds consecutive: series i's are rows ``first_row[i]`` to
    ``first_row[i + 1]``, default as many for every series); the table is too, models in
    the order of ``forecasts`` within each series."""
    n, names = len(ids), list(forecasts)
    columns: dict[str, list[np.ndarray]] = {}
    for name in names:
        point = forecasts[name]
        per_fold = fold_scores(actual, point, scales)
        elements = interval_elements(actual, point, bounds[name], scales, levels, probs)
        if first_row is not None:
            cols = _ragged_series_means(per_fold, elements, _observed_folds(actual), first_row)
        else:
            observed = _observed_folds(actual).reshape(n, -1)
            cols = {k: _fold_mean(v.reshape(n, -1), observed, axis=1) for k, v in per_fold.items()}
            cols["mase"] = nanmean(per_fold["mase"].reshape(n, -1), axis=1)
            for key, values in elements.items():
                cols[key] = nanmean(values.reshape(n, -1), axis=1)
        if "pinball" in cols:
            cols["crps"] = 2 * cols["pinball"]
        for key, value in cols.items():
            columns.setdefault(key, []).append(value)
    stacked = {k: np.stack(v, axis=1).ravel() for k, v in columns.items()}  # (series x models,)
    mase = stacked["mase"].reshape(n, len(names))
    reference = mase[:, names.index(REFERENCE)] if REFERENCE in names else np.full(n, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        skill = (1.0 - mase / reference[:, None]).ravel()
    table = pd.DataFrame({id_name: np.repeat(np.asarray(ids, dtype=object), len(names)), "model": names * n})
    for key, value in stacked.items():
        table[key] = value
        if key == "mase":
            table["skill"] = skill
    return table


def _ragged_series_means(per_fold, elements, observed, first_row) -> dict[str, np.ndarray]:
    """``series_table``'s columns when series have different numbers of folds: the same
    means, each over its series' rows (``first_row``: where each series' rows start)."""
    starts = first_row[:-1]

    def mean(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
        flat = values.reshape(len(values), -1)  # (rows, the row's elements)
        keep = np.broadcast_to(keep.reshape(len(values), -1), flat.shape)
        total = np.add.reduceat(np.where(keep, flat, 0.0), starts).sum(axis=1)
        count = np.add.reduceat(keep.astype(np.float64), starts).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / count

    cols = {k: mean(v, observed) for k, v in per_fold.items()}  # a NaN on an observed fold propagates
    cols["mase"] = mean(per_fold["mase"], ~np.isnan(per_fold["mase"]))
    for key, values in elements.items():
        cols[key] = mean(values, ~np.isnan(values))
    return cols


def series_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per model (index): ``mase_median``, the median over series of their MASE, and
    ``beats_snaive``, the share of series (those with a defined MASE for both) on which the
    model's MASE is below seasonal naive's; NaN for seasonal naive itself or when it was
    not run."""
    names = list(dict.fromkeys(table["model"]))
    mase = table["mase"].to_numpy().reshape(-1, len(names))  # (series, models)
    median = _nanmedian(mase)
    wins = np.full(len(names), np.nan)
    if REFERENCE in names:
        reference = mase[:, [names.index(REFERENCE)]]
        both = np.isfinite(mase) & np.isfinite(reference)
        with np.errstate(invalid="ignore", divide="ignore"):
            wins = ((mase < reference) & both).sum(axis=0) / np.where(
                both.any(axis=0), both.sum(axis=0), np.nan
            )
        wins[names.index(REFERENCE)] = np.nan
    return pd.DataFrame({"mase_median": median, "beats_snaive": wins}, index=pd.Index(names, name="model"))


def _observed_folds(actual: np.ndarray) -> np.ndarray:
    """(rows,) True for the (series, fold) rows with an observed step: a row whose every
    step fell on filled values (NaN actuals) has no score to average."""
    return np.isfinite(actual).any(axis=1)


def _fold_mean(values: np.ndarray, observed: np.ndarray, axis=None, weights: np.ndarray | None = None):
    """Mean over the observed folds only (``weights``: per row). A NaN there propagates (MAPE
    of a fold with a zero actual: MAPE is skipped), as in a plain mean; the folds left out
    are never read."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if weights is not None:
            return row_weighted_mean(values, observed, weights, axis)
        return np.where(observed, values, 0.0).sum(axis=axis) / observed.sum(axis=axis)


def _nanmedian(values: np.ndarray) -> np.ndarray:
    """Median of each column over its defined values (NaN when none is)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(values, axis=0)


def leaderboard(
    models: Sequence[str],
    forecasts: dict[str, np.ndarray],
    bounds: dict[str, dict[str, np.ndarray]],
    seconds: dict[str, tuple[float, float]],
    actual: np.ndarray,
    scales: np.ndarray,
    levels,
    probs,
    first_row: np.ndarray,
    names: tuple[str, ...],
    id_name: str,
) -> tuple[pd.DataFrame, dict[str, dict[str, list[float]]], pd.DataFrame]:
    """(leaderboard, per-step scores per model, scores per series and model) of ``models``'
    (series x folds, horizon) ``forecasts`` and bands against ``actual``; the series'
    folds start at the rows ``first_row`` gives (``backtest_fits.fold_rows``).

    A series with fewer folds (its last ones) counts as much as one with all of them. The
    board is sorted by MASE, MAE breaking ties and ranking alone where MASE is undefined for
    every series (each too short for a season of in-sample changes, or flat in its training
    rows)."""
    per_series = np.diff(first_row)
    ragged = per_series.min() < per_series.max()
    weights = np.repeat(per_series.max() / per_series, per_series) if ragged else None
    rows, per_step = [], {}
    for name in models:
        row, per_step[name] = score(actual, forecasts[name], scales, weights)
        interval_row, interval_steps = score_intervals(
            actual, forecasts[name], bounds[name], scales, levels, probs, weights
        )
        row.update(interval_row)
        per_step[name].update(interval_steps)
        rows.append(
            {"model": name, **row, "fit_seconds": seconds[name][0], "predict_seconds": seconds[name][1]}
        )
    board = pd.DataFrame(rows).set_index("model")
    reference = board["mase"].get("seasonal-naive", np.nan)
    board.insert(5, "skill", 1.0 - board["mase"] / reference)
    by_series = series_table(
        names, id_name, actual, forecasts, bounds, scales, levels, probs, first_row if ragged else None
    )
    summary = series_summary(by_series)
    board.insert(6, "mase_median", summary["mase_median"])
    board.insert(7, "beats_snaive", summary["beats_snaive"])
    board = board.sort_values(["mase", "mae"], kind="stable", na_position="last")
    return board, per_step, by_series
