"""Compare our LSTM/GRU backtest with Darts, neuralforecast and statsforecast on identical folds.

Each (system, model, data set, setting, repetition) runs in a fresh process, so its peak
memory is its own; systems are interleaved within each repetition (A B A B) and the
report shows medians. Accuracy is scored here, once, with forecast_cli.metrics on the
same actuals for every system: MASE scales each fold by the in-sample seasonal-naive MAE
of the rows before its origin.

Settings:
- matched: lookback, hidden 64, 2 layers, batch 32, 10 epochs (the same number of
  training windows seen) in every neural system: compares engineering;
- defaults: each tool as a new user runs it (ours: `forecast backtest` defaults).

Usage (in a venv with `pip install -e .[bench]`):
    python benchmarks/compare.py --systems forecast --reps 3 --out benchmarks/results/compare_forecast.json
    python benchmarks/compare.py --datasets passengers --reps 1 --settings matched   # smoke test
Then: python benchmarks/report.py to write benchmarks/RESULTS.md. It reads only the files
named in its COMPARE_FILES (the peers' runs, then ours), so a run written elsewhere is an
experiment that a NOTES.md section quotes by name.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

ENTRIES = [
    ("forecast", "lstm"),
    ("darts", "lstm"),
    ("neuralforecast", "lstm"),
    ("forecast", "gru"),
    ("darts", "gru"),
    ("neuralforecast", "gru"),
]
FLOOR = [("statsforecast", "seasonal-naive"), ("statsforecast", "autoets")]


def child(system: str, dataset: str, setting: str, kind: str) -> None:
    """Run one system in this process and print its result as one JSON line."""
    sys.path.insert(0, str(HERE))
    import torch

    torch.set_num_threads(2)
    from systems import RUNNERS, load

    from forecast_cli import metrics

    start = time.perf_counter()
    out = RUNNERS[system](dataset, setting, kind)
    wall = time.perf_counter() - start
    spec, _, y, first_origin = load(dataset)
    origins = first_origin + spec.horizon * np.arange(spec.folds)
    actual = y[origins[:, None] + np.arange(spec.horizon)[None, :]]
    fc = np.asarray(out.pop("forecasts"), dtype=np.float64)
    mase = np.mean(
        [metrics.mase(a, f, y[:o], spec.season) for a, f, o in zip(actual, fc, origins, strict=True)]
    )
    smape = np.mean([metrics.smape(a, f) for a, f in zip(actual, fc, strict=True)])
    print(
        json.dumps(
            {
                "system": system,
                "model": kind,
                "dataset": dataset,
                "setting": setting,
                "mase": float(mase),
                "smape": float(smape),
                "wall_seconds": wall,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                **out,
            }
        )
    )


def versions() -> dict:
    import importlib.metadata as md

    found = {}
    for name in ("forecast-cli", "torch", "darts", "neuralforecast", "statsforecast", "pandas", "numpy"):
        try:
            found[name] = md.version(name)
        except md.PackageNotFoundError:
            found[name] = None
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", default="electricity,passengers,msft,weather")
    parser.add_argument("--settings", default="defaults,matched")
    parser.add_argument("--systems", default="forecast,darts,neuralforecast,statsforecast")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "compare_forecast.json"))
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    systems = set(args.systems.split(","))
    runs = []
    for rep in range(args.reps):
        for dataset in args.datasets.split(","):
            for setting in args.settings.split(","):
                entries = [e for e in ENTRIES if e[0] in systems]
                if rep % 2:
                    entries = entries[::-1]  # A B, then B A: no system always runs first
                if rep == 0 and setting == args.settings.split(",")[0]:
                    entries += [e for e in FLOOR if e[0] in systems]
                for system, kind in entries:
                    cmd = [
                        sys.executable,
                        str(HERE / "compare.py"),
                        "--child",
                        system,
                        dataset,
                        setting,
                        kind,
                    ]
                    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
                    if done.returncode != 0:
                        print(
                            f"FAILED {system} {kind} {dataset} {setting}: {done.stderr[-2000:]}",
                            file=sys.stderr,
                        )
                        continue
                    row = json.loads(done.stdout.strip().splitlines()[-1])
                    row["rep"] = rep
                    runs.append(row)
                    print(
                        f"{rep} {dataset:11s} {setting:8s} {system:14s} {kind:14s} mase {row['mase']:.3f} "
                        f"wall {row['wall_seconds']:.1f}s rss {row['peak_rss_mb']:.0f}MB",
                        file=sys.stderr,
                        flush=True,
                    )
                    Path(args.out).write_text(
                        json.dumps({"machine": machine(), "versions": versions(), "runs": runs}, indent=1)
                    )
    Path(args.out).write_text(
        json.dumps({"machine": machine(), "versions": versions(), "runs": runs}, indent=1)
    )


def machine() -> dict:
    import os

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


if __name__ == "__main__":
    main()
