"""Epoch caps on large panels (stop 20): training time and accuracy with an epoch capped at
``training.EPOCH_WINDOWS`` windows, against the code before the cap.

Writes two seeded synthetic daily panels, runs ``forecast backtest <panel> --models lstm
--folds 3`` with the ``PYTHONPATH`` given (a checkout before the cap, or after), and
prints each leaderboard row with the fit seconds:
- ``daily400``: 400 series x 730 days, weekly and yearly cycles, trends, noise, levels
  from 10 to 10,000 (passed ``--transform none``: one value hits 0, and the code before
  stop 20 failed on a zero in a validation tail under ``--transform auto``);
- ``m5_300``: 300 M5-like intermittent series x 700 days, 60-90% zeros, weekday profile.

Usage: PYTHONPATH=<checkout> python benchmarks/epoch_cap.py --label after --out /tmp/after.json
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

import numpy as np
import pandas as pd


def daily400(path: Path) -> None:
    rng = np.random.default_rng(7)
    series, n = 400, 730
    t = np.arange(n)
    parts = []
    for i in range(series):
        level = 10 ** rng.uniform(1, 4)
        y = level * (
            1
            + rng.uniform(-0.3, 0.5) * t / n
            + rng.uniform(0.05, 0.3) * np.sin(2 * np.pi * (t + rng.integers(7)) / 7)
            + rng.uniform(0, 0.3) * np.sin(2 * np.pi * (t + rng.integers(365)) / 365.25)
            + rng.uniform(0.02, 0.15) * rng.standard_normal(n)
        )
        ds = pd.date_range("2022-01-01", periods=n, freq="D")
        parts.append(pd.DataFrame({"unique_id": f"S{i}", "ds": ds, "y": np.round(np.maximum(y, 0.0), 3)}))
    pd.concat(parts).to_csv(path, index=False)


def m5_300(path: Path) -> None:
    rng = np.random.default_rng(12)
    series, n, kept = 3000, 700, 300  # drawn as 3,000 series; the first 300 are kept
    ds = pd.date_range(end="2016-05-22", periods=n, freq="D").strftime("%Y-%m-%d")
    p0 = rng.uniform(0.6, 0.9, series)[:, None]
    mu = rng.uniform(1, 6, series)[:, None]
    y = np.where(rng.random((series, n)) > p0, rng.poisson(np.broadcast_to(mu, (series, n))) + 1, 0)
    weekday = np.array([1, 1, 1, 1, 1.2, 1.5, 1.4])[pd.to_datetime(ds).day_of_week.values]
    y = np.round(y * weekday[None, :]).astype(int)[:kept]
    ids = np.repeat([f"I{i:05d}" for i in range(kept)], n)
    pd.DataFrame({"item_id": ids, "date": np.tile(ds, kept), "sales": y.ravel()}).to_csv(path, index=False)


PANELS = {"daily400": (daily400, ["--transform", "none"]), "m5_300": (m5_300, [])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="before or after (goes into the JSON)")
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (write, extra) in PANELS.items():
            path = Path(tmp) / f"{name}.csv"
            write(path)
            cmd = [
                "forecast",
                "backtest",
                str(path),
                "--models",
                "lstm",
                "--folds",
                "3",
                *extra,
                "-f",
                "json",
                "-q",
            ]
            t0 = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "forecast_cli", *cmd[1:]], capture_output=True, text=True, check=True
            )
            seconds = time.perf_counter() - t0
            board = json.loads(done.stdout)["leaderboard"]
            runs.append(
                {"panel": name, "command": " ".join(cmd), "wall_seconds": seconds, "leaderboard": board}
            )
            for row in board:
                print(
                    name,
                    opts.label,
                    f"{row['model']:15s} MASE {row['mase']:.4f} fit {row['fit_seconds']:.1f}s",
                )
    opts.out.write_text(
        json.dumps(
            {
                "label": opts.label,
                "pythonpath": os.environ.get("PYTHONPATH", ""),
                "machine": platform.platform(),
                "python": sys.version.split()[0],
                "runs": runs,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
