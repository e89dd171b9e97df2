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


def test_results_md_is_what_report_py_writes(tmp_path):
    """RESULTS.md is generated: a section written into it by hand, not into NOTES.md, is lost
    the next time report.py runs (twelve round-2 sections were, until stop 16), and a
    comparison table that no raw file gives cannot be traced. Regenerating must give the
    committed file byte for byte."""
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "benchmarks/report.py", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text() == (ROOT / "benchmarks" / "RESULTS.md").read_text(), (
        "benchmarks/RESULTS.md differs from what report.py writes: edit NOTES.md, then run report.py"
    )
