"""How many torch threads one fit should use: 1 vs 2 threads, alone and beside a busy process.

Trains the default LSTM for 8 epochs (no early stopping) on taylor_halfhourly.csv, each
run in a fresh process, and reports the median wall time per setting; checks that the
models are identical whatever the thread count. The busy neighbour is a process spinning
on one core. Raw JSON goes to benchmarks/results/threads.json.

Usage: python benchmarks/threads.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = """
import sys, time, torch
from forecast_cli.config import DataConfig, ForecastConfig
from forecast_cli.forecaster import Forecaster
from forecast_cli.io import read_csv
from forecast_cli.panel import prepare_panel
torch.set_num_threads(int(sys.argv[1]))
panel = prepare_panel(read_csv(sys.argv[2]), DataConfig())
cfg = ForecastConfig()
cfg.train.epochs, cfg.train.patience = 8, 100
t0 = time.perf_counter()
fitted = Forecaster(cfg).fit(panel)
print(time.perf_counter() - t0, repr(float(fitted.predict().iloc[:, 0].sum())))
"""
SPIN = "while True: pass"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = str(ROOT / "sample_data" / "taylor_halfhourly.csv")
    results: dict[str, dict] = {}
    for busy in (False, True):
        spinner = subprocess.Popen([sys.executable, "-c", SPIN]) if busy else None
        try:
            for threads in (1, 2):
                times, sums = [], set()
                for _ in range(args.repeats):
                    out = subprocess.run(
                        [sys.executable, "-c", RUN, str(threads), data],
                        capture_output=True,
                        text=True,
                        check=True,
                        cwd=ROOT,
                    ).stdout.split()
                    times.append(float(out[0]))
                    sums.add(out[1])
                key = f"{threads} thread(s), {'beside a busy process' if busy else 'alone'}"
                results[key] = {
                    "seconds": times,
                    "median": statistics.median(times),
                    "forecast_sums": sorted(sums),
                }
                print(f"{key}: median {statistics.median(times):.2f}s of {[round(t, 2) for t in times]}")
        finally:
            if spinner is not None:
                spinner.kill()
                spinner.wait()
    identical = len({s for r in results.values() for s in r["forecast_sums"]}) == 1
    print(f"identical forecasts across thread counts: {identical}")
    out = ROOT / "benchmarks" / "results" / "threads.json"
    out.write_text(json.dumps({"results": results, "identical_models": identical}, indent=1) + "\n")


if __name__ == "__main__":
    main()
