"""The column names our outputs write, and the data columns that would collide with them.

``predict`` writes ``<id>, timestamp, <target>, <target>-lo-80...``; a backtest's
``--predictions-out`` writes ``<id>, origin, timestamp, step, model, forecast, actual,
lo-80...`` and its per-series table ``<id>, model, <metrics>``. A series id column or a
target named like one of those wrote two columns of one name (CSV read the second back as
``timestamp.1``; JSON failed with exit 1), or let a backtest's model names overwrite the
ids (exit 0, the rows of every series mixed). Renaming an output column behind the user's
back would break every script that reads it, so the clash is refused before any work,
naming the column to rename.
"""

from __future__ import annotations

from .errors import UsageError

FORECAST_COLUMNS = ("timestamp",)
BACKTEST_COLUMNS = ("origin", "timestamp", "step", "model", "forecast", "actual")


def refuse_output_clashes(id_col: str | None, target: str, backtest: bool = False) -> None:
    """Raise ``UsageError`` when the data's id column or target is named like a column the
    command writes (see the module docstring)."""
    if backtest:  # the target is written as "forecast" and "actual": only the id can clash
        if id_col is not None and (id_col in BACKTEST_COLUMNS or _band_like(id_col)):
            raise UsageError(
                f"the series id column {id_col!r} has the name of a column the backtest writes "
                f"({', '.join(BACKTEST_COLUMNS)}, lo-/hi- bands); rename it in the data (e.g. {id_col}_id)"
            )
        return
    for role, name in (("series id", id_col), ("target", target)):
        if name in FORECAST_COLUMNS:
            raise UsageError(
                f"the {role} column is named {name!r}, as the forecasts' time column is written; "
                f"rename it in the data (e.g. {name}_{'id' if role == 'series id' else 'value'})"
            )


def _band_like(name: str) -> bool:
    """``lo-80``, ``hi-95``, ``q0.1``: the names of a backtest's band and quantile columns."""
    head, _, level = name.partition("-")
    if head in ("lo", "hi") and level:
        return True
    return name.startswith("q") and name[1:].replace(".", "", 1).isdigit()
