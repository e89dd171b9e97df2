"""How a table lays out its series: several target columns (wide), or an id column (long).

Decided before anything is read as a series, so that a long panel given without
``--id-col`` is never averaged into one series (its repeated timestamps are different
series, not duplicates) and a wide table becomes the same long table a long file gives.
"""

from __future__ import annotations

import dataclasses
import shlex

import numpy as np
import pandas as pd

from .clock_columns import refuse_clock_as_id
from .config import ID_NAMES, DataConfig
from .data_columns import resolve_target, resolve_time_column
from .errors import DataError, MergedSeries, UsageError

WIDE_ID, WIDE_TARGET = "series", "value"


def is_wide(target: str, columns) -> bool:
    """A list or glob of columns, unless a column is named exactly so (``Sales [EUR]``,
    ``Sales, EUR``): an exact name wins, as a file's own header is not a pattern."""
    if target in {str(c).strip() for c in columns}:
        return False
    return "," in target or is_glob(target)


def is_glob(text: str) -> bool:
    """Whether ``text`` holds a glob's wildcards (``sensor_*``, ``s?``, ``[ab]*``)."""
    return any(c in text for c in "*?[")


def trained_wide(config_target: str | None, target: str, id_col: str | None) -> str | None:
    """The ``--target`` of a model trained on a wide table (several columns, each a series),
    else None. Such a model reads the melted layout (id ``series``, target ``value``); its
    config keeps the columns it was given, so ``predict`` can melt a wide file the same way."""
    if id_col == WIDE_ID and target == WIDE_TARGET and config_target and config_target != WIDE_TARGET:
        return config_target
    return None


def wide_columns(pattern: str, columns) -> list[str]:
    """The columns a wide ``--target`` (a list, globs allowed) picks, in its order."""
    chosen: list[str] = []
    for part in target_parts(pattern):
        chosen += [c for c in _matching(part, columns) if c not in chosen]
    return chosen


def target_parts(pattern: str) -> list[str]:
    """The comma-separated parts of a wide ``--target`` (or a compound ``--id-col``),
    spaces around them dropped."""
    return [p.strip() for p in pattern.split(",") if p.strip()]


def _matching(part: str, columns) -> list[str]:
    import fnmatch

    return [str(c) for c in columns if fnmatch.fnmatchcase(str(c), part)]


def melt_wide(raw: pd.DataFrame, cfg: DataConfig) -> tuple[pd.DataFrame, DataConfig]:
    """``--target a,b,c`` or a glob (``'sensor_*'``): each named column becomes a series of a
    long table (id column ``series``, target ``value``); time and feature columns are shared.
    A glob skips the time column and the columns named as inputs."""
    columns = [str(c) for c in raw.columns]
    chosen: list[str] = []
    # a glob ('*', 'y*') picks series, never the columns that say when or what else: the
    # time column ('year' became a series, and the time axis steps) or a named input
    inputs = {*cfg.features, *cfg.future_features, *cfg.static_cols}
    if is_glob(cfg.target or ""):
        inputs.add(str(resolve_time_column(raw, cfg.time_col, cfg.time_format)))
    for pattern in target_parts(cfg.target or ""):
        matches = _matching(pattern, columns)
        if is_glob(pattern):
            matches = [m for m in matches if m not in inputs]
        if not matches:
            raise UsageError(f"--target {pattern!r} matches no column; columns: {', '.join(columns)}")
        chosen += [m for m in matches if m not in chosen]
    if cfg.id_col:
        raise UsageError("--target with several columns makes the series itself; drop --id-col")
    for taken in (WIDE_ID, WIDE_TARGET):
        if taken in columns and taken not in chosen:
            raise UsageError(f"a wide table with a column named {taken!r} cannot be melted; rename it")
    keep = [c for c in raw.columns if str(c) not in chosen]
    # ignore_index=False: every melted row keeps its file row, so errors give that row.
    # Melted under names no column has, then renamed: pandas refuses a value_name equal to
    # a column melted (a series named 'value' is a column like any other).
    var, val = _unused("series", raw.columns), _unused("value", raw.columns)
    long = raw.melt(id_vars=keep, value_vars=chosen, var_name=var, value_name=val, ignore_index=False)
    long = long.rename(columns={var: WIDE_ID, val: WIDE_TARGET})
    return long, dataclasses.replace(cfg, target=WIDE_TARGET, id_col=WIDE_ID)


def _unused(stem: str, columns) -> str:
    names = {str(c) for c in columns}
    return next(f"__{stem}{i}__" for i in range(len(names) + 1) if f"__{stem}{i}__" not in names)


