"""How precisely a backtest can measure interval coverage: per-fold coverage and a
fold-block bootstrap interval, for issue 10's target 1 (coverage within 3 points of
nominal on each sample data set).

Errors inside one fold are not independent (a year that falls below the forecast puts all
twelve of its months outside the band together), so the fold, not the forecast step, is
the unit of sampling. Each run backtests one data set with the CLI's defaults plus its
arguments, reads ``--predictions-out``, and reports per level: coverage over all folds,
the 5th and 95th percentiles of coverage over 10,000 resamples of whole folds with
replacement, and the folds a backtest would need for a 90% interval of +-3 points at the
spread seen between folds (1.645 * sd / 0.03, squared). Usage:

    python benchmarks/coverage_spread.py --out benchmarks/results/coverage_spread.json
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "air": "sample_data/airpassengers.csv",
    "air24": "sample_data/airpassengers.csv --folds 24 --origin-stride 1",
    "seattle": "sample_data/seattle_weather.csv --target temp_max",
    "seattle50": "sample_data/seattle_weather.csv --target temp_max --folds 50",
    "msft": "sample_data/msft_daily.csv --target Close",
    "msft50": "sample_data/msft_daily.csv --target Close --folds 50",
    "elec": "sample_data/taylor_halfhourly.csv",
    "elec10": "sample_data/taylor_halfhourly.csv --folds 10 --origin-stride 48",
    "accom": "sample_data/aus_accommodation.csv --id-col State --target Takings",
    "m1m": "../shared/datasets/m1_monthly.csv --id-col series --target value --folds 3",
}
LEVELS = (80, 95)
DRAWS = 10_000
TOLERANCE = 0.03


def fold_of(rows: pd.DataFrame) -> pd.Series:
    """Each row's fold, counted from the last (0) down: a panel's series count their own
    folds from their own ends (series that end at different times have different origins
    for the same fold, and a short series has only the last folds)."""
    if rows.columns[1] == "timestamp":  # origin, timestamp, ...: one series
        return -rows["origin"].rank(method="dense", ascending=False)
    return -rows.groupby(rows.columns[1])["origin"].rank(method="dense", ascending=False)


def row_weights(rows: pd.DataFrame) -> pd.Series:
    """One over the folds of each row's series, as the backtest's leaderboard weighs them
    (every series counts once); all 1 when every series has every fold."""
    if rows.columns[1] == "timestamp":
        return pd.Series(1.0, index=rows.index)
    folds = rows.groupby(rows.columns[1])["origin"].transform("nunique")
    return folds.max() / folds


def fold_coverage(rows: pd.DataFrame, level: int) -> np.ndarray:
    """Coverage of each fold (a panel's series pooled within it, weighted as the
    leaderboard weighs them), in fold order."""
    inside = (rows["actual"] >= rows[f"lo-{level}"]) & (rows["actual"] <= rows[f"hi-{level}"])
    w = row_weights(rows)
    folds = fold_of(rows)
    return ((inside * w).groupby(folds).sum() / w.groupby(folds).sum()).sort_index().to_numpy()


def spread(per_fold: np.ndarray, weights: np.ndarray, seed: int = 0) -> dict:
    """Coverage, its fold-bootstrap 90% interval and the folds needed for +-3 points."""
    rng = np.random.default_rng(seed)
    n = len(per_fold)
    picks = rng.integers(0, n, size=(DRAWS, n))
    draws = (per_fold[picks] * weights[picks]).sum(axis=1) / weights[picks].sum(axis=1)
    sd = float(np.std(per_fold, ddof=1)) if n > 1 else float("nan")
    return {
        "coverage": float(np.average(per_fold, weights=weights)),
        "p5": float(np.percentile(draws, 5)),
        "p95": float(np.percentile(draws, 95)),
        "folds": n,
        "sd_between_folds": sd,
        "folds_for_3_points": int(np.ceil((1.645 * sd / TOLERANCE) ** 2)) if n > 1 else None,
    }


def run(name: str, args: str, model: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.csv"
        cmd = [
            "forecast",
            "backtest",
            *shlex.split(args),
            "--models",
            model,
            "--predictions-out",
            str(out),
            "-q",
        ]
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        rows = pd.read_csv(out)
    rows = rows[rows["model"] == model]
    weights = row_weights(rows).groupby(fold_of(rows)).sum().sort_index().to_numpy()
    return {
        "run": name,
        "model": model,
        "command": " ".join(["forecast", "backtest", args, "--models", model]),
        **{str(lv): spread(fold_coverage(rows, lv), weights) for lv in LEVELS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default=",".join(RUNS), help="comma-separated names of RUNS")
    parser.add_argument("--models", default="lstm,seasonal-naive")
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    results = []
    for name in opts.runs.split(","):
        for model in opts.models.split(","):
            results.append(run(name, RUNS[name], model))
            row = results[-1]
            print(
                name,
                model,
                *(
                    f"{lv}: {row[str(lv)]['coverage']:.2f} [{row[str(lv)]['p5']:.2f}, {row[str(lv)]['p95']:.2f}]"
                    for lv in LEVELS
                ),
                file=sys.stderr,
            )
    opts.out.write_text(
        json.dumps(
            {"machine": platform.platform(), "python": sys.version.split()[0], "results": results}, indent=1
        )
    )


if __name__ == "__main__":
    main()
