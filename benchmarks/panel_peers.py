"""Score statsforecast and neuralforecast on a panel data set (M1 monthly / quarterly) with panel_metrics.

Split: origin 1 is the official M1 split, the last h points of every series (monthly h=18, m=12;
quarterly h=8, m=4). ``--origins K`` adds origins 2..K, each h points before the previous one;
a model sees only the points before its origin. A (series, origin) pair is scored only when at
least ``min_train`` points precede the origin (2m unless the data set says more; every M1
series at origin 1); neural models
train on the eligible series' training parts, once per origin.

Peers, one StatsForecast / NeuralForecast object per model, run one after the other in this
process with one thread (OMP/MKL/OpenBLAS/Numba from the environment, default 1;
torch.set_num_threads(1); StatsForecast n_jobs=1):
- statsforecast: Naive(), SeasonalNaive(m), AutoETS(m), AutoTheta(m), AutoARIMA(m), each
  with level=[80, 95]. `forecast(h, level)` fits and predicts in one call, so its seconds
  include the intervals. Each is warmed up (Numba compilation) on two series first, untimed.
- neuralforecast: LSTM(h) (defaults: input_size=-1, i.e. 3h; MAE loss; 1000 steps; robust
  scaler; seed 1); LSTM(h, loss=MQLoss(level=[80, 95])) with the median as point forecast;
  NHITS(h, input_size=2h) (input_size has no default; 2h as in neuralforecast's quick start).
  One non-default in all three: start_padding_enabled=True, without which neuralforecast
  refuses panels whose shortest series is shorter than input_size (every M1 panel).
  Only trainer switches that do not change the model are passed (no progress bar, logger or
  checkpoints; CPU). Seconds are fit + predict.
- Naive2 (M4's reference, panel_metrics.naive2), always run: OWA is relative to it.
Crossed quantiles (lo > hi) are swapped before scoring and counted in ``crossed_steps``.

Metrics (panel_metrics.py, formulas in its docstrings): per pair sMAPE (M4, %), MASE (scale =
in-sample seasonal-naive MAE at lag m, lag 1 for series of m points or fewer), coverage, mean
width / scale and mean Winkler score / scale per level; then means over pairs. OWA = 0.5
(sMAPE / sMAPE_Naive2 + MASE / MASE_Naive2) from those means.

JSON, one file per run (default benchmarks/results/panel_peers_<dataset>[_o<K>].json):
    {"benchmark": "panel", "dataset", "file", "freq", "horizon", "season", "origins",
     "min_train", "levels": [80, 95], "n_series", "pairs_per_origin": {"1": n, ...},
     "series_limit", "command", "threads", "niceness", "load_average": {"start", "end"},
     "started", "machine", "versions",
     "models": [{"system", "model", "args", "seconds", "fit_seconds", "predict_seconds",
                 "n_pairs", "scale_lag1_pairs", "smape", "mase", "owa",
                 "cov_80", "width_80", "winkler_80", "cov_95", "width_95", "winkler_95",
                 "crossed_steps", "origins": [{"origin": 1, "seconds", same metric keys}, ...]}]}
Interval keys appear only for models with intervals; ``fit_seconds``/``predict_seconds`` are
null where one call does both. Our tool's panel benchmark writes the same shape
(system "forecast"), so a report can put the files side by side.

Usage (peers installed: benchmarks/.venv-bench):
    nice -n 10 python benchmarks/panel_peers.py --dataset m1_quarterly
    nice -n 10 python benchmarks/panel_peers.py --dataset m1_monthly --origins 3 --models autoets,seasonal-naive
    python benchmarks/panel_peers.py --dataset m1_quarterly --series 5 --models naive --out /tmp/x.json  # smoke
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy, numba and torch start their thread pools

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import panel_metrics as pm  # noqa: E402
from compare import machine, versions  # noqa: E402
from panel_report import model_table  # noqa: E402

HERE = Path(__file__).resolve().parent
LEVELS = (80, 95)
STATS = {"naive", "seasonal-naive", "autoets", "autotheta", "autoarima"}
NEURAL = {"lstm", "lstm-mq", "nhits"}
MODELS = (
    "naive2",
    "naive",
    "seasonal-naive",
    "autoets",
    "autotheta",
    "autoarima",
    "lstm",
    "lstm-mq",
    "nhits",
)
TRAINER = {  # switches that change nothing in the model: quiet, no files, CPU
    "enable_progress_bar": False,
    "enable_model_summary": False,
    "logger": False,
    "enable_checkpointing": False,
    "accelerator": "cpu",
    "devices": 1,
}


@dataclass(frozen=True)
class Dataset:
    file: str
    freq: str
    horizon: int
    season: int
    id_col: str = "series"
    time_col: str = "period"
    target: str = "value"
    aggregate: int = 1  # sum this many consecutive periods into one (a derived, coarser panel)
    file_freq: str = ""  # the file's own frequency when aggregate > 1 ("" = freq)
    least: int = 0  # training points a (series, origin) pair needs (0: 2 seasons)

    @property
    def min_train(self) -> int:
        return self.least or 2 * self.season


DATASETS = {
    "m1_monthly": Dataset("m1_monthly.csv", "MS", 18, 12),
    "m1_quarterly": Dataset("m1_quarterly.csv", "QS", 8, 4),
    # derived, not an official split: M1 monthly summed into quarters (the oldest incomplete
    # quarter dropped, so every series keeps its newest data), a second quarterly panel with
    # 617 series that no default was chosen on; horizon 8 as for M1 quarterly
    "m1_monthly_as_quarterly": Dataset("m1_monthly.csv", "QS", 8, 4, aggregate=3, file_freq="MS"),
    # derived likewise: M1 quarterly summed into years (4-28 of them), a yearly panel (season 1)
    # to check the no-season path; horizon 4 (M1's official yearly horizon, 6, leaves too few)
    # only series with 10 training years or more: AutoETS refuses tinier ones
    "m1_quarterly_as_yearly": Dataset("m1_quarterly.csv", "YS", 4, 1, aggregate=4, file_freq="QS", least=10),
    # the same years with M3's and M4's yearly horizon, 6, and every series with 8 training
    # years or more: a panel of short series (AutoETS refuses the shortest: run without it)
    "m1_quarterly_as_yearly_h6": Dataset(
        "m1_quarterly.csv", "YS", 6, 1, aggregate=4, file_freq="QS", least=8
    ),
    # not an official split: the last 8 quarters of each state's takings
    "aus_takings": Dataset("aus_accommodation.csv", "QS", 8, 4, "State", "Date", "Takings"),
}


@dataclass
class Fold:
    origin: int  # 1 = the official split, k = k horizons before the end
    ids: list[str]
    starts: list[pd.Timestamp]
    trains: list[np.ndarray]
    tests: list[np.ndarray]


def load(spec: Dataset, data_dir: Path, limit: int | None) -> dict[str, tuple[pd.Timestamp, np.ndarray]]:
    """Series id -> (first timestamp, values); checks every series is regular at spec.freq."""
    raw = pd.read_csv(data_dir / spec.file)
    stamps = raw[spec.time_col].astype(str)
    if stamps.str.contains("Q").any():  # "1998 Q1"
        raw["_ds"] = pd.PeriodIndex(stamps.str.replace(" ", ""), freq="Q").to_timestamp()
    else:
        raw["_ds"] = pd.to_datetime(stamps)
    out = {}
    for sid, part in raw.sort_values([spec.id_col, "_ds"]).groupby(spec.id_col, sort=True):
        ds = pd.DatetimeIndex(part["_ds"])
        freq = spec.file_freq or spec.freq
        if not ds.equals(pd.date_range(ds[0], periods=len(ds), freq=freq)):
            sys.exit(f"series {sid} is not regular at freq {freq}: fix the file or the data set spec")
        values = part[spec.target].to_numpy(np.float64)
        if spec.aggregate > 1:
            whole = len(values) // spec.aggregate * spec.aggregate
            values = values[len(values) - whole :].reshape(-1, spec.aggregate).sum(axis=1)
        out[str(sid)] = (ds[0], values)
        if limit and len(out) == limit:
            break
    return out


def make_folds(series: dict, horizon: int, origins: int, min_train: int) -> list[Fold]:
    folds = []
    for k in range(1, origins + 1):
        fold = Fold(k, [], [], [], [])
        for sid, (start, y) in series.items():
            cut = len(y) - k * horizon
            if cut >= min_train:
                fold.ids.append(sid)
                fold.starts.append(start)
                fold.trains.append(y[:cut])
                fold.tests.append(y[cut : cut + horizon])
        folds.append(fold)
    return folds


def long_frame(fold: Fold, freq: str) -> pd.DataFrame:
    """Nixtla's long format (unique_id, ds, y) of the training parts."""
    parts = [
        pd.DataFrame({"unique_id": sid, "ds": pd.date_range(start, periods=len(y), freq=freq), "y": y})
        for sid, start, y in zip(fold.ids, fold.starts, fold.trains, strict=True)
    ]
    return pd.concat(parts, ignore_index=True)


