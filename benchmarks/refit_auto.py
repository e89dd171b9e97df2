"""`forecast backtest` on the M1 panels with `--refit never` and `--refit auto` (the default).

Why it exists: a default backtest of a short panel trained one network before the first of
five origins, when most series had few or no rows, and scored that network; `auto` refits
at every origin when the first fit would see under half the windows of the last. This
records both leaderboards, the refit `auto` chose and its reason, and the wall time, through
the CLI exactly as a user runs it (stdout JSON, its own choice of threads).

    python benchmarks/refit_auto.py --out benchmarks/results/refit_auto_m1.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
SETS = {"m1_monthly": 18, "m1_quarterly": 8}  # the official horizons
KEEP = ("smape", "mase", "mase_median", "beats_snaive", "cov_80", "winkler_80", "cov_95", "winkler_95")


def run(path: Path, horizon: int, refit: str) -> dict:
    command = [sys.executable, "-m", "forecast_cli", "backtest", str(path), "-H", str(horizon)]
    command += ["--refit", refit, "-f", "json", "--quiet"]
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t0
    result = json.loads(done.stdout)
    return {
        "command": " ".join(["forecast", *command[3:]]),
        "seconds": round(seconds, 2),
        "refit": result["config"]["refit"],
        "refit_why": result["config"].get("refit_why", ""),
        "folds": result["config"]["folds"],
        "leaderboard": {
            row["model"]: {k: row[k] for k in KEEP if row.get(k) is not None} for row in result["leaderboard"]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, horizon in SETS.items():
            path = Path(folder) / f"{name}.csv"
            pd.read_csv(DATA / f"{name}.csv").to_csv(path, index=False)
            runs[name] = {refit: run(path, horizon, refit) for refit in ("never", "auto")}
    record = {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load": os.getloadavg()},
        "versions": {"python": platform.python_version(), "pandas": pd.__version__},
        "runs": runs,
    }
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    for name, pair in runs.items():
        for refit, r in pair.items():
            lstm = r["leaderboard"]["lstm"]
            print(
                f"{name} {refit:5} -> {r['refit']:6} lstm sMAPE {lstm['smape']:.2f} MASE {lstm['mase']:.3f} "
                f"cov80 {lstm['cov_80']:.3f} {r['seconds']:.1f}s",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
