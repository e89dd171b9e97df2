"""`--local` backtest of the M1 monthly panel on 1 and on N local Dask workers.

The official M1 split: horizon 18, one origin (the last 18 months of each series held out),
one LSTM per series. Runs the library exactly as `forecast backtest m1_monthly.csv --local
--horizon 18 --folds 1 --workers N` would, timing the cluster's start-up apart from the
work, and checks that the leaderboards are identical. `--hidden 0 --epochs 0` runs the
default network (a few minutes per worker count on 2 cores); the small, short-trained one
(`--hidden 16 --epochs 10`, the script's default) makes a quick run in which Dask's cost
per task weighs more. Raw JSON: benchmarks/results/dask_local*.json.

Usage:
    python benchmarks/dask_local.py --workers 1 2 --hidden 0 --epochs 0 --out benchmarks/results/dask_local_defaults.json
    python benchmarks/dask_local.py --workers 1 2 --hidden 16 --epochs 10
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/work/shared/datasets/m1_monthly.csv")


def run(workers: int, args) -> dict:
    from forecast_cli.backtest import run_backtest
    from forecast_cli.compute import open_executor
    from forecast_cli.config import DataConfig, ForecastConfig
    from forecast_cli.io import read_csv
    from forecast_cli.panel import prepare_panel
    from forecast_cli.run_config import BacktestConfig, ComputeConfig
    from forecast_cli.threads import default_threads, set_torch_threads

    panel = prepare_panel(read_csv(str(args.data)), DataConfig())
    if args.series:
        panel = dataclasses.replace(panel, members=panel.members[: args.series], ids=panel.ids[: args.series])
    cfg = ForecastConfig()
    cfg.window.horizon = 18
    cfg.model.local = True
    if args.hidden:  # 0: the library's default network
        cfg.model.hidden = args.hidden
    if args.epochs:
        cfg.train.epochs = args.epochs
    spec = BacktestConfig(folds=1, models=("lstm",))
    compute = ComputeConfig(workers=workers)
    # as the CLI does; workers set their own
    set_torch_threads(default_threads(cfg.model.hidden, cfg.model.layers))
    t0 = time.perf_counter()
    with open_executor(compute, network=cfg.model) as executor:
        t1 = time.perf_counter()
        here, there = _cpu_seconds(executor)
        result = run_backtest(panel, cfg, spec, executor=executor)
        t2 = time.perf_counter()
        here_after, there_after = _cpu_seconds(executor)
    t3 = time.perf_counter()
    board = result.leaderboard.drop(columns=["fit_seconds", "predict_seconds"])
    return {
        "workers": workers,
        "series": len(panel),
        "startup_seconds": round(t1 - t0, 2),
        "work_seconds": round(t2 - t1, 2),
        "close_seconds": round(t3 - t2, 2),
        # CPU seconds of the work: this process (client, and a local cluster's scheduler)
        # and each worker process (none: the serial path runs the fits here)
        "main_cpu_seconds": round(here_after - here, 2),
        "worker_cpu_seconds": [round(b - a, 2) for a, b in zip(there, there_after, strict=True)],
        "leaderboard": json.loads(board.to_json(orient="index", double_precision=15)),
    }


def _process_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_seconds(executor) -> tuple[float, list[float]]:
    """CPU seconds so far of this process and of each Dask worker (sorted by address)."""
    client = getattr(executor, "client", None)
    workers = [] if client is None else [v for _, v in sorted(client.run(_process_cpu).items())]
    return _process_cpu(), workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--hidden", type=int, default=16, help="0: the default network")
    parser.add_argument("--epochs", type=int, default=10, help="0: the default epochs")
    parser.add_argument("--series", type=int, default=0, help="only the first N series (0: all)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "dask_local.json")
    args = parser.parse_args()
    runs = []
    for workers in args.workers:
        runs.append(run(workers, args))
        r = runs[-1]
        print(
            f"{workers} worker(s), {r['series']} series: start-up {r['startup_seconds']}s, "
            f"work {r['work_seconds']}s, close {r['close_seconds']}s; "
            f"lstm MASE {r['leaderboard']['lstm']['mase']:.6f}"
        )
    base = runs[0]
    for r in runs[1:]:
        r["speedup_vs_first"] = round(base["work_seconds"] / r["work_seconds"], 2)
        r["identical_metrics"] = r["leaderboard"] == base["leaderboard"]
        print(f"{r['workers']} workers: {r['speedup_vs_first']}x, identical metrics {r['identical_metrics']}")
    out = args.out
    meta = {
        "command": "python benchmarks/dask_local.py "
        + " ".join(
            f"--{k} {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in vars(args).items()
        ),
        "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, load {os.getloadavg()[0]:.1f}",
        "note": "shared machine: other work ran beside these timings",
    }
    out.write_text(json.dumps({**meta, "runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    main()
