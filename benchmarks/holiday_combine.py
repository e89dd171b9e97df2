"""The damped trend on public holidays (stop 45): the network alone on a holiday step.

The smoother averaged into the network's forecast (``--combine auto``) reads the target
only, so it forecasts a holiday as an ordinary day. An end-to-end sweep found German daily
sales whose Christmas forecast was 89.8 (actual 58.8) with the average and 59.1 without it.
This backtests seeded daily sales of four countries (100 + 20 on weekdays - 60 on a public
holiday of the country, noise sd 3, 2021-01-01 to 2024-01-10), `--country C -H 14 --folds 4
--origin-stride 7` (origins from 2023-12-06 to 2023-12-27, one fit: the folds span
Christmas and New Year), from two source trees, and records the LSTM's leaderboard row and
its error on holiday steps, with `--combine` at its default and forced to `damped`. Usage:

    git worktree add /tmp/before <commit before>
    OMP_NUM_THREADS=1 python benchmarks/holiday_combine.py --tree before=/tmp/before --tree after=. \\
        --out benchmarks/results/holiday_combine.json
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from baseline_bands import backtest_json, tree_options  # a backtest from a tree; --tree NAME=PATH, --out

COUNTRIES = ("DE", "JP", "BR", "IN")
ARGS = ["-H", "14", "--folds", "4", "--origin-stride", "7", "--models", "lstm"]
# the default (validation decides: with these folds it left the smoother out of all four),
# and the average forced in, as validation chooses it where the network is less sure
SETTINGS = {"auto": [], "damped": ["--combine", "damped"]}


def write_sales(path: Path, country: str, seed: int) -> None:
    import holidays

    days = pd.date_range("2021-01-01", "2024-01-10", freq="D")
    table = holidays.country_holidays(country, years=range(2021, 2025))
    holiday = np.array([d.date() in table for d in days])
    rng = np.random.default_rng(seed)
    y = 100 + 20 * (days.day_of_week < 5) - 60 * holiday + rng.normal(0, 3, len(days))
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "sales": y.round(1)}).to_csv(path, index=False)


def backtest(tree: Path, data: Path, country: str, predictions: Path, extra: list[str]) -> dict:
    args = ["--country", country, *ARGS, *extra, "--predictions-out", str(predictions)]
    out, _ = backtest_json(tree, data, args)
    row = next(r for r in out["leaderboard"] if r["model"] == "lstm")
    keys = ("mase", "cov_80", "cov_95", "winkler_80", "winkler_95")
    return {**{k: row[k] for k in keys}, "damped_weight": out["config"]["plans"]["lstm"].get("damped_weight")}


def holiday_errors(predictions: Path, country: str) -> dict:
    """Mean absolute error and 95% coverage of the LSTM on holiday and other steps."""
    import holidays

    rows = pd.read_csv(predictions, parse_dates=["timestamp"])
    rows = rows[rows["model"] == "lstm"]
    table = holidays.country_holidays(country, years=range(2023, 2025))
    on = rows["timestamp"].dt.date.map(lambda d: d in table).to_numpy(dtype=bool)
    error = (rows["forecast"] - rows["actual"]).abs().to_numpy()
    inside = ((rows["lo-95"] <= rows["actual"]) & (rows["actual"] <= rows["hi-95"])).to_numpy()
    return {
        "holiday_steps": int(on.sum()),
        "holiday_mae": float(error[on].mean()) if on.any() else None,
        "other_mae": float(error[~on].mean()),
        "holiday_cov_95": float(inside[on].mean()) if on.any() else None,
    }


def main() -> None:
    opts, trees, results = tree_options(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        for seed, country in enumerate(COUNTRIES):
            data = Path(tmp) / f"sales_{country}.csv"
            write_sales(data, country, seed)
            for setting, extra in SETTINGS.items():
                for label, path in trees.items():
                    predictions = Path(tmp) / f"{country}_{label}.csv"
                    row = backtest(Path(path).resolve(), data, country, predictions, extra)
                    row.update(holiday_errors(predictions, country))
                    results["runs"].setdefault(f"{country} {setting}", {})[label] = row
                    shown = {k: v if not isinstance(v, float) else round(v, 3) for k, v in row.items()}
                    print(country, setting, label, shown, flush=True)
    results["command_args"] = ARGS
    Path(opts.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
