"""The command-line layer; the only part of the package that imports typer."""

from . import backtest_cmd as _backtest_cmd  # noqa: F401  (registers `forecast backtest`)
from . import fetch_cmd as _fetch_cmd  # noqa: F401  (registers `forecast fetch`)
from . import info_cmd as _info_cmd  # noqa: F401  (registers `forecast info`)
from .app import app, main

__all__ = ["app", "main"]
