"""The networks' bands by time of day on sub-daily data (issue 10, stop 43): Mondrian
calibration, one conformal table per phase of the day (``forecast_cli/phase_bands.py``).

Runs ``forecast backtest --models lstm`` from two source trees (one thread each run) on
seeded sub-daily sets that the sample data lacks, and on the half-hourly sample:

- ``solar5``: five solar sites, 100 days hourly, zero every night (network_phases.py's);
- ``solar1``: one such site (its validation is too short for tables by phase: unchanged);
- ``solar5_dst``: five sites on sun time stamped in Europe/Berlin, whose clocks go back
  on 29 October (the sun's hour moves against the clock's);
- ``drift4``: four sites whose day length drifts from 9 to 15 hours, the last month
  forecast from one fit (what ``--refit auto`` chooses);
- ``loads20``: twenty hourly household loads, morning and evening peaks, noise by hour;
- ``taylor``: half-hourly demand (one series: unchanged).

Records the leaderboard's rows, the LSTM's 80% coverage by hour of the day (lowest,
median, highest) and, on the solar sets, its 80% coverage by day and its width at night.
Usage:

    git worktree add /tmp/before <commit before>
    OMP_NUM_THREADS=1 python benchmarks/phase_bands.py --tree before=/tmp/before --tree after=. \\
        --out benchmarks/results/stop43_phase_bands.json
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from baseline_bands import run, tree_options  # the same backtest, from a tree
from network_phases import write_solar


def write_drift(path: Path, sites: int = 4, days: int = 100) -> None:
    """Solar sites whose day length drifts from 9 to 15 hours over the span, centred at
    noon; a daily cloud factor, 10% noise; site k scaled by 50 + 20k (seed 1)."""
    rng = np.random.default_rng(1)
    parts = []
    for k in range(sites):
        stamps = pd.date_range("2023-02-01", periods=days * 24, freq="h")
        length = 9 + 6 * np.arange(len(stamps)) / len(stamps)  # hours of daylight
        x = (stamps.hour.to_numpy() + 0.5 - (12 - length / 2)) / length
        bell = np.where((x > 0) & (x < 1), np.sin(np.pi * np.clip(x, 0, 1)), 0.0)
        clouds = np.repeat(np.clip(rng.beta(4, 1.5, days), 0.05, 1), 24)
        noise = np.clip(1 + 0.1 * rng.standard_normal(len(stamps)), 0.5, 1.5)
        y = np.where(bell <= 0, 0.0, (50 + 20 * k) * bell * clouds * noise)
        parts.append(pd.DataFrame({"site": f"d{k}", "ds": stamps, "y": np.round(y, 3)}))
    pd.concat(parts).to_csv(path, index=False)


def write_loads(path: Path, n: int = 20, days: int = 70) -> None:
    """``n`` hourly household loads: morning and evening peaks (weekends later, with a
    midday bump), noise quiet at night and large at the evening peak, a day-to-day level,
    1% spikes (seed 2)."""
    rng = np.random.default_rng(2)
    stamps = pd.date_range("2023-01-02", periods=days * 24, freq="h")
    hour, weekend = stamps.hour.to_numpy(), stamps.day_of_week.to_numpy() >= 5
    parts = []
    for k in range(n):
        base = rng.uniform(0.3, 1.0) * (1 + k % 4)
        morning = np.exp(-0.5 * ((hour - np.where(weekend, 9.5, 7.5)) / 1.2) ** 2)
        evening = np.exp(-0.5 * ((hour - 19) / 1.8) ** 2)
        midday = np.where(weekend, 0.6 * np.exp(-0.5 * ((hour - 13) / 2.5) ** 2), 0.0)
        shape = 0.3 + rng.uniform(0.6, 1.2) * morning + rng.uniform(1.0, 2.0) * evening + midday
        sd = 0.03 + 0.35 * evening + 0.2 * morning + 0.15 * midday
        level = 1 + 0.1 * np.repeat(rng.standard_normal(days), 24)
        y = base * (shape * level + sd * rng.standard_normal(len(stamps)))
        spikes = rng.random(len(stamps)) < 0.01
        y = np.maximum(y + spikes * base * rng.exponential(1.5, len(stamps)), 0.02 * base)
        parts.append(pd.DataFrame({"unit": f"h{k:02d}", "ds": stamps, "y": np.round(y, 4)}))
    pd.concat(parts).to_csv(path, index=False)


def write_dst(path: Path) -> None:
    """Five solar sites on sun time (noon at 12:00 UTC+1), 100 days from 2 August 2023,
    stamped in Europe/Berlin with their offsets (seed 0)."""
    rng = np.random.default_rng(0)
    parts = []
    for k in range(5):
        utc = pd.date_range("2023-08-02", periods=100 * 24, freq="h", tz="UTC")
        bell = np.clip(np.sin(np.pi * (utc.hour.to_numpy() + 1 - 6) / 12), 0, None)
        clouds = np.repeat(np.clip(rng.beta(4, 1.5, 100), 0.05, 1), 24)
        noise = np.clip(1 + 0.1 * rng.standard_normal(len(utc)), 0.5, 1.5)
        y = np.where(bell == 0, 0.0, (50 + 20 * k) * bell * clouds * noise)
        stamps = [t.isoformat() for t in utc.tz_convert("Europe/Berlin")]
        parts.append(pd.DataFrame({"site": f"s{k}", "ds": stamps, "y": np.round(y, 3)}))
    pd.concat(parts).to_csv(path, index=False)


def by_hour(predictions: Path, solar: bool) -> dict:
    """The LSTM's 80% coverage by hour of the day (lowest, median, highest); on solar data
    also by day (07-17 h) and its mean 80% width at night (20-05 h)."""
    rows = pd.read_csv(predictions).query("model == 'lstm'")
    hour = pd.Series([int(t[11:13]) for t in rows["timestamp"]], index=rows.index)  # the local clock's
    inside = (rows["actual"] >= rows["lo-80"]) & (rows["actual"] <= rows["hi-80"])
    hourly = inside.groupby(hour).mean()
    out = {
        "hour_cov_80_min": round(float(hourly.min()), 3),
        "hour_cov_80_median": round(float(hourly.median()), 3),
        "hour_cov_80_max": round(float(hourly.max()), 3),
    }
    if solar:
        day, night = hour.between(7, 17), ~hour.between(6, 19)
        out["day_cov_80"] = round(float(inside[day].mean()), 3)
        out["night_width_80"] = round(float((rows["hi-80"] - rows["lo-80"])[night].mean()), 3)
    return out


def main() -> None:
    opts, trees, results = tree_options(__doc__)
    with tempfile.TemporaryDirectory() as scratch:
        here = Path(scratch)
        write_solar(here / "solar5.csv", 5)
        write_solar(here / "solar1.csv", 1)
        write_dst(here / "solar5_dst.csv")
        write_drift(here / "drift4.csv")
        write_loads(here / "loads20.csv")
        sites = ["--id-col", "site"]
        runs = {
            "solar5": [here / "solar5.csv", *sites, "--folds", "24", "--origin-stride", "11"],
            "solar1": [here / "solar1.csv", "--folds", "6", "--origin-stride", "11"],
            "solar5_dst": [here / "solar5_dst.csv", *sites, "--folds", "24", "--origin-stride", "11"],
            "drift4": [here / "drift4.csv", *sites, "--folds", "10", "--origin-stride", "71"],
            "loads20": [here / "loads20.csv", "--id-col", "unit", "--folds", "10", "--origin-stride", "37"],
            "taylor": [
                Path(opts.data_dir).resolve() / "taylor_halfhourly.csv",
                "--folds",
                "10",
                "--origin-stride",
                "48",
            ],
        }
        for name, (data, *args) in runs.items():
            for label, path in trees.items():
                predictions = here / f"{name}.{label}.csv"
                more = [str(a) for a in args] + ["--predictions-out", str(predictions)]
                rows, seconds = run(Path(path).resolve(), Path(data), more, "lstm")
                got = {
                    "seconds": round(seconds, 2),
                    "models": rows,
                    "lstm_by_hour": by_hour(predictions, "solar" in name or "drift" in name),
                }
                results["runs"].setdefault(name, {})[label] = got
                lstm = rows["lstm"]
                print(
                    name,
                    label,
                    f"{seconds:.1f}s",
                    {k: round(lstm[k], 3) for k in ("cov_80", "cov_95", "winkler_80", "winkler_95")},
                    got["lstm_by_hour"],
                    flush=True,
                )
    Path(opts.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
