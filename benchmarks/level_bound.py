"""Error levels where errors come in rare jumps: the LSTM's bands with the level bound.

``level_basis.relative_levels`` (``error_levels.relative_levels`` before stop 44) multiplies each series' calibration scale by how far the
network missed it in its last training windows, relative to the panel's median. Prices that
change on a few days a year made that factor a lottery: a series whose one change fell in
those windows got 76 times the median, and a 95% band of 0 to 105 around a price of 10.
This runs the CLI's backtest (``--models lstm --combine auto``, defaults otherwise) from
the source tree it sits in on:

- ``sticky``: six daily prices (400 days, from 9.99 to 14.99) that each change on 2% of days
  by a normal 5%, rounded to cents, 10 folds of the default horizon (7);
- the accommodation panel (Takings, Occupancy) and the M1 panels' rolling backtests of
  ``combine_panels.py``, where the factors were measured: 98% within [1/4, 4].

Run it once per tree (the bound is ``level_basis.LEVEL_BOUND``, ``error_levels.LEVEL_BOUND`` in older trees) and compare the rows.

Usage (about 2 minutes; PYTHONPATH names the tree whose bound is recorded):
    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/level_bound.py --out benchmarks/results/level_bound.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from combine_panels import backtest, build  # noqa: E402
from coverage_peers import run_record  # noqa: E402

PANELS = ("accom_takings", "accom_occupancy", "m1_quarterly_rolling", "m1_monthly_rolling")


def sticky_prices(path: Path, seed: int = 6) -> str:
    """Writes the sticky-price panel to ``path``; its backtest arguments."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", periods=400, freq="D")
    rows = []
    for i in range(6):
        price = 9.99 + i
        for day in days:
            if rng.random() < 0.02:
                price = round(price * (1 + rng.normal(0, 0.05)), 2)
            rows.append((f"P{i}", day.date(), price))
    pd.DataFrame(rows, columns=["sku", "date", "price"]).to_csv(path, index=False)
    return f"{path} --id-col sku --folds 10"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    import importlib.util

    # the tree's own (run with PYTHONPATH=<tree>): the bound's home since stop 44, before in error_levels
    home = (
        "forecast_cli.level_basis"
        if importlib.util.find_spec("forecast_cli.level_basis")
        else "forecast_cli.error_levels"
    )
    levels = importlib.import_module(home)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        panels = build(folder)
        runs = {"sticky": sticky_prices(folder / "sticky.csv"), **{k: panels[k] for k in PANELS}}
        rows = {}
        for name, arguments in runs.items():
            rows[name] = backtest(arguments, "auto")
            print(name, {k: round(v, 4) for k, v in rows[name].items() if isinstance(v, float)}, flush=True)
    args.out.write_text(
        json.dumps(
            {**run_record("level_bound"), "level_bound": getattr(levels, "LEVEL_BOUND", None), "runs": rows},
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
