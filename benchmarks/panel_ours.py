"""Score forecast's global model on a panel data set with the peers' harness (panel_peers.py).

Same data loading, folds, Naive2 reference and scoring as ``panel_peers.py``, so the JSON it
writes (system "forecast") sits beside the peers' files. Our model runs through the library
exactly as ``forecast train DATA --horizon H`` would: ``prepare_panel`` on the long table of
each fold's training parts, ``Forecaster(config).fit``, ``predict`` (default options apart
from the horizon and whatever ``--set`` overrides). One torch thread, as for the peers.

Usage:
    nice -n 10 python benchmarks/panel_ours.py --dataset m1_monthly
    python benchmarks/panel_ours.py --dataset m1_quarterly --set cell=gru --set hidden=32
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import panel_metrics as pm  # noqa: E402
import panel_peers as peers  # noqa: E402
from compare import machine, versions  # noqa: E402


def run_ours(fold, spec, overrides: dict[str, str]) -> tuple[object, dict]:
    import dataclasses

    import torch

    from forecast_cli.config import DataConfig, ForecastConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.panel import prepare_panel

    torch.set_num_threads(1)
    train = peers.long_frame(fold, spec.freq)
    t0 = time.perf_counter()
    panel = prepare_panel(train, DataConfig(id_col="unique_id", time_col="ds", target="y"))
    config = ForecastConfig()
    config.window.horizon = spec.horizon
    for key, raw in overrides.items():
        for section in (config.window, config.scaling, config.model, config.train):
            if key in {f.name for f in dataclasses.fields(section)}:
                kind = type(getattr(section, key))
                setattr(section, key, kind(raw) if getattr(section, key) is not None else int(raw))
                break
        else:
            sys.exit(f"--set {key}: no such option")
    t1 = time.perf_counter()
    fitted = Forecaster(config).fit(panel)
    t2 = time.perf_counter()
    fc = fitted.predict().reset_index()
    t3 = time.perf_counter()
    fc = fc.rename(columns={"timestamp": "ds", "y": "point"})
    fc.columns = [c[2:] if c.startswith("y-") else c for c in fc.columns]  # y-lo-80 -> lo-80
    info = {
        "system": "forecast",
        "args": {
            "options": overrides,
            "plan": fitted.plan_.to_dict(),
            "epochs_run": fitted.metrics_["epochs_run"],
        },
        "seconds": t3 - t0,
        "fit_seconds": t2 - t1,
        "predict_seconds": t3 - t2,
        "load_seconds": t1 - t0,
    }
    return fc, info


def _label(overrides: dict[str, str]) -> str:
    return "global " + (" ".join(f"{k}={v}" for k, v in overrides.items()) or "(defaults)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", required=True, choices=sorted(peers.DATASETS))
    parser.add_argument("--origins", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], help="option=value, e.g. cell=gru")
    parser.add_argument(
        "--data-dir", default=os.environ.get("FORECAST_DATASETS", "/work/shared/datasets"), type=Path
    )
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    spec = peers.DATASETS[args.dataset]
    overrides = dict(item.split("=", 1) for item in args.set)
    series = peers.load(spec, args.data_dir, None)
    folds = peers.make_folds(series, spec.horizon, args.origins, spec.min_train)
    results = []
    for name in ("naive2", "forecast"):
        rows_all, per_origin, seconds, info = (
            [],
            [],
            {"seconds": 0.0, "fit_seconds": 0.0, "predict_seconds": 0.0},
            {},
        )
        for fold in folds:
            fc, info = peers.run_naive2(fold, spec) if name == "naive2" else run_ours(fold, spec, overrides)
            rows, _ = peers.score_fold(fc, fold, spec, list(peers.LEVELS))
            rows_all += rows
            per_origin.append({"origin": fold.origin, "seconds": info["seconds"], **pm.summarize(rows)})
            for key in seconds:
                seconds[key] = None if info[key] is None or seconds[key] is None else seconds[key] + info[key]
        results.append(
            {
                "system": info["system"],
                "model": name if name == "naive2" else _label(overrides),
                "args": info["args"],
                **seconds,
                **pm.summarize(rows_all),
                "origins": per_origin,
            }
        )
    ref = results[0]
    for r in results:
        r["owa"] = pm.owa(r["smape"], r["mase"], ref["smape"], ref["mase"])
    suffix = "".join(f"_{k}-{v}" for k, v in overrides.items()) + (
        f"_o{args.origins}" if args.origins > 1 else ""
    )
    out = Path(args.out or peers.HERE / "results" / f"panel_ours_{args.dataset}{suffix}.json")
    report = {
        "benchmark": "panel",
        "dataset": args.dataset,
        "horizon": spec.horizon,
        "season": spec.season,
        "origins": args.origins,
        "levels": list(peers.LEVELS),
        "n_series": len(series),
        "pairs_per_origin": {str(f.origin): len(f.ids) for f in folds},
        "niceness": os.nice(0),
        "command": "python benchmarks/panel_ours.py " + shlex.join(sys.argv[1:]),
        "threads": {"torch": 1},
        "load_average": list(os.getloadavg()),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "models": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    for r in results:
        print(
            f"{r['model']:16s} sMAPE {r['smape']:6.2f}  MASE {r['mase']:.3f}  OWA {r['owa']:.3f}  {r['seconds']:.1f}s"
        )


if __name__ == "__main__":
    main()
