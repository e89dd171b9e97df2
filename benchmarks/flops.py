"""Training efficiency: achieved FLOP/s of our LSTM/GRU training loop against the
matrix-multiply FLOP/s torch reaches on the same machine, measured in the same run.

FLOPs of a recurrent layer, per window and per time step: a gated cell computes
g = W_ih x + W_hh h for G gates (LSTM 4, GRU 3, RNN 1), 2 * G * hidden * (inputs + hidden)
multiply-adds counted as 2 FLOPs. Backward costs about twice the forward, so one training
step costs 3x the forward FLOPs. Element-wise gate maths and the small heads are left out,
so the figure is a slight under-count.

Usage: python benchmarks/flops.py [--out benchmarks/results/flops.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from forecast_cli.config import TrainConfig
from forecast_cli.models import NetworkArgs, build_network
from forecast_cli.training import train_network

GATES = {"lstm": 4, "gru": 3, "rnn": 1}
HERE = Path(__file__).resolve().parent


def matmul_flops(n: int, repeats: int = 20) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(repeats):
        torch.mm(a, b)
    return 2 * n**3 * repeats / (time.perf_counter() - start)


def shaped_matmul_flops(batch: int, inputs: int, hidden: int, gates: int, repeats: int = 2000) -> float:
    """The matmul one recurrent step does: (batch, inputs+hidden) @ (inputs+hidden, gates*hidden)."""
    a, b = torch.randn(batch, inputs + hidden), torch.randn(inputs + hidden, gates * hidden)
    torch.mm(a, b)
    start = time.perf_counter()
    for _ in range(repeats):
        torch.mm(a, b)
    return 2 * batch * (inputs + hidden) * gates * hidden * repeats / (time.perf_counter() - start)


def training_flops_per_window(kind: str, lookback: int, hidden: int, layers: int, inputs: int = 1) -> float:
    g = GATES[kind]
    forward = 0.0
    for layer in range(layers):
        fan_in = inputs if layer == 0 else hidden
        forward += lookback * 2 * g * hidden * (fan_in + hidden)
    return 3 * forward


def measure(
    kind: str, lookback: int, horizon: int, hidden: int, layers: int, batch: int, epochs: int
) -> dict:
    rng = np.random.default_rng(0)
    t = np.arange(4032)
    series = (np.sin(2 * np.pi * t / 48) + 0.1 * rng.standard_normal(len(t))).astype(np.float32)[:, None]
    train = np.arange(lookback, 3400 - horizon)
    val = np.arange(3400, 4032)
    net = build_network(NetworkArgs(kind, 1, hidden, layers, 0.0, lookback, horizon))
    cfg = TrainConfig(epochs=epochs, patience=epochs + 1, batch_size=batch, lr=1e-3)
    result = train_network(net, series, train, val, lookback, horizon, cfg)
    windows = len(train) * result.epochs_run
    per_window = training_flops_per_window(kind, lookback, hidden, layers)
    return {
        "model": kind,
        "lookback": lookback,
        "hidden": hidden,
        "layers": layers,
        "batch": batch,
        "epochs": result.epochs_run,
        "seconds": result.seconds,
        "windows_per_second": windows / result.seconds,
        "training_gflops": windows * per_window / result.seconds / 1e9,
        "shaped_matmul_gflops": shaped_matmul_flops(batch, 1, hidden, GATES[kind]) / 1e9,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=str(HERE / "results" / "flops.json"))
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(0)
    peak = max(matmul_flops(n) for n in (512, 1024, 2048)) / 1e9
    rows = []
    for kind in ("lstm", "gru"):
        for hidden, layers, batch in ((64, 2, 32), (64, 1, 256), (32, 1, 256)):
            row = measure(kind, 96, 48, hidden, layers, batch, args.epochs)
            row["fraction_of_matmul_peak"] = row["training_gflops"] / peak
            rows.append(row)
            print(json.dumps(row))
    out = {"threads": torch.get_num_threads(), "matmul_peak_gflops": peak, "runs": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"matmul peak {peak:.1f} GFLOP/s")


if __name__ == "__main__":
    main()
