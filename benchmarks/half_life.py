"""Run ``panel_ours.py`` with another half-life for the weight average (``forecast_cli.weight_average``).

Usage: python benchmarks/half_life.py 6 --dataset m1_quarterly --set seed=0 --out FILE
(the first argument is the half-life in epochs; the rest go to panel_ours.py)
"""

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import forecast_cli.weight_average as weight_average  # noqa: E402

weight_average.HALF_LIFE_EPOCHS = float(sys.argv[1])
sys.argv = ["panel_ours.py", *sys.argv[2:]]
runpy.run_path(str(HERE / "panel_ours.py"), run_name="__main__")
