"""Log-scale peers on the folds of coverage_peers.py (issue 10, target 1; stop 44).

Where our bands miss target 1 (airline over 24 origins, the accommodation panel's
Takings) the statistical peers fitted on the raw series missed too. The classic model for
airline is ARIMA(0,1,1)(0,1,1)_12 on the log of the series, whose bands widen with the level.
This reuses coverage_peers.py unchanged (same CLI backtest, origin placement, scoring) and adds
peers fitted on log(y) with every band and the point forecast back-transformed by exp
(quantiles map exactly under a monotone transform; the point forecast becomes the median):

  arima011log     ARIMA(0,1,1)(0,1,1)_season on log y (the airline model)
  autoarimalog    AutoARIMA on log y
  autoetslog      AutoETS on log y
  autoets / autoarima   on raw y (reference, as in coverage_peers.py)

A series with any value <= 0 in its training part gets no log fit (NaN bands, counted and
reported). Bench environment (statsforecast), from the repository root:

  OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/coverage_log_peers.py --runs air24,accom,air --out benchmarks/results/coverage_log_peers.json
  OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python benchmarks/coverage_log_peers.py --runs m1m --peers arima011log,autoetslog,autoets,autoarimalog --out m1m.json   # about 20 minutes
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
import coverage_peers as cp  # noqa: E402

LEVELS = cp.LEVELS
PEERS = ("arima011log", "autoarimalog", "autoetslog", "autoets", "autoarima")
SKIPPED: dict[str, int] = {}
FAILED: dict[str, list] = {}


def _model(name: str, season: int):
    from statsforecast.models import ARIMA, AutoARIMA, AutoETS

    base = name.removesuffix("log")
    if base == "arima011":
        return ARIMA(order=(0, 1, 1), season_length=season, seasonal_order=(0, 1, 1), alias="A")
    return {"autoets": AutoETS, "autoarima": AutoARIMA}[base](season_length=season, alias="A")


def peer_bands(name: str, train: np.ndarray, h: int, season: int) -> pd.DataFrame:
    from statsforecast import StatsForecast

    log = name.endswith("log")
    if log and np.any(train <= 0):
        SKIPPED[name] = SKIPPED.get(name, 0) + 1
        out = pd.DataFrame({"forecast": np.full(h, np.nan)})
        for lv in LEVELS:
            out[f"lo-{lv}"] = np.nan
            out[f"hi-{lv}"] = np.nan
        return out
    y = np.log(train) if log else train
    frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y)), "y": y})
    try:
        fc = StatsForecast(models=[_model(name, season)], freq=1, n_jobs=1).forecast(
            df=frame, h=h, level=list(LEVELS)
        )
    except Exception as exc:  # record, never hide
        FAILED.setdefault(name, []).append(f"n={len(y)}: {type(exc).__name__}: {exc}"[:200])
        raise
    back = np.exp if log else (lambda v: v)
    out = pd.DataFrame({"forecast": back(fc["A"].to_numpy())})
    for lv in LEVELS:
        out[f"lo-{lv}"] = back(fc[f"A-lo-{lv}"].to_numpy())
        out[f"hi-{lv}"] = back(fc[f"A-hi-{lv}"].to_numpy())
    return out


cp.peer_bands = peer_bands  # with_peers looks the name up in its module at call time


def our_rows_cached(run: str, models: str, cache: Path) -> tuple[pd.DataFrame, dict]:
    """coverage_peers.our_rows, with the predictions file and config kept in ``cache`` (the
    backtest runs once per run however many peers are added)."""
    pred, conf = cache / f"pred_{run}.csv", cache / f"pred_{run}.config.json"
    if not pred.exists():
        args, _, _ = cp.RUNS[run]
        cmd = [sys.executable, "-m", "forecast_cli", "backtest", *shlex.split(args), "--models", models]
        cmd += ["--predictions-out", str(pred), "-q", "-f", "json"]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=cp.ROOT, check=True, capture_output=True, text=True)
        print(f"{run}: backtest {time.perf_counter() - t0:.0f}s: {shlex.join(cmd)}", file=sys.stderr)
        conf.write_text(json.dumps(json.loads(done.stdout)["config"], indent=1))
    return pd.read_csv(pred), json.loads(conf.read_text())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "coverage_log_peers")
    ap.add_argument("--out", type=Path, required=True)
    opts = ap.parse_args()
    opts.cache.mkdir(parents=True, exist_ok=True)
    results = []
    for run in opts.runs.split(","):
        path, id_col, target = cp.RUNS[run]
        rows, config = our_rows_cached(run, "lstm,seasonal-naive", opts.cache)
        series = cp.histories(shlex.split(path)[0], id_col, target)
        season, horizon = int(config["season"]), int(config["horizon"])
        print(f"{run}: season {season}, horizon {horizon}, folds {config['folds']}", file=sys.stderr)
        SKIPPED.clear()
        FAILED.clear()
        t0 = time.perf_counter()
        both = cp.with_peers(rows, series, season, horizon, opts.peers.split(","))
        both.to_csv(opts.cache / f"rows_{run}.csv", index=False)
        table = cp.scores(both, series, season)
        results.append(
            {
                "run": run,
                "command": f"forecast backtest {path} --models lstm,seasonal-naive",
                "season": season,
                "horizon": horizon,
                "folds": config["folds"],
                "log_skipped_fits": dict(SKIPPED),
                "peer_seconds": time.perf_counter() - t0,
                **table,
            }
        )
        for model, entry in table.items():
            figures = " ".join(
                f"{lv}: {entry[str(lv)]['coverage']:.3f} [{entry[str(lv)]['p5']:.3f},{entry[str(lv)]['p95']:.3f}]"
                f" W {entry[str(lv)]['winkler']:.2f}"
                for lv in LEVELS
            )
            print(f"  {model:14s} MASE {entry['mase']:.3f} {figures}", file=sys.stderr)
    report = {**cp.run_record("coverage_log_peers"), "results": results}
    opts.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
