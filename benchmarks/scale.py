"""Scale benchmark: memory of windowing and training on a long series, CSV read speed, growth.

Measures, on this machine:
1. Peak memory while windowing and training one epoch slice on a 1,000,000-point series
   with lookback 512, against the budget of 3x the raw float32 series plus the model and
   optimiser state (zero-copy windows, batches gathered by index).
2. Seconds for `forecast train`'s loading stage (read CSV + parse + resample) on a
   10,000,000-row CSV.
3. How loading and windowing time grows with series length (should be linear).

Usage: python benchmarks/scale.py [--out benchmarks/results/scale.json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM resets at exec; ru_maxrss does not
    (a child inherits its parent's peak), so it is only the fallback off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def memory_probe(points: int, lookback: int, steps: int) -> dict:
    """Run in a fresh process: window a long series and take `steps` training steps."""
    import numpy as np
    import torch

    from forecast_cli.config import TrainConfig
    from forecast_cli.models import NetworkArgs, build_network, count_parameters
    from forecast_cli.optim import AdamW
    from forecast_cli.plan import default_patch
    from forecast_cli.training import _loss_fn
    from forecast_cli.window_batches import WindowBatches

    torch.set_num_threads(2)
    horizon = 24
    net = build_network(NetworkArgs("lstm", 1, 64, 1, 0.0, lookback, horizon, patch=default_patch(lookback)))
    opt = AdamW(net.parameters(), lr=1e-3)
    cfg = TrainConfig(batch_size=64)
    loss_fn = _loss_fn("mse")

    def train(series: np.ndarray, n_steps: int) -> float:
        data = WindowBatches(torch.from_numpy(series), lookback, horizon)
        origins = torch.arange(lookback, len(series) - horizon + 1, dtype=torch.int32)
        start = time.perf_counter()
        for _ in range(n_steps):
            x, y, _ = data.get(origins[torch.randint(len(origins), (cfg.batch_size,))])
            loss = loss_fn(net(x), y).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return time.perf_counter() - start

    # Warm up on a tiny series: torch's allocator, thread pools and one batch's activations
    # are paid here, so the growth measured next is what the long series itself costs.
    rng = np.random.default_rng(0)
    train(rng.standard_normal((4 * lookback, 1)).astype(np.float32), 3)
    base = peak_rss_mb()
    series = rng.standard_normal((points, 1), dtype=np.float32)  # (rows, features), no float64 temporary
    raw_mb = series.nbytes / 2**20
    seconds = train(series, steps)
    origins = np.arange(lookback, points - horizon + 1)
    state_mb = 3 * count_parameters(net) * 4 / 2**20  # weights + Adam's two moments
    peak = peak_rss_mb()
    return {
        "points": points,
        "lookback": lookback,
        "windows": int(len(origins)),
        "materialised_windows_mb": float(len(origins) * (lookback + horizon) * 4 / 2**20),
        "raw_series_mb": raw_mb,
        "model_and_optimiser_mb": state_mb,
        "process_baseline_mb": base,  # after warm-up: torch, model, optimiser, one batch
        "peak_rss_mb": peak,
        "growth_mb": peak - base,
        "budget_mb": 3 * raw_mb + state_mb,
        "within_budget": (peak - base) <= 3 * raw_mb + state_mb,
        "train_steps": steps,
        "seconds_per_step": seconds / steps,
    }


def write_csv(path: Path, rows: int) -> None:
    """A half-hourly series with a daily cycle and noise, as a user's CSV would look."""
    import numpy as np
    import pandas as pd

    t = np.arange(rows)
    values = 100 + 10 * np.sin(2 * np.pi * t / 48) + np.random.default_rng(1).normal(0, 1, rows)
    stamps = pd.date_range("2000-01-01", periods=rows, freq="30min")
    pd.DataFrame({"timestamp": stamps.strftime("%Y-%m-%d %H:%M:%S"), "load": values.round(3)}).to_csv(
        path, index=False
    )


def load_probe(path: Path, freq: str | None) -> dict:
    """Time read_csv + prepare_series (what `forecast train` does before windowing)."""
    from forecast_cli.config import DataConfig
    from forecast_cli.io import read_csv
    from forecast_cli.series import prepare_series

    t0 = time.perf_counter()
    raw = read_csv(path)
    t1 = time.perf_counter()
    series = prepare_series(raw, DataConfig(target="load", freq=freq))
    t2 = time.perf_counter()
    return {
        "rows": len(raw),
        "read_seconds": t1 - t0,
        "prepare_seconds": t2 - t1,
        "total_seconds": t2 - t0,
        "rows_out": len(series.frame),
        "freq": series.freq,
    }


def _child(kind: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=str(HERE / "results" / "scale.json"))
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "memory":
            print(json.dumps(memory_probe(int(rest[0]), int(rest[1]), int(rest[2]))))
        else:
            print(
                json.dumps(load_probe(Path(rest[0]), rest[1] if len(rest) > 1 and rest[1] != "-" else None))
            )
        return
    big_points, big_rows = (20_000, 200_000) if args.quick else (1_000_000, 10_000_000)
    results: dict = {"memory": _child("memory", str(big_points), "512", "20")}
    print(f"memory: {json.dumps(results['memory'])}", file=sys.stderr)
    growth = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in [50_000, 100_000, 200_000] if args.quick else [1_250_000, 2_500_000, 5_000_000, big_rows]:
            path = Path(tmp) / f"series_{rows}.csv"
            write_csv(path, rows)
            row = {"csv_mb": path.stat().st_size / 2**20, **_child("load", str(path), "-")}
            row["hourly"] = _child("load", str(path), "1h")["total_seconds"]
            growth.append(row)
            print(f"load: {json.dumps(row)}", file=sys.stderr)
            path.unlink()
    results["load"] = growth
    results["windowing_growth"] = [
        _child("memory", str(n), "512", "5")
        for n in ([5_000, 10_000, 20_000] if args.quick else [250_000, 500_000, 1_000_000])
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
