"""Where AutoETS's 80% interval score beats ours on the same folds: its point forecasts,
its band widths, or its level? Issue 10, target 2, on the CLI's rolling M1 monthly folds.

``coverage_peers.py`` scores AutoETS ahead of our LSTM there at 80% (and level at 95%).
This script takes the same rows (``coverage_peers.our_rows`` and ``with_peers``, AutoETS
only) and rescores them three ways, each by the same interval score over the series' MASE
scale at the origin, averaged over (series, origin) pairs:

- swapped: each model's point forecast with the other's band offsets (lower edge below the
  point, upper edge above it, as drawn), so point accuracy and width are told apart;
- scaled: each model's band offsets times c (0.7 ... 1.2), around its own point, so a band
  that is too narrow or too wide for the interval score shows it (the score is lowest for
  the band between the true a/2 and 1 - a/2 quantiles, at nominal coverage);
- at nominal: each band's offsets around each point forecast, times the smallest c (in
  steps of 0.05) that brings the coverage to the nominal level: what a band of that shape
  scores once calibrated, as ours are by construction;
- rank: Spearman's correlation of a band's scaled width with the scaled absolute error of
  our point forecast, per horizon step: how well each band's width picks out the forecasts
  that will miss by much.

Usage (the bench environment, our package on the path):

    PYTHONPATH=. benchmarks/.venv-bench/bin/python benchmarks/band_swap.py \\
        --out benchmarks/results/band_swap_m1m.json
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import coverage_peers as cp  # noqa: E402
import panel_metrics as pm  # noqa: E402

FACTORS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2)


def paired_rows(run: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ours, AutoETS's) rows of ``run``, in the same (series, origin, step) order, each with
    the series' MASE scale at its origin in column ``scale``."""
    rows, config = cp.our_rows(run, "lstm,seasonal-naive")
    path, id_col, target = cp.RUNS[run]
    series = cp.histories(shlex.split(path)[0], id_col, target)
    season, horizon = int(config["season"]), int(config["horizon"])
    rows = cp.with_peers(rows, series, season, horizon, ["autoets"])
    key = rows.columns[1] if rows.columns[1] != "timestamp" else None
    order = [key, "origin", "step"] if key else ["origin", "step"]
    ours = rows[rows["model"] == "lstm"].sort_values(order).reset_index(drop=True)
    ets = rows[rows["model"] == "autoets"].sort_values(order).reset_index(drop=True)
    if not np.array_equal(ours["actual"].to_numpy(), ets["actual"].to_numpy()):
        raise SystemExit("our rows and AutoETS's do not pair up")
    scales = {}
    for label, part in ours.groupby([key, "origin"] if key else ["origin"], sort=False):
        y = series[str(label[0]) if key else ""]
        at = cp.origin_position(y, part["actual"].to_numpy(np.float64))
        scales[label] = pm.mase_scale(y[: at + 1], season)
    labels = zip(ours[key], ours["origin"], strict=True) if key else ((o,) for o in ours["origin"])
    scale = np.array([scales[label] for label in labels])
    return ours.assign(scale=scale), ets.assign(scale=scale)


def winkler(rows: pd.DataFrame, point: np.ndarray, below: np.ndarray, above: np.ndarray, level: int) -> float:
    """Mean over (series, origin) pairs of the interval score of [point - below, point +
    above], divided by the pair's scale."""
    a = 1 - level / 100
    y, lo, hi = rows["actual"].to_numpy(), point - below, point + above
    score = (hi - lo) + 2 / a * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))
    pair = [rows.columns[1], "origin"] if rows.columns[1] != "timestamp" else ["origin"]
    return float(
        pd.Series(score / rows["scale"].to_numpy()).groupby([rows[c].to_numpy() for c in pair]).mean().mean()
    )


def study(ours: pd.DataFrame, ets: pd.DataFrame) -> dict:
    from scipy.stats import spearmanr

    out: dict = {}
    error = (np.abs(ours["actual"] - ours["forecast"]) / ours["scale"]).to_numpy()
    for level in cp.LEVELS:
        offsets = {
            name: (
                m["forecast"].to_numpy() - m[f"lo-{level}"].to_numpy(),
                m[f"hi-{level}"].to_numpy() - m["forecast"].to_numpy(),
            )
            for name, m in (("lstm", ours), ("autoets", ets))
        }
        points = {"lstm": ours["forecast"].to_numpy(), "autoets": ets["forecast"].to_numpy()}
        entry: dict = {"swapped": {}, "scaled": {}, "at_nominal": {}, "rank_by_step": {}}
        for point in points:
            for band in offsets:
                below, above = offsets[band]
                entry["swapped"][f"{point} point, {band} band"] = winkler(
                    ours, points[point], below, above, level
                )
        y = ours["actual"].to_numpy()
        for point in points:
            for band in offsets:
                below, above = offsets[band]
                f = points[point]
                c = next(
                    c
                    for c in np.arange(0.5, 4.0, 0.05)
                    if np.mean((y >= f - c * below) & (y <= f + c * above)) >= level / 100
                )
                entry["at_nominal"][f"{point} point, {band} band"] = {
                    "c": round(float(c), 2),
                    "winkler": winkler(ours, f, c * below, c * above, level),
                }
        for name in points:
            below, above = offsets[name]
            entry["scaled"][name] = {
                f"{c:g}": winkler(ours, points[name], c * below, c * above, level) for c in FACTORS
            }
        for name, m in (("lstm", ours), ("autoets", ets)):
            width = ((m[f"hi-{level}"] - m[f"lo-{level}"]) / m["scale"]).to_numpy()
            entry["rank_by_step"][name] = {
                str(step): float(spearmanr(width[steps], error[steps])[0])
                for step in sorted(m["step"].unique())
                if (steps := (m["step"] == step).to_numpy()).any()
            }
        out[str(level)] = entry
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", default="m1m", choices=list(cp.RUNS))
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    ours, ets = paired_rows(opts.run)
    result = study(ours, ets)
    for level, entry in result.items():
        print(f"{level}%:", file=sys.stderr)
        for what, score in entry["swapped"].items():
            print(f"  {what:28s} {score:.3f}", file=sys.stderr)
        for what, found in entry["at_nominal"].items():
            print(f"  at nominal: {what:28s} x{found['c']:.2f} {found['winkler']:.3f}", file=sys.stderr)
        for name, row in entry["scaled"].items():
            print(f"  {name} scaled " + " ".join(f"{c}:{v:.3f}" for c, v in row.items()), file=sys.stderr)
    report = {
        **cp.run_record("band_swap"),
        "run": opts.run,
        "backtest": f"forecast backtest {cp.RUNS[opts.run][0]} --models lstm,seasonal-naive",
        "results": result,
    }
    opts.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
