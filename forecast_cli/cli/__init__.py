"""The command-line layer; the only part of the package that imports typer."""

# Each import registers its command; `forecast --help` lists them in this order (the workflow's).
# isort: off
from .app import app  # `forecast train`
from . import predict_cmd as _predict_cmd  # noqa: F401
from . import backtest_cmd as _backtest_cmd  # noqa: F401
from . import fetch_cmd as _fetch_cmd  # noqa: F401
from . import info_cmd as _info_cmd  # noqa: F401

# isort: on
from .entry import main

__all__ = ["app", "main"]
