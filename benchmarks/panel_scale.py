"""Panel scale benchmark (issue 9, target 3): a synthetic panel of N series x 1,000 points.

Measures, each in a fresh process so one probe's memory never counts against another:
1. Seconds to load the long CSV through the CLI's own path (``io.read_csv`` then
   ``panel.prepare_panel``, what ``load_input`` runs), for 10,000 series x 1,000 points.
2. Peak memory of training one epoch (``Forecaster.fit``): peak RSS growth after the panel
   is loaded, a warm-up fit on its first 200 series, and the peak reset
   (``/proc/self/clear_refs``; tracemalloc does not see torch), against 3x the raw float32
   panel plus model and optimiser state; at the largest size also with ``--calendar none``
   (the target alone, no day-of-week inputs).
3. Seconds per epoch for 1k/2k/5k/10k series: one epoch, with ``window_stride`` thinning
   the windows so an epoch fits the time a benchmark may take; seconds per 1,000 windows
   should stay flat if time is linear in the windows.
4. Seconds to load the 10k-series model file (``modelfile.load_model``), apart from the
   seconds to import torch, which every command that runs a network pays anyway.

Timings are upper bounds on a shared 2-core machine (torch at 1 thread).

Usage: python benchmarks/panel_scale.py [--out benchmarks/results/panel_scale.json] [--quick]
       python benchmarks/panel_scale.py --load-only [--series 1000 10000] [--repeats 3]
(``--load-only`` runs probe 1 alone for each size and prints its JSON, writing no file.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POINTS = 1_000
SEED = 0


def rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since start or the last reset) of this process, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux >= 4.0)."""
    Path("/proc/self/clear_refs").write_text("5")


def long_frame(series: int, points: int = POINTS):
    """Seeded daily series with a weekly cycle, trend and noise, in Nixtla's long layout."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(SEED)
    t = np.arange(points)
    level = rng.uniform(10, 1000, (series, 1))
    y = level * (
        1 + 0.1 * np.sin(2 * np.pi * t / 7) + 0.0005 * t + 0.03 * rng.standard_normal((series, points))
    )
    ids = np.repeat(np.array([f"S{i:05d}" for i in range(series)]), points)
    stamps = pd.date_range("2020-01-01", periods=points, freq="D").strftime("%Y-%m-%d")
    return pd.DataFrame({"unique_id": ids, "ds": np.tile(stamps, series), "y": y.ravel().round(4)})


def load_probe(path: str) -> dict:
    from forecast_cli.config import DataConfig
    from forecast_cli.io import read_csv
    from forecast_cli.panel import prepare_panel

    t0 = time.perf_counter()
    raw = read_csv(path)
    t1 = time.perf_counter()
    panel = prepare_panel(raw, DataConfig())
    t2 = time.perf_counter()
    return {
        "rows": len(raw),
        "series": len(panel),
        "read_seconds": t1 - t0,
        "prepare_seconds": t2 - t1,
        "total_seconds": t2 - t0,
    }


def train_probe(series: int, stride: int, model_out: str | None, calendar: str = "auto") -> dict:
    """Load ``series`` x POINTS, reset the peak, train one epoch, report time and growth."""
    import torch

    from forecast_cli.config import DataConfig, ForecastConfig, ModelConfig, TrainConfig, WindowConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.models import count_parameters
    from forecast_cli.panel import prepare_panel

    torch.set_num_threads(1)
    data = DataConfig(calendar=(calendar,))
    panel = prepare_panel(long_frame(series), data)
    cfg = ForecastConfig(
        data=data,
        window=WindowConfig(lookback=28, horizon=7, window_stride=stride),
        model=ModelConfig(cell="gru", hidden=32),
        train=TrainConfig(epochs=1, batch_size=256),
    )
    Forecaster(cfg).fit(_first(panel, 200))  # same shapes: one-off runtime allocations are paid here
    base = rss_mb("VmRSS")
    reset_peak()
    t0 = time.perf_counter()
    fitted = Forecaster(cfg).fit(panel)
    seconds = time.perf_counter() - t0
    peak = rss_mb("VmHWM")
    raw_mb = sum(len(m.frame) for m in panel.members) * 4 / 2**20  # float32 target values
    state_mb = 3 * count_parameters(fitted.network_) * 4 / 2**20  # weights + AdamW's two moments
    windows = fitted.metrics_["train_windows"]
    out = {
        "series": series,
        "points": POINTS,
        "window_stride": stride,
        "calendar": list(fitted.plan_.calendar),
        "input_columns": int(fitted.network_args_.n_inputs),
        "train_windows": windows,
        "val_windows": fitted.metrics_["val_windows"],
        "fit_seconds": seconds,
        "epoch_seconds": fitted.metrics_["train_seconds"],
        "epoch_seconds_per_1k_windows": 1000 * fitted.metrics_["train_seconds"] / windows,
        "raw_float32_mb": raw_mb,
        "model_and_optimiser_mb": state_mb,
        "baseline_rss_mb": base,
        "peak_rss_mb": peak,
        "growth_mb": peak - base,
        "budget_mb": 3 * raw_mb + state_mb,
        "within_budget": peak - base <= 3 * raw_mb + state_mb,
    }
    if model_out:
        from forecast_cli.modelfile import save_model

        save_model(fitted, model_out)
        out["model_file_mb"] = Path(model_out).stat().st_size / 2**20
    return out


def _first(panel, k: int):
    """The panel's first ``k`` series: a warm-up fit of the same shapes pays torch's one-off
    allocations (thread pools, kernel workspaces: about 55 MB), which are not the panel's."""
    import dataclasses

    return dataclasses.replace(panel, members=panel.members[:k], ids=panel.ids[:k])


