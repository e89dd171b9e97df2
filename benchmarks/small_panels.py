"""Small panels: the default batch (16 steps an epoch) against the old fixed 128.

A panel of a few hundred training windows made 1-4 gradient steps an epoch at a batch of
128, and the accommodation panel's best epoch was its 60th of 60: it stopped training
while still learning. ``plan._batch_size`` now gives such a panel the batch that makes 16
steps an epoch. This backtests 14 small panels with the CLI's defaults, once as they are
and once with ``--batch-size 128``, at seeds 0 and 1, and records the LSTM's MASE and
interval scores from the leaderboard:

- the accommodation panel, targets Takings and Occupancy (8 states, 74 quarters);
- six sets of 20 M1 quarterly series and six sets of 10 M1 monthly series, taken at even
  steps through each file's series (panels no default was chosen on).

Usage (our package installed, from the repository root):

    python benchmarks/small_panels.py --out benchmarks/results/small_panels.json
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

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("FORECAST_DATASETS", "/work/shared/datasets"))
SETS = 6  # subsets of each M1 file
SIZE = {"m1_quarterly": 20, "m1_monthly": 10}  # series per subset
KEYS = ("mase", "cov_80", "winkler_80", "cov_95", "winkler_95")


def subsets(folder: Path) -> dict[str, str]:
    """Name -> CLI data arguments of every panel run, the M1 subsets written to ``folder``."""
    runs = {
        f"accommodation {t}": f"sample_data/aus_accommodation.csv --id-col State --target {t}"
        for t in ("Takings", "Occupancy")
    }
    for name, size in SIZE.items():
        frame = pd.read_csv(DATASETS / f"{name}.csv")
        ids = list(dict.fromkeys(frame["series"]))
        step = len(ids) // SETS
        for k in range(SETS):
            path = folder / f"{name}_{k}.csv"
            frame[frame["series"].isin(ids[k * step : k * step + size])].to_csv(path, index=False)
            runs[f"{name} set {k}"] = f"{path} --id-col series --target value"
    return runs


def backtest(data: str, extra: list[str]) -> dict:
    cmd = [sys.executable, "-m", "forecast_cli", "backtest", *shlex.split(data), "--models", "lstm"]
    done = subprocess.run(
        [*cmd, *extra, "-q", "-f", "json"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    report = json.loads(done.stdout)
    row = next(r for r in report["leaderboard"] if r["model"] == "lstm")
    plan = report["config"]["plans"]["lstm"]["plan"]
    return {k: row[k] for k in KEYS} | {"batch_size": plan["batch_size"], "fit_seconds": row["fit_seconds"]}


def ratio_summary(pairs: list[tuple[float, float]]) -> dict:
    """Of (new, old) scores, lower better: the geometric mean of new / old, and how many
    runs moved by more than 1% either way."""
    logs = [math.log(new / old) for new, old in pairs]
    return {
        "geometric_mean_ratio": math.exp(sum(logs) / len(logs)),
        "better_by_1pct": sum(v < math.log(0.99) for v in logs),
        "worse_by_1pct": sum(v > math.log(1.01) for v in logs),
        "runs": len(logs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seeds", default="0,1")
    opts = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in subsets(Path(tmp)).items():
            for seed in opts.seeds.split(","):
                now = backtest(data, ["--seed", seed])
                before = backtest(data, ["--seed", seed, "--batch-size", "128"])
                rows.append({"panel": name, "seed": int(seed), "default": now, "batch_128": before})
                print(
                    f"{name:24s} seed {seed}: batch {now['batch_size']:3d} MASE {now['mase']:.3f}"
                    f" (128: {before['mase']:.3f}) Winkler 80 {now['winkler_80']:.2f} ({before['winkler_80']:.2f})",
                    file=sys.stderr,
                )
    summary = {
        key: ratio_summary([(r["default"][key], r["batch_128"][key]) for r in rows])
        for key in ("mase", "winkler_80", "winkler_95")
    }
    print(json.dumps(summary, indent=1), file=sys.stderr)
    opts.out.write_text(
        json.dumps(
            {
                "benchmark": "small_panels",
                "command": "python benchmarks/small_panels.py " + shlex.join(sys.argv[1:]),
                "threads": os.environ.get("OMP_NUM_THREADS"),
                "summary": summary,
                "runs": rows,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
