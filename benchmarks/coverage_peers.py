"""Do the statistical peers' intervals reach nominal coverage where ours miss? Issue 10,
target 1, on the folds of our own backtest.

Our 80% bands miss nominal on two runs (the accommodation panel, 0.65; airline over 24
origins, 0.58; ``coverage_spread.py``). Whether that is our method or the data, only a
side-by-side on the same folds can say. Each run backtests one data set with the CLI's
defaults plus its arguments (``--models lstm,seasonal-naive --predictions-out``); then, for
every (series, origin) of that output, statsforecast's AutoETS, AutoARIMA and AutoTheta are
fitted on the series up to that origin, at the CLI's season, and forecast the same steps with
their own 80% and 95% intervals. Every model is scored by the same code on the same steps:
coverage, its fold-bootstrap 90% interval (``coverage_spread.spread``), and the interval
score (Winkler) divided by the series' MASE scale at that origin (``panel_metrics``), means
over (series, origin) pairs. Usage (the bench environment, our package on the path):

    PYTHONPATH=. benchmarks/.venv-bench/bin/python benchmarks/coverage_peers.py \\
        --out benchmarks/results/coverage_peers.json
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import coverage_spread as cs  # noqa: E402
import panel_metrics as pm  # noqa: E402
from compare import machine, versions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "accom": ("sample_data/aus_accommodation.csv --id-col State --target Takings", "State", "Takings"),
    "air": ("sample_data/airpassengers.csv", None, "passengers"),
    "air24": ("sample_data/airpassengers.csv --folds 24 --origin-stride 1", None, "passengers"),
    # the rolling M1 monthly backtest of coverage_spread.py (target 1's panel): target 2 on its folds
    "m1m": ("../shared/datasets/m1_monthly.csv --id-col series --target value --folds 3", "series", "value"),
}
PEERS = ("autoets", "autoarima", "autotheta")
LEVELS = cs.LEVELS


def run_record(benchmark: str) -> dict:
    """What every result file of this script, ``band_swap.py`` and ``combine_panels.py`` starts with: the script,
    its exact command, the thread settings, the machine and the library versions."""
    return {
        "benchmark": benchmark,
        "command": f"python benchmarks/{benchmark}.py " + shlex.join(sys.argv[1:]),
        "threads": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")},
        "machine": machine(),
        "versions": versions(),
    }


def histories(path: str, id_col: str | None, target: str) -> dict[str, np.ndarray]:
    """Each series' values in time order, read by our own loader (so positions match the
    backtest's), keyed as ``--predictions-out`` names the series ("" for one series)."""
    from forecast_cli.config import DataConfig
    from forecast_cli.io import read_data
    from forecast_cli.panel import prepare_panel

    cfg = DataConfig(id_col=id_col, target=target)
    panel = prepare_panel(read_data(ROOT / path, cfg), cfg)
    return {
        name: m.frame[m.target].to_numpy(np.float64) for name, m in zip(panel.ids, panel.members, strict=True)
    }


def origin_position(y: np.ndarray, actual: np.ndarray) -> int:
    """The row after which ``actual`` (the fold's steps that happened) follows in ``y``:
    the backtest writes actuals that round-trip, so the match is exact and must be unique."""
    k = len(actual)
    hits = [i for i in range(len(y) - k + 1) if np.array_equal(y[i : i + k], actual)]
    if len(hits) != 1:
        raise SystemExit(f"fold actuals match {len(hits)} places in the series: cannot place the origin")
    return hits[0] - 1


def our_rows(run: str, models: str) -> tuple[pd.DataFrame, dict]:
    args, _, _ = RUNS[run]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.csv"
        cmd = [sys.executable, "-m", "forecast_cli", "backtest", *shlex.split(args), "--models", models]
        cmd += ["--predictions-out", str(out), "-q", "-f", "json"]
        done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
        return pd.read_csv(out), json.loads(done.stdout)["config"]


