"""Smoke test of the benchmark harness on the smallest data set, our system only (no peers needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_compare_runs_our_system_and_scores_it(tmp_path):
    out = tmp_path / "compare.json"
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/compare.py",
            "--datasets",
            "passengers",
            "--settings",
            "matched",
            "--systems",
            "forecast",
            "--reps",
            "1",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    runs = json.loads(out.read_text())["runs"]
    assert {(r["system"], r["model"]) for r in runs} == {("forecast", "lstm"), ("forecast", "gru")}
    assert all(0 < r["mase"] < 5 and r["wall_seconds"] > 0 and r["peak_rss_mb"] > 0 for r in runs)
