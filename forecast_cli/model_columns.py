"""New data read by a fitted model: the columns it needs, checked before anything is read.

``predict`` and ``info`` take no --target, --features or --id-col: a model reads new data
with the column names it was trained on, so a missing or empty column is refused naming
the column as the model's, and a model trained on a wide table reads a wide file the way
training melted it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from .config import DataConfig
from .errors import DataError, UsageError
from .panel_layout import id_parts, target_parts, wide_columns


def columns_for_model(
    raw: pd.DataFrame, cfg: DataConfig, model: str, wide_target: str | None = None
) -> DataConfig:
    """``cfg`` for reading new data with a fitted model, after refusing data that lacks a
    column the model reads (its series id, target or feature columns, as ``cfg`` names
    them) or holds no value in one.

    A model trained on a wide table (``wide_target``: its ``--target`` columns) reads a
    wide file as training read it, melted again (``_wide_for_model``), or the long layout
    its melt made (columns ``series`` and ``value``). The message names the column as the
    model's: ``predict`` takes no --target, --features or --id-col, so blaming those flags
    would send the user looking for options they never gave.
    """
    columns = [str(c).strip() for c in raw.columns]
    # a compound id's each; '' (one series, nothing detected) names no column
    ids: list[str | None] = [*id_parts(cfg.id_col, columns)] or [cfg.id_col or None]
    roles: list[tuple[str, str | None]] = [*(("series id", part) for part in ids), ("target", cfg.target)]
    if wide_target is not None and not {cfg.id_col, cfg.target} <= set(columns):
        cfg, series = _wide_for_model(raw, cfg, model, wide_target)
        roles = [("series", name) for name in series]
    roles += [*(("feature", f) for f in cfg.features), *(("static", s) for s in cfg.static_cols)]
    for role, name in roles:
        if name is None:
            continue
        if name not in columns:
            raise UsageError(
                f"the data has no column {name!r}, the {role} column of model {model}; "
                f"columns: {', '.join(columns)}; rename the column, or train a model on this data"
            )
        if raw.iloc[:, columns.index(name)].isna().all():
            raise DataError(
                f"column {name!r}, the {role} column of model {model}, has no values (all empty or NaN); "
                "the model needs its recent values"
            )
    return cfg


def _wide_for_model(
    raw: pd.DataFrame, cfg: DataConfig, model: str, wide_target: str
) -> tuple[DataConfig, list[str]]:
    """(cfg that melts ``raw`` as training did, the series columns it takes). The model's
    ``--target`` is matched as training matched it: a named column must be there (unless
    --ids picks others), a glob takes the columns it matches now, and a series the model
    never saw is forecast from its own history, as a new id of a long panel is."""
    columns = [str(c).strip() for c in raw.columns]
    parts = target_parts(wide_target)
    present = [p for p in parts if wide_columns(p, columns)]
    if not present:
        raise UsageError(
            f"the data has none of the columns {wide_target!r} that model {model} was trained on "
            f"(one series each), nor its long layout ({cfg.id_col}, {cfg.target}); "
            f"columns: {', '.join(columns)}"
        )
    if len(present) < len(parts) and not cfg.selected_ids():
        missing = next(p for p in parts if p not in present)
        raise UsageError(
            f"the data has no column for {missing!r}, one of the columns {wide_target!r} "
            f"that model {model} was trained on; columns: {', '.join(columns)}"
        )
    # a trailing comma keeps one remaining column a list: a series of the wide table, named
    # by the column, not the target of a single series
    target = ",".join(present) + ("," if len(present) == 1 else "")
    return dataclasses.replace(cfg, target=target, id_col=None), wide_columns(target, columns)
