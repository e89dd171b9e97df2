"""``--local`` bands from each member's own errors against one pool of every member's.

A ``--local`` member calibrated its bands on its own validation windows: the overlapping
windows of one stretch of one short series. Stop 37 pools the members' normalised errors
(``member_pool``, ``network_bands``). This runs the CLI's backtest (``--models lstm
--local``, defaults otherwise) from each source tree given, on every panel below, and
records the LSTM's leaderboard row:

- the accommodation panel's Takings and Occupancy (8 states, quarterly), at the default
  split and at horizon 8 over 3 folds;
- every M1 monthly (617) and quarterly (203) series, at the official split and over 3
  rolling folds.

Usage (about 4 minutes per tree on the 2-core machine; ``before`` is a checkout of the
commit before the pool, e.g. ``git worktree add /tmp/before 2a47135``):
    OMP_NUM_THREADS=1 python benchmarks/local_pool.py --tree before=/tmp/before --tree after=. \\
        --out benchmarks/results/local_pool.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from combine_panels import SHARED  # noqa: E402
from coverage_peers import run_record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ACCOM = ROOT / "sample_data" / "aus_accommodation.csv"
KEYS = ("mase", "cov_80", "width_80", "winkler_80", "cov_95", "width_95", "winkler_95", "crps")
RUNS = {
    "accom_takings": f"{ACCOM} --id-col State --target Takings",
    "accom_occupancy": f"{ACCOM} --id-col State --target Occupancy",
    "accom_takings_h8_f3": f"{ACCOM} --id-col State --target Takings --horizon 8 --folds 3",
    "accom_occupancy_h8_f3": f"{ACCOM} --id-col State --target Occupancy --horizon 8 --folds 3",
    "m1_monthly": f"{SHARED / 'm1_monthly.csv'} --id-col series --target value",
    "m1_monthly_f3": f"{SHARED / 'm1_monthly.csv'} --id-col series --target value --folds 3",
    "m1_quarterly": f"{SHARED / 'm1_quarterly.csv'} --id-col series --target value",
    "m1_quarterly_f3": f"{SHARED / 'm1_quarterly.csv'} --id-col series --target value --folds 3",
}


def backtest(tree: Path, args: str) -> dict:
    """The LSTM's leaderboard ``KEYS`` of one ``--local`` backtest run from ``tree``."""
    cmd = [sys.executable, "-m", "forecast_cli", "backtest", *shlex.split(args), "--local"]
    cmd += ["--models", "lstm", "-f", "json", "-q", "--no-timings"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(cmd, cwd=tree, env=env, check=True, capture_output=True, text=True)
    row = next(r for r in json.loads(done.stdout)["leaderboard"] if r["model"] == "lstm")
    return {k: row[k] for k in KEYS}


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="NAME=PATH of a source tree")
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    trees = {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in opts.tree)}
    runs: dict[str, dict] = {}
    for run, args in RUNS.items():
        runs[run] = {name: backtest(tree, args) for name, tree in trees.items()}
        line = "  ".join(
            f"{name} cov {r['cov_80']:.3f}/{r['cov_95']:.3f} winkler {r['winkler_80']:.2f}/{r['winkler_95']:.2f}"
            for name, r in runs[run].items()
        )
        print(f"{run:24s} {line}", file=sys.stderr, flush=True)
    summary = {}
    for name in trees:
        rows = [r[name] for r in runs.values()]
        summary[name] = {
            "mean_cov_80": sum(r["cov_80"] for r in rows) / len(rows),
            "mean_cov_95": sum(r["cov_95"] for r in rows) / len(rows),
        }
        first = next(iter(trees))
        if name != first:
            for key in ("winkler_80", "winkler_95", "mase"):
                summary[name][f"{key} / {first}"] = geometric_mean(
                    [r[name][key] / r[first][key] for r in runs.values()]
                )
    record = {
        **run_record("local_pool"),
        "trees": {k: str(v) for k, v in trees.items()},
        "runs": runs,
        "summary": summary,
    }
    opts.out.write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps(summary, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
