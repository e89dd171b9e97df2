"""Why the accommodation panel's 80% band covers less than 80%: validation against test.

The panel is 8 Australian states' quarterly accommodation takings. For each of five
yearly origins (fits ending 2011 Q2 .. 2015 Q2, each refitted through the library with
the defaults and horizon 4, one torch thread), this prints the validation MAE of the
network and of seasonal naive (what the calibration saw), the same two over the next
four quarters (what the band is scored on), the 80% coverage there, and the share of
the 32 (state, quarter) actuals that fell below the forecast: near 0 or 1 means the
eight states missed together, so the 32 errors of a year are closer to one draw than to
32. Reference: benchmarks/NOTES.md, "The accommodation panel's calibration (issue 10, stop 17)".

Usage:
    python benchmarks/accommodation_calibration.py --out benchmarks/results/accommodation_calibration.json
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIT_ENDS = ("2011 Q2", "2012 Q2", "2013 Q2", "2014 Q2", "2015 Q2")


def one_origin(raw: pd.DataFrame, quarters: list[str], fit_end: str) -> dict:
    from forecast_cli.config import DataConfig, ForecastConfig
    from forecast_cli.forecaster import Forecaster
    from forecast_cli.panel import prepare_panel

    k = quarters.index(fit_end)
    train, test = raw[raw.Date.isin(quarters[: k + 1])], raw[raw.Date.isin(quarters[k + 1 : k + 5])]
    config = ForecastConfig()
    config.window.horizon = 4
    fitted = Forecaster(config).fit(
        prepare_panel(train, DataConfig(id_col="State", time_col="Date", target="Takings"))
    )
    fc = fitted.predict(levels=[80]).reset_index().sort_values(["State", "timestamp"])
    states = list(fc["State"].unique())
    actual = np.concatenate([test.loc[test.State == s, "Takings"].to_numpy() for s in states])  # (32,)
    snaive = np.concatenate([train.loc[train.State == s, "Takings"].to_numpy()[-4:] for s in states])
    point, lo, hi = (fc[c].to_numpy() for c in ("Takings", "Takings-lo-80", "Takings-hi-80"))
    return {
        "fit_end": fit_end,
        "val_mae_network": fitted.metrics_["val_mae"],
        "val_mae_seasonal_naive": fitted.metrics_["val_seasonal_naive_mae"],
        "test_mae_network": float(np.mean(np.abs(actual - point))),
        "test_mae_seasonal_naive": float(np.mean(np.abs(actual - snaive))),
        "coverage_80": float(np.mean((actual >= lo) & (actual <= hi))),
        "share_below_forecast": float(np.mean(actual < point)),
    }


def main() -> None:
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    raw = pd.read_csv(ROOT / "sample_data" / "aus_accommodation.csv")
    quarters = sorted(raw.Date.unique(), key=lambda s: (int(s[:4]), s[-1]))
    rows = []
    for fit_end in FIT_ENDS:
        rows.append(one_origin(raw, quarters, fit_end))
        print(" ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in rows[-1].items()))
    if args.out:
        Path(args.out).write_text(
            json.dumps(
                {"command": "python benchmarks/accommodation_calibration.py", "origins": rows}, indent=1
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