def peer_bands(name: str, train: np.ndarray, h: int, season: int) -> pd.DataFrame:
    """statsforecast's point forecast and 80/95 bands for one training part (h steps)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    model = {"autoets": AutoETS, "autoarima": AutoARIMA, "autotheta": AutoTheta}[name](season_length=season)
    frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(train)), "y": train})
    fc = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=h, level=list(LEVELS))
    alias = type(model).__name__
    out = pd.DataFrame({"forecast": fc[alias].to_numpy()})
    for lv in LEVELS:
        out[f"lo-{lv}"] = fc[f"{alias}-lo-{lv}"].to_numpy()
        out[f"hi-{lv}"] = fc[f"{alias}-hi-{lv}"].to_numpy()
    return out


def with_peers(
    rows: pd.DataFrame, series: dict[str, np.ndarray], season: int, horizon: int, peers: list[str]
) -> pd.DataFrame:
    """``rows`` (ours) plus the peers' rows for the same (series, origin, step)."""
    key = rows.columns[1] if rows.columns[1] != "timestamp" else None
    ref = rows[rows["model"] == "seasonal-naive"]
    groups = ref.groupby([key, "origin"], sort=False) if key else ref.groupby("origin", sort=False)
    extra = []
    for name in peers:
        t0 = time.perf_counter()
        for label, part in groups:
            sid = str(label[0]) if key else ""
            y = series[sid]
            part = part.sort_values("step")
            at = origin_position(y, part["actual"].to_numpy(np.float64))
            bands = peer_bands(name, y[: at + 1], horizon, season).iloc[part["step"].to_numpy() - 1]
            extra.append(part.assign(model=name, **{c: bands[c].to_numpy() for c in bands.columns}))
        print(f"  {name}: {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return pd.concat([rows, *extra], ignore_index=True)


def scores(rows: pd.DataFrame, series: dict[str, np.ndarray], season: int) -> dict:
    """Per model and level: coverage with its fold-bootstrap interval, the mean interval
    score and the mean width over (series, origin) pairs divided by the series' MASE scale
    there, and ``rank``: Spearman's correlation, over every forecast step, between the
    band's scaled width and the scaled absolute error of the model's own point forecast
    (how well the band's width tells large errors from small ones, whatever its level)."""
    from scipy.stats import spearmanr

    key = rows.columns[1] if rows.columns[1] != "timestamp" else None
    out = {}
    for model, mine in rows.groupby("model", sort=False):
        weights = cs.row_weights(mine).groupby(cs.fold_of(mine)).sum().sort_index().to_numpy()
        entry = {"mase": _mean_mase(mine, series, season, key)}
        groups = list(mine.groupby([key, "origin"] if key else ["origin"], sort=False))
        scales = []
        for label, part in groups:
            y = series[str(label[0]) if key else ""]
            at = origin_position(y, part.sort_values("step")["actual"].to_numpy(np.float64))
            scales.append(pm.mase_scale(y[: at + 1], season))
        errors = np.concatenate(
            [
                np.abs(p["actual"] - p["forecast"]).to_numpy() / s
                for (_, p), s in zip(groups, scales, strict=True)
            ]
        )
        for lv in LEVELS:
            pairs, widths, each = [], [], []
            for (_, part), scale in zip(groups, scales, strict=True):
                score = pm.interval_score(part["actual"], part[f"lo-{lv}"], part[f"hi-{lv}"], lv)
                width = (part[f"hi-{lv}"] - part[f"lo-{lv}"]).to_numpy() / scale
                pairs.append(score / scale)
                widths.append(float(np.mean(width)))
                each.append(width)
            entry[str(lv)] = {
                **cs.spread(cs.fold_coverage(mine, lv), weights),
                "winkler": float(np.mean(pairs)),
                "width": float(np.mean(widths)),
                "rank": float(spearmanr(np.concatenate(each), errors, nan_policy="omit")[0]),
            }
        out[str(model)] = entry
    return out


def _mean_mase(rows: pd.DataFrame, series: dict[str, np.ndarray], season: int, key: str | None) -> float:
    """MASE of the point forecasts, the mean over (series, origin) pairs."""
    values = []
    for label, part in rows.groupby([key, "origin"] if key else ["origin"], sort=False):
        y = series[str(label[0]) if key else ""]
        part = part.sort_values("step")
        at = origin_position(y, part["actual"].to_numpy(np.float64))
        values.append(pm.mase(part["actual"].to_numpy(), part["forecast"].to_numpy(), y[: at + 1], season))
    return float(np.mean(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", default=",".join(RUNS))
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated, of " + ",".join(PEERS))
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    results = []
    for run in opts.runs.split(","):
        path, id_col, target = RUNS[run]
        rows, config = our_rows(run, "lstm,seasonal-naive")
        series = histories(shlex.split(path)[0], id_col, target)
        season, horizon = int(config["season"]), int(config["horizon"])
        print(f"{run}: season {season}, horizon {horizon}, folds {config['folds']}", file=sys.stderr)
        table = scores(with_peers(rows, series, season, horizon, opts.peers.split(",")), series, season)
        results.append(
            {"run": run, "command": f"forecast backtest {path} --models lstm,seasonal-naive", **table}
        )
        for model, entry in table.items():
            figures = " ".join(
                f"{lv}: {entry[str(lv)]['coverage']:.2f} W {entry[str(lv)]['winkler']:.2f} "
                f"width {entry[str(lv)]['width']:.2f} rank {entry[str(lv)]['rank']:.2f}"
                for lv in LEVELS
            )
            print(f"  {model:15s} MASE {entry['mase']:.3f} {figures}", file=sys.stderr)
    report = {**run_record("coverage_peers"), "results": results}
    opts.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
