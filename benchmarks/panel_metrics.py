"""Panel benchmark metrics as pure numpy functions: point accuracy, OWA, interval scores, Naive2.

One (series, origin) pair is scored at a time: ``actual`` and forecasts are the h values after
the origin, ``insample`` the series before it. ``score_pair`` gives every figure for a pair and
``summarize`` averages pairs, so a peer run and a run of our tool are scored by the same code.

Conventions (the same as forecast_cli.metrics): percentages are in percent; a 0/0 sMAPE term
counts as 0; a zero MASE scale (an exactly periodic training part) gives NaN, and NaNs are
left out of means and counted.
"""

from __future__ import annotations

import math

import numpy as np

Z90 = 1.645  # one-sided 95% / two-sided 90% normal quantile of the M4 seasonality test


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """sMAPE as in M4, in percent: mean over steps of 200 |y - f| / (|y| + |f|), 0/0 counted as 0."""
    y, f = np.asarray(actual, dtype=np.float64), np.asarray(forecast, dtype=np.float64)
    denom = np.abs(y) + np.abs(f)
    ratio = np.divide(2.0 * np.abs(y - f), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100.0 * np.mean(ratio))


def scale_lag(n_insample: int, season: int) -> int:
    """The lag of the MASE scale: the season m when more than m points are in-sample, else 1."""
    return season if n_insample > season else 1


def mase_scale(insample: np.ndarray, season: int) -> float:
    """In-sample MAE of the seasonal-naive forecast: mean_{t>m} |y_t - y_{t-m}|, m = scale_lag(n, season).

    The denominator of MASE and of the scaled interval width and score. A series with m or
    fewer points falls back to lag 1 (the naive forecast); one point gives NaN.
    """
    x = np.asarray(insample, dtype=np.float64)
    lag = scale_lag(len(x), season)
    if len(x) <= lag:
        return float("nan")
    return float(np.mean(np.abs(x[lag:] - x[:-lag])))


def mase(actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray, season: int) -> float:
    """Mean absolute scaled error: mean |y - f| / mase_scale(insample, season); NaN for a zero scale."""
    scale = mase_scale(insample, season)
    err = float(np.mean(np.abs(np.asarray(actual, dtype=np.float64) - np.asarray(forecast))))
    return err / scale if scale > 0 else float("nan")


def owa(smape_model: float, mase_model: float, smape_naive2: float, mase_naive2: float) -> float:
    """Overall weighted average (M4): 0.5 (sMAPE / sMAPE_Naive2 + MASE / MASE_Naive2), from panel means."""
    return 0.5 * (smape_model / smape_naive2 + mase_model / mase_naive2)


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Empirical coverage: the share of steps with lo <= y <= hi."""
    y = np.asarray(actual, dtype=np.float64)
    return float(np.mean((y >= np.asarray(lo)) & (y <= np.asarray(hi))))


def interval_score(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> float:
    """Winkler / interval score (Gneiting & Raftery 2007), mean over steps; lower is better.

    IS = (u - l) + (2 / a) (l - y) 1{y < l} + (2 / a) (y - u) 1{y > u}, with a = 1 - level / 100.
    """
    y, lo, hi = (np.asarray(v, dtype=np.float64) for v in (actual, lo, hi))
    a = 1.0 - level / 100.0
    penalty = (2.0 / a) * (np.maximum(lo - y, 0.0) + np.maximum(y - hi, 0.0))
    return float(np.mean(hi - lo + penalty))


def acf(x: np.ndarray, lag: int) -> float:
    """Sample autocorrelation: sum_{t>=k} (x_t - mean)(x_{t-k} - mean) / sum_t (x_t - mean)^2."""
    d = np.asarray(x, dtype=np.float64) - np.mean(x)
    return float(np.dot(d[lag:], d[: len(d) - lag]) / np.dot(d, d))


def is_seasonal(x: np.ndarray, season: int) -> bool:
    """The M4 seasonality test (90%): |acf_m| > 1.645 sqrt((1 + 2 sum_{k<m} acf_k^2) / n).

    As in the M4 R code (M4comp2018's SeasonalityTest): never seasonal when m = 1 or n < 3m.
    """
    n = len(x)
    if season <= 1 or n < 3 * season:
        return False
    lower = sum(acf(x, k) ** 2 for k in range(1, season))
    return abs(acf(x, season)) > Z90 * math.sqrt((1.0 + 2.0 * lower) / n)


def seasonal_indices(x: np.ndarray, season: int) -> np.ndarray:
    """Classical multiplicative decomposition (R's decompose): the m seasonal indices, mean 1.

    Trend = centred moving average of order m (2 x m for even m); ratio = y / trend; index j =
    mean of the ratios at positions t = j mod m; indices divided by their mean.
    """
    x = np.asarray(x, dtype=np.float64)
    m = season
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    half = len(weights) // 2
    trend = np.convolve(x, weights, mode="valid")  # trend[i] is centred on x[i + half]
    ratio = x[half : half + len(trend)] / trend
    position = (np.arange(len(trend)) + half) % m
    index = np.array([ratio[position == j].mean() for j in range(m)])
    return index / index.mean()


def naive2(insample: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Naive2 (M4's reference): the naive forecast of the seasonally adjusted series, reseasonalised.

    When is_seasonal: f_{n+k} = (y_n / s_{n mod m}) s_{(n+k) mod m}, s = seasonal_indices
    (positions counted from the first in-sample point, 0-based); otherwise f_{n+k} = y_n.
    """
    x = np.asarray(insample, dtype=np.float64)
    n = len(x)
    if not is_seasonal(x, season):
        return np.full(horizon, x[-1])
    s = seasonal_indices(x, season)
    level = x[-1] / s[(n - 1) % season]
    return level * s[(n + np.arange(horizon)) % season]


def score_pair(
    actual: np.ndarray,
    forecast: np.ndarray,
    insample: np.ndarray,
    season: int,
    intervals: dict[float, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict:
    """Every figure for one (series, origin) pair; widths and interval scores divided by mase_scale.

    ``intervals`` maps a level (80, 95) to its (lo, hi) arrays. Keys: smape, mase, scale_lag and,
    per level, ``cov_<level>``, ``width_<level>`` = mean(u - l) / scale, ``winkler_<level>``.
    """
    scale = mase_scale(insample, season)
    row = {
        "smape": smape(actual, forecast),
        "mase": mase(actual, forecast, insample, season),
        "scale_lag": scale_lag(len(insample), season),
    }
    for level, (lo, hi) in (intervals or {}).items():
        key = f"{level:g}"
        width = float(np.mean(np.asarray(hi, dtype=np.float64) - np.asarray(lo)))
        score = interval_score(actual, lo, hi, level)
        row[f"cov_{key}"] = coverage(actual, lo, hi)
        row[f"width_{key}"] = width / scale if scale > 0 else float("nan")
        row[f"winkler_{key}"] = score / scale if scale > 0 else float("nan")
    return row


def summarize(rows: list[dict]) -> dict:
    """Means over pairs of every numeric key (NaNs left out), plus n_pairs, lag-1 scales and NaN counts."""
    out: dict = {"n_pairs": len(rows), "scale_lag1_pairs": sum(r["scale_lag"] == 1 for r in rows)}
    for key in rows[0] if rows else []:
        if key == "scale_lag":
            continue
        values = np.array([r[key] for r in rows], dtype=np.float64)
        finite = values[~np.isnan(values)]
        out[key] = float(finite.mean()) if len(finite) else float("nan")
        if len(finite) < len(values):
            out[f"{key}_nan_pairs"] = int(len(values) - len(finite))
    return out
