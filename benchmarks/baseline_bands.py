"""The baselines' bands pooled by date against pooled by fold index (stop 41).

Runs ``forecast backtest`` with the baselines alone (``--models ''``) on the panels whose
series end on different dates (M1 monthly and quarterly, three rolling folds, as issue
10's target 1 names them) from two source trees, and records each baseline's coverage and
interval score and the command's wall time. Usage (one thread; the trees are a worktree
of the commit before and this one):

    git worktree add /tmp/before a1229ee~1
    OMP_NUM_THREADS=1 python benchmarks/baseline_bands.py --tree before=/tmp/before --tree after=. \\
        --out benchmarks/results/stop41_baseline_bands.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

RUNS = {
    "m1_monthly": ["--id-col", "series", "--target", "value", "--folds", "3"],
    "m1_quarterly": ["--id-col", "series", "--target", "value", "--folds", "3"],
}
KEYS = ("mase", "cov_80", "width_80", "winkler_80", "cov_95", "width_95", "winkler_95")


def run(tree: Path, data: Path, args: list[str], models: str = "") -> tuple[dict, float]:
    """(leaderboard rows by model, seconds) of one backtest from ``tree``'s sources, of the
    baselines and ``models`` (none: the baselines alone)."""
    out, seconds = backtest_json(tree, data, [*args, "--models", models])
    rows = {r["model"]: {k: r[k] for k in KEYS} for r in out["leaderboard"]}
    return rows, seconds


def backtest_json(tree: Path, data: Path, args: list[str]) -> tuple[dict, float]:
    """(the JSON ``forecast backtest DATA ARGS -f json`` writes, seconds), run from
    ``tree``'s sources (its own folder first on the path: python -m reads the cwd first)."""
    command = [
        sys.executable,
        "-m",
        "forecast_cli",
        "backtest",
        str(data),
        *args,
        "-f",
        "json",
        "-q",
        "--no-timings",
    ]
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout), time.perf_counter() - start


def tree_options(doc: str) -> tuple[argparse.Namespace, dict[str, str], dict]:
    """(options, trees by name, the results record) of a benchmark run from source trees:
    ``--tree NAME=PATH`` (repeated), ``--data-dir``, ``--out``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, help="NAME=PATH of a source tree")
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--out", required=True)
    opts = parser.parse_args()
    trees = dict(t.split("=", 1) for t in opts.tree)
    return opts, trees, {"python": platform.python_version(), "machine": platform.machine(), "runs": {}}


def main() -> None:
    opts, trees, results = tree_options(__doc__)
    for name, args in RUNS.items():
        data = Path(opts.data_dir).resolve() / f"{name}.csv"
        for label, path in trees.items():
            rows, seconds = run(Path(path).resolve(), data, args)
            results["runs"].setdefault(name, {})[label] = {"seconds": round(seconds, 2), "models": rows}
            print(
                name,
                label,
                f"{seconds:.1f}s",
                {m: (round(r["cov_80"], 3), round(r["winkler_80"], 3)) for m, r in rows.items()},
            )
    Path(opts.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