ID_JOIN = "/"  # between the parts of a compound id (hierarchicalforecast's convention)


def id_parts(id_col: str | None, columns) -> list[str]:
    """The columns of a compound ``--id-col`` (``State,Region,Purpose``): series named by
    several columns together, as tourism's regions within states. Empty for one column;
    a column named exactly so (``Store, Dept``) is one column, as a file's header is."""
    if not id_col or "," not in id_col or id_col in {str(c).strip() for c in columns}:
        return []
    return target_parts(id_col)


def with_compound_id(raw: pd.DataFrame, id_col: str | None) -> tuple[pd.DataFrame, str | None]:
    """``raw`` with a compound id's column added (named by the parts joined with commas,
    values joined with ``/``: ``Sydney/New South Wales/Business``), and its name; ``raw``
    and ``id_col`` unchanged for one column. A row missing any part has no id (NaN)."""
    parts = id_parts(id_col, raw.columns)
    if not parts:
        return raw, id_col
    stripped = {str(c).strip(): c for c in raw.columns}
    absent = [p for p in parts if p not in stripped]
    if absent:
        raise UsageError(
            f"--id-col names {', '.join(map(repr, absent))}, not a column; columns: {', '.join(stripped)}"
        )
    name = ",".join(parts)
    columns = [raw[stripped[p]] for p in parts]
    joined = columns[0].astype(str)
    for column in columns[1:]:
        joined = joined + ID_JOIN + column.astype(str)
    missing = pd.concat([c.isna() for c in columns], axis=1).any(axis=1)
    joined = joined.mask(missing)
    pairs = pd.DataFrame({p: c.to_numpy() for p, c in zip(parts, columns, strict=True)})[~missing.to_numpy()]
    distinct = pairs.drop_duplicates()
    if len(distinct) != joined.nunique():  # 'A/B' + 'C' and 'A' + 'B/C' both join to 'A/B/C'
        names = distinct.astype(str).agg(ID_JOIN.join, axis=1)
        alike = names[names.duplicated(keep=False)]
        shown = " and ".join(repr(tuple(v)) for v in distinct.loc[alike.index[:2]].itertuples(index=False))
        raise DataError(
            f"--id-col {id_col}: {shown} both join to {alike.iloc[0]!r} (a value holds {ID_JOIN!r}); "
            f"replace the {ID_JOIN!r} in those values, or name the series by one column"
        )
    return raw.assign(**{name: joined}), name


def refuse_merged_series(rows: pd.DataFrame, key: str, time_col: str, id_col: str, used) -> None:
    """Rows of one series (``key``) at one time that differ in a text column outside the
    options are rows of different series (tourism's purposes given ``--id-col State``),
    which ``--agg``'s default would average: refused, naming the columns that tell them
    apart. An ``--agg`` given on purpose (``sum`` for the states' totals) combines them."""
    repeated = rows[time_col].duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    rows = rows.loc[repeated]
    text = [c for c in rows.columns if c not in used and c != time_col and rows[c].dtype.kind in "OSUT"]
    counts = {c: rows.groupby(time_col, sort=False)[c].nunique(dropna=False) for c in text}
    differ = [c for c in text if (counts[c] > 1).any()]
    if not differ:
        return
    first = counts[differ[0]]
    when = first[first > 1].index[0]
    together = ",".join([*(id_parts(id_col, []) or [id_col]), *map(str, differ)])
    raise MergedSeries(
        f"series {key!r} has rows at one time ({when}) that differ in {', '.join(map(repr, differ))}",
        f"they are different series, not duplicates to average; give --id-col {shlex.quote(together)} "
        "to forecast each, or --agg sum (or mean) to combine them into one",
    )


NUMBER_SHARE = 2 / 3  # a column mostly of numbers, with some text, is numbers with stray text


def refuse_stray_text(raw: pd.DataFrame, candidates: list) -> None:
    """Refuse a column of numbers with a few text cells (a ``-`` for missing) that would be
    taken for the series' ids: its message said "'y' is empty on data rows 4; every row
    needs a series id", naming neither the text nor the fix."""
    for column in candidates:
        cells = raw[column].dropna().astype(str).str.strip()
        cells = cells[cells != ""]
        numbers = pd.to_numeric(cells, errors="coerce")
        # all numbers written as text are codes (store 007, read as written): ids
        if len(cells) and NUMBER_SHARE <= numbers.notna().mean() < 1:
            stray = cells[numbers.isna()]
            first = int(raw.index.get_loc(stray.index[0])) + 1 if raw.index.is_unique else None
            where = f" on data row {first}" if first is not None else ""
            raise DataError(
                f"column {column!r} holds numbers and {len(stray)} text cell(s) ({stray.iloc[0]!r}{where}); "
                f"write a missing value as an empty cell, or pass --id-col {shlex.quote(str(column))} "
                "if it names the series"
            )