def stats_model(name: str, m: int):
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive, SeasonalNaive

    return {
        "naive": lambda: (Naive(), {}),
        "seasonal-naive": lambda: (SeasonalNaive(season_length=m), {"season_length": m}),
        "autoets": lambda: (AutoETS(season_length=m), {"season_length": m}),
        "autotheta": lambda: (AutoTheta(season_length=m), {"season_length": m}),
        "autoarima": lambda: (AutoARIMA(season_length=m), {"season_length": m}),
    }[name]()


def run_stats(name: str, fold: Fold, spec: Dataset, levels: list[int]) -> tuple[pd.DataFrame, dict]:
    from statsforecast import StatsForecast

    train = long_frame(fold, spec.freq)
    model, args = stats_model(name, spec.season)
    sf = StatsForecast(models=[model], freq=spec.freq, n_jobs=1)
    warm = train[train["unique_id"].isin(fold.ids[:2])]
    sf.forecast(df=warm, h=spec.horizon, level=levels)  # Numba compiles here, untimed
    t0 = time.perf_counter()
    fc = sf.forecast(df=train, h=spec.horizon, level=levels)
    seconds = time.perf_counter() - t0
    alias = type(model).__name__
    out = fc.rename(columns={alias: "point"})
    out.columns = [c.replace(f"{alias}-", "") for c in out.columns]
    call = f"StatsForecast(models=[{alias}({', '.join(f'{k}={v}' for k, v in args.items())})], n_jobs=1)"
    return out, {
        "system": "statsforecast",
        "args": {**args, "call": f"{call}.forecast(h={spec.horizon}, level={levels})"},
        "seconds": seconds,
        "fit_seconds": None,
        "predict_seconds": None,
    }


