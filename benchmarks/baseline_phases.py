"""The baselines' bands on sub-daily data: a season of windows each, and each hour's share of
the errors (stop 42).

Runs ``forecast backtest`` with the baselines alone (``--models ''``) from two source
trees on half-hourly demand (Taylor, 10 folds, and 30 folds 13 rows apart), on a seeded
solar series (100 days hourly, zero every night, a daily cloud factor: the shape sweep D
found; a day ahead over 20 folds, and an hour ahead over the last 240 hours), and on daily and coarser sets whose bands must not move (M1 monthly with 3 folds,
airline over 24 origins, Seattle's daily highs). Records each baseline's coverage and
interval score, seasonal naive's 80% coverage by day (07-17 h) and its night width on the
solar series, and each command's wall time. Usage (one thread; the trees are a worktree of
the commit before and this one):

    git worktree add /tmp/before 9cde722~1
    OMP_NUM_THREADS=1 python benchmarks/baseline_phases.py --tree before=/tmp/before --tree after=. \\
        --out benchmarks/results/stop42_baseline_phases.json
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from baseline_bands import run, tree_options  # the same backtest of the baselines alone, from a tree


def runs(data_dir: Path, solar: Path) -> dict[str, list[str]]:
    taylor = str(data_dir / "taylor_halfhourly.csv")
    return {
        "taylor_10": [taylor, "--folds", "10"],
        "taylor_30x13": [taylor, "--folds", "30", "--origin-stride", "13"],
        "solar_20x7": [str(solar), "--folds", "20", "--origin-stride", "7"],
        "solar_h1_240": [str(solar), "--horizon", "1", "--folds", "240", "--origin-stride", "1"],
        "m1_monthly": [
            str(data_dir / "m1_monthly.csv"),
            "--id-col",
            "series",
            "--target",
            "value",
            "--folds",
            "3",
        ],
        "airline_24": [str(data_dir / "airpassengers.csv"), "--folds", "24", "--origin-stride", "1"],
        "seattle_10": [str(data_dir / "seattle_weather.csv"), "--target", "temp_max", "--folds", "10"],
    }


def write_solar(path: Path) -> None:
    """100 days hourly: a bell from 06 to 18 h scaled by a Beta(4, 1.5) daily cloud factor
    and 10% noise, exactly 0 at night (seed 0)."""
    rng = np.random.default_rng(0)
    days = 100
    stamps = pd.date_range("2023-04-01", periods=days * 24, freq="h")
    hour = stamps.hour.to_numpy()
    bell = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
    clouds = np.repeat(np.clip(rng.beta(4, 1.5, days), 0.05, 1), 24)
    noise = np.clip(1 + 0.1 * rng.standard_normal(len(stamps)), 0.5, 1.5)
    y = np.where(bell == 0, 0.0, 100 * bell * clouds * noise)
    pd.DataFrame({"ds": stamps, "y": np.round(y, 3)}).to_csv(path, index=False)


def day_and_night(predictions: Path) -> dict:
    """Seasonal naive's 80% coverage by day (07-17 h) and mean 80% width at night."""
    rows = pd.read_csv(predictions).query("model == 'seasonal-naive'")
    hour = pd.to_datetime(rows["timestamp"]).dt.hour
    day = hour.between(7, 17)
    inside = (rows["actual"] >= rows["lo-80"]) & (rows["actual"] <= rows["hi-80"])
    return {
        "day_cov_80": round(float(inside[day].mean()), 3),
        "night_width_80": round(float((rows["hi-80"] - rows["lo-80"])[~day].mean()), 3),
    }


def main() -> None:
    opts, trees, results = tree_options(__doc__)
    with tempfile.TemporaryDirectory() as scratch:
        solar = Path(scratch) / "solar.csv"
        write_solar(solar)
        for name, args in runs(Path(opts.data_dir).resolve(), solar).items():
            for label, path in trees.items():
                predictions = Path(scratch) / f"{name}.{label}.csv"
                more = [*args[1:], "--predictions-out", str(predictions)]
                rows, seconds = run(Path(path).resolve(), Path(args[0]), more)
                got = {"seconds": round(seconds, 2), "models": rows}
                if name.startswith("solar"):
                    got["seasonal_naive_by_hour"] = day_and_night(predictions)
                results["runs"].setdefault(name, {})[label] = got
                shown = {m: (round(r["cov_80"], 3), round(r["winkler_80"], 3)) for m, r in rows.items()}
                print(name, label, f"{seconds:.1f}s", shown, got.get("seasonal_naive_by_hour", ""))
    Path(opts.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