def detect_id_column(raw: pd.DataFrame, cfg: DataConfig) -> str | None:
    """The id column of a long table given without --id-col, or None for a single series.

    Taken without asking: a column named like an id (``unique_id``...) whose values repeat.
    Otherwise, when the time column repeats and exactly one text column tells the repeats
    apart, that column (a panel, not duplicates). Several candidates, or only a column of
    whole numbers that tells them apart (store numbers, or an hour of day beside a date;
    "tells apart": at least half of the repeated timestamps differ in it, so a duplicated
    row in the export does not hide it): an error asking for --id-col, never an average of
    different series.
    """
    used = {cfg.target, cfg.time_col, *cfg.features, *cfg.future_features, *cfg.static_cols}
    named = [
        c for c in raw.columns if str(c).lower() in ID_NAMES and c not in used and raw[c].nunique() < len(raw)
    ]
    if len(named) == 1:
        return named[0]
    time_col = resolve_time_column(raw, cfg.time_col, cfg.time_format)
    if time_col is None:
        _series_in_blocks(raw, used)
        return None
    if not raw[time_col].duplicated().any():
        return None
    text = [c for c in raw.columns if c not in used and c != time_col and raw[c].dtype.kind in "OSUT"]
    candidates = [c for c in text if 1 < raw[c].nunique() < len(raw)]
    refuse_stray_text(raw, candidates)
    if len(candidates) == 1:
        refuse_clock_as_id(raw, candidates[0])
        return candidates[0]
    if candidates:
        raise UsageError(
            f"timestamps repeat and several text columns could name the series "
            f"({', '.join(map(str, candidates))}); pass --id-col COLUMN"
        )
    repeats = int(raw[time_col].duplicated().sum())
    numbers = [  # a re-exported duplicate row or two must not hide the stores the column names
        c
        for c in _whole_number_columns(raw, used | {time_col, _target_or_none(raw, cfg, time_col)})
        if raw.duplicated([c, time_col]).sum() <= repeats // 2
    ]
    if numbers:
        column = numbers[0]
        raise UsageError(
            f"timestamps repeat, and the numbers in column {column!r} tell the repeats apart: if it "
            f"names the series, pass --id-col {shlex.quote(str(column))} (its values are then read as written); "
            "if it is part of the time, put it into the time column"
        )
    return None


def _series_in_blocks(raw: pd.DataFrame, used: set) -> None:
    """Without a time column, refuse a text column whose values each fill one run of rows
    (two values or more, two rows each or more), asking which it is: stores one after
    another, or one series with a label that changed (a regime, a unit). Ignored, it joined
    three stores end to end into one series of steps, exit 0 with no word said; taken as the
    id, it split a series at its label's change as silently. ``--id-col COLUMN`` or
    ``--id-col ''`` (one series) answers. A column whose values come back after another (a
    weather label) names no series."""
    candidates = []
    for column in (c for c in raw.columns if c not in used and raw[c].dtype.kind in "OSUT"):
        codes, values = pd.factorize(raw[column])
        runs = 1 + int(np.count_nonzero(np.diff(codes))) if len(codes) else 0
        if (
            1 < len(values) == runs and np.bincount(codes).min() >= 2
        ):  # an empty cell (-1) is a run of its own
            candidates.append(column)
    if candidates:
        column = candidates[0]
        runs = raw[column].nunique()
        raise UsageError(
            f"there is no time column, and the text in column {column!r} changes {runs - 1} time"
            f"{'s' if runs > 2 else ''}, each value in one run of rows: give --id-col "
            f"{shlex.quote(str(column))} if its values name series (each counted in its own steps), "
            "or --id-col '' if the rows are one series"
        )


def _whole_number_columns(raw: pd.DataFrame, used: set) -> list[str]:
    """Integer columns outside ``used`` whose values repeat (at least two rows a value on average)."""
    return [
        c
        for c in raw.columns
        if c not in used and raw[c].dtype.kind in "iu" and 1 < raw[c].nunique() <= len(raw) // 2
    ]


def _target_or_none(raw: pd.DataFrame, cfg: DataConfig, time_col: str) -> str | None:
    """The target the table would get, or None while it is ambiguous (asked for later)."""
    try:
        return resolve_target(raw, cfg.target, time_col, (*cfg.features, *cfg.future_features))
    except (UsageError, DataError):
        return None