def model_load_probe(path: str) -> dict:
    """Seconds to import torch and the forecaster (paid by any command that runs a
    network), then seconds to read the file and rebuild the model, apart."""
    t0 = time.perf_counter()
    import forecast_cli.forecaster  # noqa: F401  (torch)
    from forecast_cli.modelfile import load_model

    t1 = time.perf_counter()
    model = load_model(path)
    t2 = time.perf_counter()
    return {
        "series": len(model.ids_),
        "import_seconds": t1 - t0,
        "load_seconds": t2 - t1,
        "file_mb": Path(path).stat().st_size / 2**20,
    }


def _child(kind: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"probe {kind} {' '.join(args)} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def load_only(sizes: list[int], repeats: int) -> list[dict]:
    """Probe 1 for each size, ``repeats`` fresh processes each; medians of the seconds."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            csv = Path(tmp) / f"panel_{n}.csv"
            long_frame(n).to_csv(csv, index=False)
            runs = [_child("load", str(csv)) for _ in range(repeats)]
            median = {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0] if k.endswith("seconds")}
            out.append({"series": n, "rows": runs[0]["rows"], **median, "runs": runs})
            print(f"load {n}: {median}", file=sys.stderr)
            csv.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "results" / "panel_scale.json"))
    parser.add_argument("--quick", action="store_true", help="100..1,000 series (a smoke run)")
    parser.add_argument("--stride", type=int, default=50, help="window_stride of the training probes")
    parser.add_argument("--load-only", action="store_true", help="only the load probe, printed")
    parser.add_argument("--series", type=int, nargs="+", default=[1000, 10000], help="sizes for --load-only")
    parser.add_argument("--repeats", type=int, default=3, help="load probes per size for --load-only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "load":
            result = load_probe(rest[0])
        elif kind == "train":
            model_out = rest[2] if len(rest) > 2 and rest[2] else None
            result = train_probe(int(rest[0]), int(rest[1]), model_out, *rest[3:4])
        else:
            result = model_load_probe(rest[0])
        print(json.dumps(result))
        return

    if args.load_only:
        print(json.dumps(load_only(args.series, args.repeats), indent=2))
        return
    sizes = [100, 200, 500, 1000] if args.quick else [1000, 2000, 5000, 10000]
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "panel.csv"
        t0 = time.perf_counter()
        long_frame(sizes[-1]).to_csv(csv, index=False)
        print(
            f"wrote {csv.stat().st_size / 2**20:.0f} MiB CSV in {time.perf_counter() - t0:.0f}s",
            file=sys.stderr,
        )
        load = _child("load", str(csv))
        print(f"load: {load}", file=sys.stderr)
        csv.unlink()
        model = Path(tmp) / "panel.fcst"
        train = []
        for n in sizes:
            extra = [str(model)] if n == sizes[-1] else []
            train.append(_child("train", str(n), str(args.stride), *extra))
            print(f"train: {train[-1]}", file=sys.stderr)
        # Daily data gets day-of-week inputs by default (two float32 columns beside the
        # target); without them the training array is the target alone.
        target_only = _child("train", str(sizes[-1]), str(args.stride), "", "none")
        print(f"train, calendar none: {target_only}", file=sys.stderr)
        model_load = [_child("model", str(model)) for _ in range(3)]
        print(f"model load: {model_load}", file=sys.stderr)
    report = {
        "points_per_series": POINTS,
        "seed": SEED,
        "machine_note": "shared 2-core machine, torch at 1 thread: timings are upper bounds",
        "load": load,
        "load_target_seconds": 10.0,
        "train": train,
        "train_calendar_none": target_only,
        "model_load": model_load,
        "model_load_median_seconds": sorted(r["load_seconds"] for r in model_load)[1],
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
