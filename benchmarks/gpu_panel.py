"""The global model's training time on a GPU beside the CPU (issue 11: the global model
trains in one process, on a GPU where there is one).

Each probe runs in a fresh process: a seeded synthetic daily panel (``panel_scale.long_frame``:
N series x 1,000 points), the library's defaults apart from the horizon (7), the batch size
and ``window_stride`` (50, so an epoch fits a benchmark, as in ``panel_scale.py``), a
warm-up fit on the first 200 series (CUDA's and torch's one-off start), then a timed fit of
3 epochs. Seconds per epoch include the validation pass. The CPU probe uses one torch
thread (the default for this network) unless ``--threads`` says otherwise.

Usage (on a machine with a CUDA GPU; the grid writes benchmarks/results/gpu_panel.json):
    python benchmarks/gpu_panel.py --grid
    python benchmarks/gpu_panel.py --device cuda --batch 1024 --series 10000
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRID = [  # (device, threads, batch)
    ("cpu", 1, 128),
    ("cuda", 1, 128),
    ("cuda", 1, 1024),
    ("cpu", 16, 1024),
]


def probe(device: str, threads: int, batch: int, series: int, stride: int, epochs: int) -> dict:
    import torch
    from panel_scale import long_frame

    from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.panel import prepare_panel

    torch.set_num_threads(threads)
    data = DataConfig()
    panel = prepare_panel(long_frame(series), data)

    def config(n_epochs: int) -> ForecastConfig:
        train = TrainConfig(epochs=n_epochs, batch_size=batch, patience=n_epochs + 1, device=device)
        return ForecastConfig(
            data=data, window=WindowConfig(horizon=7, window_stride=stride), model=ModelConfig(), train=train
        )

    Forecaster(config(1)).fit(panel.subset(list(range(200))))  # one-off start-up costs are paid here
    t0 = time.perf_counter()
    fitted = Forecaster(config(epochs)).fit(panel)
    wall = time.perf_counter() - t0
    m = fitted.metrics_
    return {
        "device": device,
        "gpu": torch.cuda.get_device_name() if device == "cuda" else None,
        "threads": threads,
        "batch": batch,
        "series": series,
        "window_stride": stride,
        "lookback": fitted.plan_.lookback,
        "train_windows": m["train_windows"],
        "val_windows": m["val_windows"],
        "epochs_run": m["epochs_run"],
        "seconds_per_epoch": m["train_seconds"] / m["epochs_run"],
        "fit_seconds": wall,
        "val_loss": m.get("val_loss"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", action="store_true", help="every probe of GRID, each in its own process")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--stride", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "gpu_panel.json"))
    args = parser.parse_args()
    if not args.grid:
        sys.path.insert(0, str(HERE))
        print(json.dumps(probe(args.device, args.threads, args.batch, args.series, args.stride, args.epochs)))
        return
    rows = []
    for device, threads, batch in GRID:
        cmd = [sys.executable, __file__, "--device", device, "--threads", str(threads), "--batch", str(batch)]
        cmd += ["--series", str(args.series), "--stride", str(args.stride), "--epochs", str(args.epochs)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
    import torch

    report = {
        "benchmark": "gpu_panel",
        "command": "python benchmarks/gpu_panel.py " + " ".join(sys.argv[1:]),
        "machine": {"processor": platform.processor(), "cores": len(__import__("os").sched_getaffinity(0))},
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
        "probes": rows,
    }
    Path(args.out).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
