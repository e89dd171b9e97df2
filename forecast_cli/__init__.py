"""forecast: recurrent-network time-series forecasting, usable as a library and a CLI.

The library never imports typer or rich's CLI parts; ``forecast_cli.cli`` is the only
place that does. Heavy dependencies (torch, pandas) are imported by the modules that
need them, so ``import forecast_cli`` stays cheap.
"""

__version__ = "0.1.0"
