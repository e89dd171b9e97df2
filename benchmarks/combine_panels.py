"""``--combine auto`` against ``none`` and ``damped`` on panels unlike the sample sets.

Stop 33's equal average with a damped trend was measured on monthly and quarterly panels
only. This runs the CLI's backtest on those and on five panels of other shapes, built here
from the shared data sets or drawn with a fixed seed, and records each option's leaderboard
row for the LSTM and, for ``auto``, at how many fits validation averaged the smoother in:

- ``taylor3``: the half-hourly England and Wales demand at three scales (1, 0.5, 2);
- ``seattle``: Seattle's daily max and min temperature, precipitation and wind as a wide
  panel (negative values, a target that is zero most days);
- ``sales``: 20 daily Poisson count series, weekend-lifted, of different starts;
- ``weekly``: 12 weekly random walks on a yearly sine, 60-300 weeks each;
- ``hourly``: 5 hourly series with a daily sine, one of them constant.

Usage (about 8 minutes on the 2-core machine):
    OMP_NUM_THREADS=1 python benchmarks/combine_panels.py --out benchmarks/results/combine_panels.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coverage_peers import run_record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FORECAST_DATASETS", ROOT.parent / "shared" / "datasets"))
OPTIONS = ("auto", "none", "damped")


def build(folder: Path) -> dict[str, str]:
    """Writes the derived panels into ``folder``; each run's backtest arguments by name."""
    rng = np.random.default_rng(0)
    taylor = pd.read_csv(SHARED / "taylor_halfhourly.csv")
    parts = [
        taylor.assign(demand_mw=taylor["demand_mw"] * k).assign(id=f"r{i}") for i, k in enumerate((1, 0.5, 2))
    ]
    pd.concat(parts)[["id", "timestamp", "demand_mw"]].to_csv(folder / "taylor3.csv", index=False)
    days = pd.date_range("2020-01-01", periods=400, freq="D")
    rows = []
    for i in range(20):
        start, rate = rng.integers(0, 200), rng.uniform(0.2, 5)
        counts = rng.poisson(rate * (1 + 0.5 * (days.day_of_week >= 5)), size=len(days))
        rows += [(f"sku{i}", d.date(), v) for d, v in zip(days[start:], counts[start:], strict=True)]
    pd.DataFrame(rows, columns=["sku", "date", "sales"]).to_csv(folder / "sales.csv", index=False)
    weeks = pd.date_range("2015-01-04", periods=300, freq="W-SUN")
    rows = []
    for i in range(12):
        t = np.arange(len(weeks))
        y = (
            np.cumsum(rng.normal(0, 1, len(t)))
            + 10 * np.sin(2 * np.pi * t / 52.18)
            + rng.normal(0, 1, len(t))
        )
        n = rng.integers(60, 300)
        rows += [(f"s{i}", w.date(), round(v, 3)) for w, v in zip(weeks[-n:], y[-n:], strict=True)]
    pd.DataFrame(rows, columns=["id", "week", "value"]).to_csv(folder / "weekly.csv", index=False)
    hours = pd.date_range("2023-03-01", periods=24 * 60, freq="h")
    rows = []
    for i in range(5):
        t = np.arange(len(hours))
        y = 100 + 20 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 3, len(t)) + 50 * i
        y = np.full(len(t), 7.0) if i == 3 else y
        rows += [(f"m{i}", h, round(v, 2)) for h, v in zip(hours, y, strict=True)]
    pd.DataFrame(rows, columns=["meter", "time", "kw"]).to_csv(folder / "hourly.csv", index=False)
    weather = SHARED / "seattle_weather.csv"
    accom = ROOT / "sample_data" / "aus_accommodation.csv"
    return {
        "taylor3": f"{folder / 'taylor3.csv'} --id-col id --horizon 48 --folds 7",
        "seattle": f"{weather} --target temp_max,temp_min,precipitation,wind --horizon 7 --folds 3",
        "sales": f"{folder / 'sales.csv'} --id-col sku --horizon 14 --folds 3",
        "weekly": f"{folder / 'weekly.csv'} --horizon 13 --folds 3",
        "hourly": f"{folder / 'hourly.csv'} --horizon 24 --folds 3",
        "accom_takings": f"{accom} --id-col State --target Takings",
        "accom_occupancy": f"{accom} --id-col State --target Occupancy",
        "m1_monthly_rolling": f"{SHARED / 'm1_monthly.csv'} --id-col series --target value --folds 3",
        "m1_quarterly_rolling": f"{SHARED / 'm1_quarterly.csv'} --id-col series --target value --folds 3",
    }


KEYS = ("mase", "cov_80", "winkler_80", "cov_95", "winkler_95")


def backtest(args: str, combine: str, keys: tuple[str, ...] = KEYS) -> dict:
    """The LSTM's leaderboard ``keys`` and its fits' damped-trend weights (also
    ``single_combine.py``'s runner)."""
    cmd = [sys.executable, "-m", "forecast_cli", "backtest", *shlex.split(args)]
    cmd += ["--models", "lstm", "--combine", combine, "-f", "json", "-q", "--no-timings"]
    out = json.loads(subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    row = next(r for r in out["leaderboard"] if r["model"] == "lstm")
    return {**{k: row[k] for k in keys}, "damped_weight": out["config"]["plans"]["lstm"]["damped_weight"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    cli = parser.parse_args()
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in build(Path(tmp)).items():
            runs[name] = {c: backtest(args, c) for c in OPTIONS}
            r = runs[name]
            print(
                f"{name:22s} MASE auto {r['auto']['mase']:.3f} none {r['none']['mase']:.3f} "
                f"damped {r['damped']['mase']:.3f}  auto's fits {r['auto']['damped_weight']}",
                flush=True,
            )
    ratios = {
        f"{a}/{b}": math.exp(np.mean([math.log(r[a]["mase"] / r[b]["mase"]) for r in runs.values()]))
        for a, b in (("auto", "damped"), ("auto", "none"), ("damped", "none"))
    }
    print("geometric mean MASE ratios: " + ", ".join(f"{k} {v:.3f}" for k, v in ratios.items()))
    record = {
        **run_record("combine_panels"),
        "runs": runs,
        "geometric_mean_mase_ratios": ratios,
    }
    cli.out.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
