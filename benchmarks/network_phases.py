"""The networks' bands on sub-daily data with each hour's share of the validation errors
(stop 42, measured and not kept: benchmarks/NOTES.md).

Runs ``forecast backtest --models lstm`` from two source trees on a seeded panel of five
solar sites (100 days hourly each, zero every night, a daily cloud factor; the sites
differ in size), whose pooled validation windows hold 75 days of targets; on one such site
alone (15 days, just over the 14 a network reads shares from); and on half-hourly demand
(Taylor, 13 days: too few, its bands must not move). Records every model's coverage and
interval score, the LSTM's 80% coverage by day (07-17 h) and its width at night (20-05 h)
on the solar runs, and each command's wall time. Usage (one thread):

    git worktree add /tmp/before 9ed37e7
    git worktree add /tmp/after 609bc0e
    OMP_NUM_THREADS=1 python benchmarks/network_phases.py --tree before=/tmp/before --tree after=/tmp/after \\
        --out benchmarks/results/stop42_network_phases.json
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from baseline_bands import run, tree_options  # the same backtest, from a tree


def write_solar(path: Path, sites: int) -> None:
    """``sites`` solar series of 100 days hourly (seed 0), site k scaled by 50 + 20k."""
    rng = np.random.default_rng(0)
    parts = []
    for k in range(sites):
        stamps = pd.date_range("2023-04-01", periods=100 * 24, freq="h")
        hour = stamps.hour.to_numpy()
        bell = np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None)
        clouds = np.repeat(np.clip(rng.beta(4, 1.5, 100), 0.05, 1), 24)
        noise = np.clip(1 + 0.1 * rng.standard_normal(len(stamps)), 0.5, 1.5)
        y = np.where(bell == 0, 0.0, (50 + 20 * k) * bell * clouds * noise)
        parts.append(pd.DataFrame({"site": f"s{k}", "ds": stamps, "y": np.round(y, 3)}))
    frame = pd.concat(parts)
    (frame if sites > 1 else frame.drop(columns="site")).to_csv(path, index=False)


def by_hour(predictions: Path) -> dict:
    """The LSTM's 80% coverage by day (07-17 h) and mean 80% width at night (20-05 h)."""
    rows = pd.read_csv(predictions).query("model == 'lstm'")
    hour = pd.to_datetime(rows["timestamp"]).dt.hour
    day, night = hour.between(7, 17), ~hour.between(6, 19)
    inside = (rows["actual"] >= rows["lo-80"]) & (rows["actual"] <= rows["hi-80"])
    return {
        "day_cov_80": round(float(inside[day].mean()), 3),
        "night_width_80": round(float((rows["hi-80"] - rows["lo-80"])[night].mean()), 3),
    }


def main() -> None:
    opts, trees, results = tree_options(__doc__)
    with tempfile.TemporaryDirectory() as scratch:
        panel, one = Path(scratch) / "solar_sites.csv", Path(scratch) / "solar.csv"
        write_solar(panel, 5)
        write_solar(one, 1)
        runs = {
            "solar_sites": [str(panel), "--id-col", "site", "--folds", "6", "--origin-stride", "11"],
            "solar_one": [str(one), "--folds", "6", "--origin-stride", "11"],
            "taylor_10": [str(Path(opts.data_dir).resolve() / "taylor_halfhourly.csv"), "--folds", "10"],
        }
        for name, args in runs.items():
            for label, path in trees.items():
                predictions = Path(scratch) / f"{name}.{label}.csv"
                more = [*args[1:], "--predictions-out", str(predictions)]
                rows, seconds = run(Path(path).resolve(), Path(args[0]), more, "lstm")
                got = {"seconds": round(seconds, 2), "models": rows}
                if name.startswith("solar"):
                    got["lstm_by_hour"] = by_hour(predictions)
                results["runs"].setdefault(name, {})[label] = got
                shown = {m: (round(r["cov_80"], 3), round(r["winkler_80"], 3)) for m, r in rows.items()}
                print(name, label, f"{seconds:.1f}s", shown, got.get("lstm_by_hour", ""), flush=True)
    Path(opts.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
