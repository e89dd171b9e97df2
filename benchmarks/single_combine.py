"""``--combine auto`` on single series: the damped trend decided by validation, as a panel's.

Stop 34 let a panel's fit decide on its validation windows whether the damped trend is
averaged into the network's forecast (``combine_weight``); a single series kept its network
alone. This measures what the same decision does for single series, with the CLI's
backtest and its defaults, once per option (``auto``, ``none``, ``damped``):

- every M1 monthly and M1 quarterly series as a single series (``--local``: one network,
  one smoother and one decision per series; 617 and 203 series the defaults were not
  chosen on);
- the four sample series of ``compare.py`` at its horizons and fold counts;
- airline over 24 origins one month apart (``coverage_peers.py``'s ``air24``).

Each run records the LSTM's leaderboard row and at how many fits the smoother went in.

Usage (about 15 minutes on the 2-core machine):
    OMP_NUM_THREADS=1 python benchmarks/single_combine.py --out benchmarks/results/single_combine.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from combine_panels import OPTIONS, SHARED, backtest  # noqa: E402
from coverage_peers import run_record  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
KEYS = ("mase", "smape", "cov_80", "winkler_80", "cov_95", "winkler_95", "crps")
RUNS = {
    "m1_monthly_local": f"{SHARED / 'm1_monthly.csv'} --id-col series --target value --local",
    "m1_quarterly_local": f"{SHARED / 'm1_quarterly.csv'} --id-col series --target value --local",
    "electricity": f"{SAMPLE / 'taylor_halfhourly.csv'} --target demand_mw --horizon 48 --folds 10",
    "passengers": f"{SAMPLE / 'airpassengers.csv'} --target passengers --horizon 12 --folds 3",
    "msft": f"{SAMPLE / 'msft_daily.csv'} --target Close --horizon 5 --folds 10",
    "weather": f"{SAMPLE / 'seattle_weather.csv'} --target temp_max --horizon 7 --folds 10",
    "airline_24": f"{SAMPLE / 'airpassengers.csv'} --target passengers --folds 24 --origin-stride 1",
}


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", default=",".join(RUNS))
    opts = parser.parse_args()
    runs = {}
    for name in opts.runs.split(","):
        runs[name] = {option: backtest(RUNS[name], option, KEYS) for option in OPTIONS}
        row = runs[name]
        print(
            f"{name:20s} MASE none {row['none']['mase']:.3f} damped {row['damped']['mase']:.3f} "
            f"auto {row['auto']['mase']:.3f} (in/out {row['auto']['damped_weight']})",
            file=sys.stderr,
        )
    ratios = {
        f"{key} {a}/{b}": geometric_mean([r[a][key] / r[b][key] for r in runs.values()])
        for key in ("mase", "winkler_80", "winkler_95")
        for a, b in (("auto", "none"), ("auto", "damped"))
    }
    record = {**run_record("single_combine"), "runs": runs, "geometric_mean_ratios": ratios}
    opts.out.write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps(ratios, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
