"""Bands of short single series: coverage and interval score one season past the data.

A series of a few years calibrates its network on a handful of validation windows. This
cuts 60 M1 series (evenly spaced through those long enough, in file order) to their first
N rows at several lengths, trains each alone with the CLI's defaults, predicts the next season
with 80% and 95% bands, and scores them against the rows that follow: coverage, and the
Winkler (interval) score divided by the series' MASE scale (mean absolute one-step change
of the rows given), averaged over series. Beside it, the reference a band must beat:
seasonal naive with split-conformal bands from its errors at every origin of the rows
given (its forecast is the last season repeated), scored the same way.

Run it from the root of each tree to compare (``python -m forecast_cli`` reads the package
of the working directory first, whatever ``PYTHONPATH`` says), e.g. before and after a
change to the bands, the older tree checked out at /tmp/before:

    python benchmarks/short_bands.py --out benchmarks/results/short_bands.json
    cd /tmp/before && PYTHONPATH=. python /path/to/benchmarks/short_bands.py --out /tmp/before.json
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

DATASETS = Path(os.environ.get("FORECAST_DATASETS", "/work/shared/datasets"))
CUTS = {  # data set -> (season, lengths)
    "m1_quarterly": (4, (12, 24, 40)),
    "m1_monthly": (12, (36, 60, 96)),
}
SERIES = 60
LEVELS = (80, 95)


def winkler(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: int) -> float:
    a = 1 - level / 100
    return float(np.mean(hi - lo + 2 / a * (lo - y) * (y < lo) + 2 / a * (y - hi) * (y > hi)))


def naive_half(y: np.ndarray, season: int, horizon: int, level: int) -> np.ndarray:
    """Seasonal naive's conformal half-width per step from its errors at every origin of
    ``y`` (steps with fewer than 20 errors borrow their neighbours', as ours do)."""
    errors = np.full((len(y), horizon), np.nan)
    for o in range(season, len(y)):
        for h in range(min(horizon, len(y) - o)):
            errors[o, h] = y[o + h] - y[o - season + h % season]
    out = []
    for h in range(horizon):
        picked, k = [errors[:, h]], 1
        while sum(np.isfinite(e).sum() for e in picked) < 20 and (h - k >= 0 or h + k < horizon):
            picked += [errors[:, j] for j in (h - k, h + k) if 0 <= j < horizon]
            k += 1
        e = np.sort(np.abs(np.concatenate(picked)[np.isfinite(np.concatenate(picked))]))
        out.append(e[min(len(e), math.ceil((len(e) + 1) * level / 100)) - 1])
    return np.array(out)


def score_cut(name: str, rows: int, season: int, tmp: Path) -> dict:
    df = pd.read_csv(DATASETS / f"{name}.csv")
    long_enough = [s for s, g in df.groupby("series", sort=False) if len(g) >= rows + season]
    ids = [
        long_enough[i]
        for i in np.linspace(0, len(long_enough) - 1, min(SERIES, len(long_enough))).astype(int)
    ]
    per = []
    for sid in ids:
        g = df[df["series"] == sid]
        given, test = g.iloc[:rows], g.iloc[rows : rows + season]["value"].to_numpy()
        data, model = tmp / f"{sid}.csv", tmp / f"{sid}.fcst"
        given[["period", "value"]].to_csv(data, index=False)
        train = [sys.executable, "-m", "forecast_cli", "train", str(data), "-o", str(model), "-q"]
        subprocess.run(train, check=True, capture_output=True)
        predict = [sys.executable, "-m", "forecast_cli", "predict", "-m", str(model), "-f", "csv", "-q"]
        out = pd.read_csv(
            io.StringIO(subprocess.run(predict, check=True, capture_output=True, text=True).stdout)
        )
        y = given["value"].to_numpy(dtype=float)
        scale = float(np.mean(np.abs(np.diff(y))))
        point = out["value"].to_numpy()[: len(test)]
        snaive = np.resize(y[-season:], len(test))
        row = {"id": sid, "mase": float(np.mean(np.abs(test - point)) / scale)}
        for level in LEVELS:
            lo, hi = (out[f"value-{side}-{level}"].to_numpy()[: len(test)] for side in ("lo", "hi"))
            half = naive_half(y, season, len(test), level)
            row[f"cov_{level}"] = float(np.mean((test >= lo) & (test <= hi)))
            row[f"winkler_{level}"] = winkler(test, lo, hi, level) / scale
            row[f"snaive_cov_{level}"] = float(np.mean(np.abs(test - snaive) <= half))
            row[f"snaive_winkler_{level}"] = winkler(test, snaive - half, snaive + half, level) / scale
        per.append(row)
    keys = [k for k in per[0] if k != "id"]
    return {
        "set": f"{name}_{rows}",
        "series": len(per),
        "mean": {k: float(np.mean([r[k] for r in per])) for k in keys},
        "rows": per,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    opts = parser.parse_args()
    sets = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (season, lengths) in CUTS.items():
            for rows in lengths:
                got = score_cut(name, rows, season, Path(tmp))
                sets.append(got)
                m = got["mean"]
                print(
                    f"{got['set']:16s} cov {m['cov_80']:.2f}/{m['cov_95']:.2f} Winkler {m['winkler_80']:.2f}/"
                    f"{m['winkler_95']:.2f}  snaive cov {m['snaive_cov_80']:.2f}/{m['snaive_cov_95']:.2f} "
                    f"Winkler {m['snaive_winkler_80']:.2f}/{m['snaive_winkler_95']:.2f}",
                    file=sys.stderr,
                )
    opts.out.write_text(
        json.dumps(
            {
                "benchmark": "short_bands",
                "command": "python benchmarks/short_bands.py " + shlex.join(sys.argv[1:]),
                "machine": platform.platform(),
                "python": platform.python_version(),
                "package": os.environ.get("PYTHONPATH", "installed"),
                "sets": sets,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
