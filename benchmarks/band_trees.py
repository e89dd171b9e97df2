"""Two versions of the package, side by side, on the panels' backtest bands (issue 10).

A change to the bands only (the point forecasts equal) is measured by running the CLI's
``backtest`` from two source trees on the same panels, seeds and folds, and comparing each
model's coverage and interval scores. The panels:

- the accommodation panel (targets Takings and Occupancy; 8 states, 74 quarters, 5 folds);
- M1 monthly and M1 quarterly as rolling backtests (``--folds 3``), the folds of issue 10's
  calibration target;
- the twelve small M1 panels of ``small_panels.py`` (six sets of 20 quarterly and six of 10
  monthly series, taken at even steps through each file), panels nothing was tuned on.

Each run prints one line; the JSON keeps every leaderboard row and, per tree pair, the
geometric mean of the after/before ratios of the interval scores and how many runs moved by
more than 1% either way. Point forecasts are checked equal (MASE to the last digit).

Usage (from the repository root, one torch thread; the "before" tree a worktree of the
commit before the change):

    git worktree add /tmp/before <commit>
    OMP_NUM_THREADS=1 python benchmarks/band_trees.py --before /tmp/before --after . \\
        --out benchmarks/results/band_trees_error_levels.json
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from compare import machine, versions
from small_panels import ratio_summary, subsets

ROOT = Path(__file__).resolve().parent.parent
DATASETS = Path(os.environ.get("FORECAST_DATASETS", "/work/shared/datasets"))
KEYS = ("mase", "cov_80", "winkler_80", "cov_95", "winkler_95", "crps")
SCORES = ("winkler_80", "winkler_95", "crps")


def runs(folder: Path) -> dict[str, str]:
    """Name -> the CLI's data arguments of every run."""
    small = subsets(folder)
    out = {k: v for k, v in small.items() if k.startswith("accommodation")}
    for name in ("m1_monthly", "m1_quarterly"):
        out[f"{name} rolling"] = f"{DATASETS / name}.csv --id-col series --target value --folds 3"
    return out | {k: v for k, v in small.items() if not k.startswith("accommodation")}


def backtest(tree: Path, data: str, models: str, seed: str) -> dict[str, dict]:
    """Model -> its leaderboard row, from the CLI run out of ``tree``'s source."""
    cmd = [sys.executable, "-m", "forecast_cli", "backtest", *shlex.split(data), "--models", models]
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run(
        [*cmd, "--seed", seed, "-q", "-f", "json"],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    return {
        r["model"]: {k: r[k] for k in KEYS} for r in report["leaderboard"] if r["model"] in models.split(",")
    }


def summary(rows: list[dict], model: str) -> dict:
    """Per score: geometric mean after/before, and runs better / worse by more than 1%."""
    return {
        key: ratio_summary([(r["after"][model][key], r["before"][model][key]) for r in rows])
        for key in SCORES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--models", default="lstm,gru")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    models = opts.models.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in runs(Path(tmp)).items():
            for seed in opts.seeds.split(","):
                before = backtest(opts.before.resolve(), data, opts.models, seed)
                after = backtest(opts.after.resolve(), data, opts.models, seed)
                for m in models:
                    if before[m]["mase"] != after[m]["mase"]:
                        raise SystemExit(f"{name}: {m}'s point forecasts differ between the trees")
                rows.append({"panel": name, "seed": int(seed), "before": before, "after": after})
                line = "  ".join(
                    f"{m} cov {after[m]['cov_80']:.2f}/{after[m]['cov_95']:.2f} (was {before[m]['cov_80']:.2f}/"
                    f"{before[m]['cov_95']:.2f}) W {after[m]['winkler_80']:.2f}/{after[m]['winkler_95']:.2f}"
                    f" (was {before[m]['winkler_80']:.2f}/{before[m]['winkler_95']:.2f})"
                    for m in models
                )
                print(f"{name:22s} seed {seed}: {line}", file=sys.stderr)
    result = {m: summary(rows, m) for m in models}
    print(json.dumps(result, indent=1), file=sys.stderr)
    commits = {
        side: subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True, text=True
        ).stdout.strip()
        for side, tree in (("before", opts.before), ("after", opts.after))
    }
    opts.out.write_text(
        json.dumps(
            {
                "benchmark": "band_trees",
                "command": "python benchmarks/band_trees.py " + shlex.join(sys.argv[1:]),
                "commits": commits,
                "threads": os.environ.get("OMP_NUM_THREADS"),
                "machine": machine(),
                "versions": versions(),
                "summary": result,
                "runs": rows,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