def neural_model(name: str, h: int, levels: list[int]):
    from neuralforecast.losses.pytorch import MQLoss
    from neuralforecast.models import LSTM, NHITS

    # Without start padding neuralforecast 3.3 refuses a panel whose shortest series is
    # shorter than input_size (M1: 10 quarters < 24, 30 months < 54), so every model pads.
    pad = {"start_padding_enabled": True}
    if name == "lstm":
        return LSTM(h=h, **pad, **TRAINER), {"h": h, **pad}
    if name == "lstm-mq":
        loss = {"loss": f"MQLoss(level={levels})"}
        return LSTM(h=h, loss=MQLoss(level=levels), **pad, **TRAINER), {"h": h, **loss, **pad}
    return NHITS(h=h, input_size=2 * h, **pad, **TRAINER), {"h": h, "input_size": 2 * h, **pad}


def run_neural(name: str, fold: Fold, spec: Dataset, levels: list[int]) -> tuple[pd.DataFrame, dict]:
    import logging
    import warnings

    import torch

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    torch.set_num_threads(1)
    from neuralforecast import NeuralForecast

    train = long_frame(fold, spec.freq)
    model, args = neural_model(name, spec.horizon, levels)
    resolved = {
        k: getattr(model, k, None)
        for k in (
            "input_size",
            "max_steps",
            "learning_rate",
            "batch_size",
            "windows_batch_size",
            "random_seed",
        )
    }
    resolved["scaler"] = getattr(model.scaler, "scaler_type", None) if hasattr(model, "scaler") else None
    resolved["loss"] = type(model.loss).__name__
    nf = NeuralForecast(models=[model], freq=spec.freq)
    t0 = time.perf_counter()
    nf.fit(df=train)
    t1 = time.perf_counter()
    fc = nf.predict()
    t2 = time.perf_counter()
    alias = type(model).__name__
    point = f"{alias}-median" if name == "lstm-mq" else alias
    out = fc.rename(columns={point: "point"})
    out.columns = [c.replace(f"{alias}-", "") for c in out.columns]
    return out, {
        "system": "neuralforecast",
        "args": {**args, "resolved": resolved},
        "seconds": t2 - t0,
        "fit_seconds": t1 - t0,
        "predict_seconds": t2 - t1,
    }


def run_naive2(fold: Fold, spec: Dataset) -> tuple[pd.DataFrame, dict]:
    t0 = time.perf_counter()
    parts = [
        pd.DataFrame(
            {
                "unique_id": sid,
                "ds": pd.date_range(start, periods=len(y) + spec.horizon, freq=spec.freq)[len(y) :],
                "point": pm.naive2(y, spec.horizon, spec.season),
            }
        )
        for sid, start, y in zip(fold.ids, fold.starts, fold.trains, strict=True)
    ]
    seconds = time.perf_counter() - t0
    info = {"system": "m4", "args": {"season": spec.season}, "seconds": seconds}
    return pd.concat(parts, ignore_index=True), {**info, "fit_seconds": None, "predict_seconds": None}


