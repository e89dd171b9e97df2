"""Bands of series a global model never saw: each one's error level from its own history.

A global model forecasts a series it was not trained on from that series' history (a new
product, a new store). Its bands were sized by its scale at the panel's median error level
(``error_levels``); since stop 44 the level is read off the network's errors on the last
windows of its own history, which no weight was fitted on.

Panels: M1 monthly and quarterly (horizons 18 and 8), the accommodation panel's two
targets (4), and 40 simulated hourly household loads (24; ``phase_bands.write_loads``).
This splits each panel's series in two at random (seeded): the model trains on one half,
each series up to its last ``horizon`` rows, and forecasts the other half's last
``horizon`` rows from the rows before them with 80% and 95% bands. One fit gives both
rows of a comparison: the bands with each unseen series' own level, and with the basis
removed (every unseen series at the median, as before). Scored per series, then averaged:
coverage, and the Winkler (interval) score over the series' MASE scale (mean absolute
one-step change of its history). The trained half's own last rows, forecast by the same
fit, are scored beside them as the reference. Library calls, one torch thread:

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/unseen_levels.py --out benchmarks/results/unseen_levels.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from coverage_peers import run_record  # noqa: E402

DATASETS = Path(os.environ.get("FORECAST_DATASETS", "/work/shared/datasets"))
PANELS = {  # name -> (file, id column, time column, target, horizon: the competition's, or a year)
    "m1_monthly": ("m1_monthly.csv", "series", "period", "value", 18),
    "m1_quarterly": ("m1_quarterly.csv", "series", "period", "value", 8),
    "accommodation_takings": ("aus_accommodation.csv", "State", "Date", "Takings", 4),
    "accommodation_occupancy": ("aus_accommodation.csv", "State", "Date", "Occupancy", 4),
    "loads40": ("", "unit", "ds", "y", 24),  # 40 hourly household loads (phase_bands.write_loads)
}
LEVELS = (80, 95)


def winkler(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: int) -> float:
    a = 1 - level / 100
    return float(np.mean(hi - lo + 2 / a * (lo - y) * (y < lo) + 2 / a * (y - hi) * (y > hi)))


def frames(name: str) -> tuple[pd.DataFrame, str, str]:
    file, id_col, time_col, target, _ = PANELS[name]
    if not file:  # simulated: written afresh (seeded)
        import tempfile

        from phase_bands import write_loads

        with tempfile.TemporaryDirectory() as tmp:
            write_loads(Path(tmp) / "loads.csv", n=40)
            df = pd.read_csv(Path(tmp) / "loads.csv", parse_dates=["ds"])
        return df[[id_col, time_col, target]], id_col, target
    df = pd.read_csv(DATASETS / file)
    if time_col == "Date":  # "1998 Q1"
        df[time_col] = pd.PeriodIndex(df[time_col].str.replace(" ", ""), freq="Q").to_timestamp()
    return df[[id_col, time_col, target]], id_col, target


def scored(out: pd.DataFrame, actual: dict[str, np.ndarray], scale: dict[str, float], target: str) -> dict:
    """Mean over series of coverage and scaled Winkler at each level."""
    rows: dict[str, list[float]] = {f"{k}{lv}": [] for lv in LEVELS for k in ("cov", "winkler")}
    for name, g in out.groupby(level=0, sort=False):
        y = actual[name]
        for lv in LEVELS:
            lo, hi = g[f"{target}-lo-{lv}"].to_numpy(), g[f"{target}-hi-{lv}"].to_numpy()
            rows[f"cov{lv}"].append(float(np.mean((y >= lo) & (y <= hi))))
            rows[f"winkler{lv}"].append(winkler(y, lo, hi, lv) / scale[name])
    return {k: float(np.mean(v)) for k, v in rows.items()}


def one_split(name: str, seed: int) -> dict:
    from forecast_cli.config import DataConfig, ForecastConfig, WindowConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.panel import prepare_panel

    df, id_col, target = frames(name)
    horizon = PANELS[name][4]
    cfg = ForecastConfig(data=DataConfig(id_col=id_col, target=target), window=WindowConfig(horizon=horizon))
    full = prepare_panel(df, cfg.data)
    ids = np.array(full.ids, dtype=object)
    rng = np.random.default_rng(seed)
    unseen = set(rng.choice(ids, size=len(ids) // 2, replace=False))
    keep = {n: m for n, m in zip(full.ids, full.members, strict=True)}
    lengths = {n: len(m.frame) for n, m in keep.items()}
    # series long enough to leave the horizon out and still give the network a history
    usable = [n for n in full.ids if lengths[n] > horizon + 2 * horizon]
    trained = [n for n in usable if n not in unseen]
    held = [n for n in usable if n in unseen]
    rows = df[df[id_col].isin(usable)]
    position = rows.groupby(id_col, sort=False).cumcount()
    cut = rows[position < rows[id_col].map(rows[id_col].value_counts()) - horizon]
    train = prepare_panel(cut[cut[id_col].isin(trained)], cfg.data)
    t0 = time.perf_counter()
    f = Forecaster(cfg).fit(train)
    fit_seconds = time.perf_counter() - t0
    actual = {n: keep[n].y[-horizon:] for n in usable}
    scale = {n: float(np.mean(np.abs(np.diff(keep[n].y[:-horizon])))) or 1.0 for n in usable}
    history_held = prepare_panel(cut[cut[id_col].isin(held)], cfg.data)
    history_trained = prepare_panel(cut[cut[id_col].isin(trained)], cfg.data)
    own = f.predict(history_held, levels=LEVELS)
    basis, f.level_basis_ = f.level_basis_, None
    median = f.predict(history_held, levels=LEVELS)
    f.level_basis_ = basis
    reference = f.predict(history_trained, levels=LEVELS)
    assert np.array_equal(own[target].to_numpy(), median[target].to_numpy())  # points unchanged
    return {
        "panel": name,
        "seed": seed,
        "horizon": horizon,
        "trained_series": len(trained),
        "unseen_series": len(held),
        "fit_seconds": round(fit_seconds, 1),
        "basis": None
        if basis is None
        else {"prior": basis.prior, "median": basis.median, "carry": basis.carry},
        "unseen_own_level": scored(own, actual, scale, target),
        "unseen_median_level": scored(median, actual, scale, target),
        "trained_reference": scored(reference, actual, scale, target),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", default=",".join(PANELS))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    runs = []
    for name in args.panels.split(","):
        for seed in map(int, args.seeds.split(",")):
            run = one_split(name, seed)
            runs.append(run)
            print(
                name,
                seed,
                {
                    k: {m: round(v, 3) for m, v in run[k].items()}
                    for k in ("unseen_own_level", "unseen_median_level", "trained_reference")
                },
                flush=True,
            )
    args.out.write_text(json.dumps({**run_record("unseen_levels"), "runs": runs}, indent=1) + "\n")


if __name__ == "__main__":
    main()