def score_fold(fc: pd.DataFrame, fold: Fold, spec: Dataset, levels: list[int]) -> tuple[list[dict], int]:
    """Score every pair of a fold; returns the rows and the number of crossed (lo > hi) steps."""
    fc = fc.assign(unique_id=fc["unique_id"].astype(str)).set_index(["unique_id", "ds"]).sort_index()
    has_intervals = all(f"lo-{lv}" in fc.columns for lv in levels)
    rows, crossed = [], 0
    for sid, start, train, test in zip(fold.ids, fold.starts, fold.trains, fold.tests, strict=True):
        ds = pd.date_range(start, periods=len(train) + spec.horizon, freq=spec.freq)[len(train) :]
        part = fc.reindex(pd.MultiIndex.from_product([[sid], ds]))
        if part["point"].isna().any():
            raise RuntimeError(f"missing forecasts for series {sid} at origin {fold.origin}")
        intervals = {}
        for lv in levels if has_intervals else []:
            lo, hi = part[f"lo-{lv}"].to_numpy(), part[f"hi-{lv}"].to_numpy()
            crossed += int(np.sum(lo > hi))
            intervals[lv] = (np.minimum(lo, hi), np.maximum(lo, hi))
        rows.append(pm.score_pair(test, part["point"].to_numpy(), train, spec.season, intervals))
    return rows, crossed


def run_model(name: str, folds: list[Fold], spec: Dataset, levels: list[int]) -> dict:
    all_rows, per_origin, crossed, info = [], [], 0, {}
    seconds = {"seconds": 0.0, "fit_seconds": 0.0, "predict_seconds": 0.0}
    for fold in folds:
        if name == "naive2":
            fc, info = run_naive2(fold, spec)
        elif name in STATS:
            fc, info = run_stats(name, fold, spec, levels)
        else:
            fc, info = run_neural(name, fold, spec, levels)
        rows, n_crossed = score_fold(fc, fold, spec, levels)
        crossed += n_crossed
        all_rows += rows
        per_origin.append({"origin": fold.origin, "seconds": info["seconds"], **pm.summarize(rows)})
        for key in seconds:
            seconds[key] = None if info[key] is None or seconds[key] is None else seconds[key] + info[key]
        print(f"  {name} origin {fold.origin}: {info['seconds']:.1f}s", file=sys.stderr, flush=True)
    return {
        "system": info["system"],
        "model": name,
        "args": info["args"],
        **seconds,
        **pm.summarize(all_rows),
        "crossed_steps": crossed,
        "origins": per_origin,
    }


def add_owa(results: list[dict]) -> None:
    ref = next(r for r in results if r["model"] == "naive2")
    for r in results:
        r["owa"] = pm.owa(r["smape"], r["mase"], ref["smape"], ref["mase"])
        for o, o_ref in zip(r["origins"], ref["origins"], strict=True):
            o["owa"] = pm.owa(o["smape"], o["mase"], o_ref["smape"], o_ref["mase"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    parser.add_argument(
        "--models", default=",".join(MODELS), help="comma-separated, from: " + ",".join(MODELS)
    )
    parser.add_argument("--origins", type=int, default=1, help="1 = the official split")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--series", type=int, default=None, help="only the first N series (smoke tests)")
    parser.add_argument(
        "--data-dir", default=os.environ.get("FORECAST_DATASETS", "/work/shared/datasets"), type=Path
    )
    parser.add_argument("--out", default=None, help="JSON path (default benchmarks/results/panel_peers_...)")
    args = parser.parse_args()
    names = args.models.split(",")
    unknown = set(names) - set(MODELS)
    if unknown:
        parser.error(f"unknown models {sorted(unknown)}: choose from {','.join(MODELS)}")
    names = ["naive2"] + [n for n in names if n != "naive2"]  # OWA needs Naive2
    levels = [int(v) for v in args.levels.split(",")]
    spec = DATASETS[args.dataset]
    min_train = spec.min_train
    suffix = f"_o{args.origins}" if args.origins > 1 else ""
    out = Path(args.out or HERE / "results" / f"panel_peers_{args.dataset}{suffix}.json")

    series = load(spec, args.data_dir, args.series)
    folds = make_folds(series, spec.horizon, args.origins, min_train)
    report = {
        "benchmark": "panel",
        "dataset": args.dataset,
        "file": spec.file,
        "freq": spec.freq,
        "horizon": spec.horizon,
        "season": spec.season,
        "origins": args.origins,
        "min_train": min_train,
        "levels": levels,
        "n_series": len(series),
        "pairs_per_origin": {str(f.origin): len(f.ids) for f in folds},
        "series_limit": args.series,
        "command": "python benchmarks/panel_peers.py " + shlex.join(sys.argv[1:]),
        "threads": {v: os.environ[v] for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}
        | {"torch": 1, "statsforecast_n_jobs": 1},
        "niceness": os.nice(0),
        "load_average": {"start": list(os.getloadavg())},
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "models": [],
    }
    print(
        f"{args.dataset}: {len(series)} series, pairs per origin {report['pairs_per_origin']}",
        file=sys.stderr,
    )
    for name in names:
        report["models"].append(run_model(name, folds, spec, levels))
        add_owa(report["models"])
        report["load_average"]["end"] = list(os.getloadavg())
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1))
    print(model_table(report["models"], levels))


if __name__ == "__main__":
    main()
