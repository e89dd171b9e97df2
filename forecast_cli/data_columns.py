"""Which columns of a raw table are its time and its target, when the options do not say.

A column is taken only when the choice is unambiguous (one column that reads as time, one
numeric column); otherwise the message names the candidates and the option that chooses.
A column named like time that nothing reads is an error, not a label: see
``resolve_time_column``.
"""

from __future__ import annotations

import os
import re
import shlex

import pandas as pd

from .cell_numbers import looks_numeric
from .epoch_times import EPOCH_SECONDS, epoch_hint, epoch_unit, reads_epoch
from .errors import DataError, UsageError, first_few
from .number_times import STEP_NAMES, YEAR_NAMES, whole_numbers, whole_years
from .parse import check_time_format, looks_like_time, reads_as

_TIME_NAMES = ("timestamp", "datetime", "date", "time", "ds", "month", "week", "day", "period", "quarter")
TIME_NAMES = (*_TIME_NAMES, *STEP_NAMES, *YEAR_NAMES)  # columns whose numbers are steps or years
DATE_NAMES = tuple(n for n in _TIME_NAMES if n not in STEP_NAMES)  # names of dates, never of step numbers


def resolve_time_column(
    raw: pd.DataFrame, requested: str | None, time_format: str | None = None
) -> str | None:
    """The time column: ``requested``, else the one column that looks like time (None: none,
    or ``requested == ""`` for integer steps); several candidates ask for --time-col.

    With ``time_format`` a column is time when that format reads it. A text column named
    like time (``month``, ``date``...) that nothing reads is an error naming
    ``--time-format``: taken as a label, it would leave the rows counted as steps in
    file order, with no word said (``01/2015`` months trained as steps 0, 1, 2...)."""
    if requested == "":
        return None
    if requested is not None:
        if requested not in raw.columns:
            raise UsageError(f"--time-col {requested!r} is not a column; columns: {column_list(raw)}")
        return requested
    if time_format is not None:
        check_time_format(time_format)
        candidates = [c for c in raw.columns if reads_as(raw[c], time_format)]
    else:
        candidates = [c for c in raw.columns if looks_like_time(raw[c])]
    if not candidates:  # numbers are time only under a name that says so: year = 1960, 1961...
        candidates = [c for c in raw.columns if str(c).strip().lower() in YEAR_NAMES and whole_years(raw[c])]
    if not candidates:  # ... or ds = 1, 2, 3 (steps)
        candidates = [
            c for c in raw.columns if str(c).strip().lower() in STEP_NAMES and whole_numbers(raw[c])
        ]
    if len(candidates) > 1:
        named = [c for c in candidates if c.lower() in _TIME_NAMES]
        if len(named) == 1:
            return named[0]
        raise UsageError(
            f"several columns look like time ({', '.join(candidates)}); choose one with --time-col"
        )
    if not candidates:
        _refuse_unread_time(raw, time_format)
        if time_format is not None:
            _refuse_unread_format(raw, time_format)
    return candidates[0] if candidates else None


def _refuse_unread_format(raw: pd.DataFrame, time_format: str) -> None:
    """A ``--time-format`` that reads no column: the person meant a time column, so the
    rows must not be counted as steps. A column that reads as time without the format
    (``Periode`` = 01.01.1949) was dropped for it, and the run trained on row numbers with
    season 1 and exit 0."""
    likely = [c for c in raw.columns if looks_like_time(raw[c])]
    texts = [c for c in raw.columns if not looks_numeric(raw[c]) and raw[c].notna().any()]
    if time_format == EPOCH_SECONDS:  # numbers that are no Unix time %s reads: say why
        named = [c for c in raw.columns if str(c).strip().lower() in _TIME_NAMES and raw[c].notna().any()]
        for c in named:
            first = str(raw[c].dropna().iloc[0]).strip()
            if hint := epoch_hint(first):
                raise DataError(
                    f"--time-format %s reads no column; column {c!r} holds e.g. {first!r}: {hint}"
                )
    column = (likely or texts or [None])[0]
    seen = ""
    if column is not None:
        seen = f"; column {column!r} holds e.g. {str(raw[column].dropna().iloc[0]).strip()!r}"
    raise DataError(
        f"--time-format {time_format!r} reads no column{seen}; give the layout it is written in "
        "(such as %d.%m.%Y for 01.01.1949), or leave --time-format out to have it detected"
    )


def _refuse_numbered_dates(name: object, column: pd.Series, time_format: str | None) -> None:
    """Raise for numbers in a column named like dates (``date`` = 20240105, ``month`` =
    202401) that no step name or --time-format claims: they were left as a feature, and
    the rows were modelled in file order, shuffled or not, with exit 0."""
    if time_format is not None or str(name).strip().lower() in STEP_NAMES:
        return
    if not whole_numbers(column):
        values = column.dropna()
        fractions = pd.api.types.is_float_dtype(column) and bool((values != values.round()).any())
        if fractions:  # 01.1949 read as 1.1949 (not whole numbers with an empty cell)
            raise DataError(
                f"column {name!r} is named like time but holds decimal numbers (e.g. {float(values[values != values.round()].iloc[0])!r}); "
                "if they are dates, give --time-format for their layout (such as %m.%Y for 01.1949), "
                "--time-col NAME for another column, or --time-col '' to count rows as steps"
            )
        return
    digits = column.dropna().astype("int64").astype(str).str.len()
    layout = {8: "%Y%m%d", 6: "%Y%m"}.get(int(digits.iloc[0])) if digits.nunique() == 1 else None
    how = (
        f"give --time-format {layout} if they are dates" if layout else "give --time-format for their layout"
    )
    if layout is None and reads_epoch(column.dropna()):  # 1711584000 or 1711584000000
        unit = "milliseconds" if epoch_unit(column.dropna()) == "ms" else "seconds"
        how = f"they look like Unix time ({unit} since 1970): give --time-format %s"
    elif layout is None and digits.nunique() == 1 and int(digits.iloc[0]) == 5:
        # 29221 is 1980-01-01 to a spreadsheet (days from 1899-12-30): no strftime reads it
        first = pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(column.dropna().iloc[0]))
        how = (
            f"they look like a spreadsheet's serial day numbers ({int(column.dropna().iloc[0])} is "
            f"{first.date()}): format the column as dates before exporting (Excel: Format Cells > Date)"
        )
    raise DataError(
        f"column {name!r} is named like time but holds numbers (e.g. {int(column.iloc[0])}); {how}, "
        "--time-col NAME for another column, or --time-col '' to count rows as steps"
    )


# Words of a text column's name that say it holds time, in the languages exports come in
# (an ENTSO-E file's "Time (CET/CEST)" or "MTU", a German "Datum"); matched as words, and
# only for text: a number column named "travel_time" is data, not stamps.
_TIME_WORDS = frozenset(
    (
        *_TIME_NAMES,
        "mtu",
        "datum",
        "zeit",
        "zeitpunkt",
        "zeitstempel",
        "fecha",
        "hora",
        "heure",
        "jour",
        "tijd",
        "year",  # a "Year" or "Fiscal Year" of FY2010: read as numbered steps, exit 0
        "fy",
        "hour",
        "jahr",
        "monat",
        "woche",
        "anno",
        "mes",
        "mois",
        "semana",
        "semaine",
    )
)
# A cell written like a date or a clock: 01.03.2024, 2024-03-01, 3/1/24, 00:15.
_WRITTEN_LIKE_TIME = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\b\d{1,2}:\d{2}\b")


def _text_like_time(name: object, column: pd.Series) -> bool:
    """A text column that says it holds time: by a word of its name, or by most of its
    cells being written as dates or clock times. Before, only the exact names counted,
    and an export whose "Time (CET/CEST)" held "01.03.2024 00:00 - 01.03.2024 00:15" was
    trained as 4,316 numbered steps, with no season and exit 0."""
    cells = column.dropna().astype(str).head(200)
    if not len(cells):
        return False
    if set(re.findall(r"[a-z]+", str(name).lower())) & _TIME_WORDS:  # and written with digits:
        return bool(cells.str.contains(r"\d").mean() > 0.5)  # day_type = workday is a label
    return bool(cells.str.contains(_WRITTEN_LIKE_TIME).mean() > 0.9)


def _refuse_unread_time(raw: pd.DataFrame, time_format: str | None) -> None:
    """Raise when a text column says it holds time (``_text_like_time``, or a number column
    one of the exact time names) but no layout (or ``time_format``) reads it."""
    for c in raw.columns:
        column = raw[c]
        exact = str(c).strip().lower() in _TIME_NAMES
        if not exact and (pd.api.types.is_numeric_dtype(column) or looks_numeric(column)):
            continue
        if not exact and (time_format is not None or not _text_like_time(c, column)):
            continue  # a format that reads nothing is ``_refuse_unread_format``'s to name
        values = column.dropna().astype(str).str.strip()
        if pd.api.types.is_numeric_dtype(column):
            if time_format is not None and str(c).strip().lower() in DATE_NAMES and len(values):
                if whole_numbers(column.dropna()):  # 20120101 read as a number: shown as written
                    values = column.dropna().astype("int64").astype(str)
            else:
                _refuse_numbered_dates(c, column, time_format)
                continue
        if values.empty or (looks_numeric(column) and time_format is None):  # a given format names it
            continue
        if time_format == EPOCH_SECONDS and (hint := epoch_hint(values.iloc[0])):  # 1704067200000000
            raise DataError(f"column {c!r} is not read by --time-format %s (e.g. {values.iloc[0]!r}): {hint}")
        how = (
            f"--time-format {time_format!r} does not read it" if time_format else "it is in no layout we read"
        )
        raise DataError(
            f"column {c!r} looks like the time column, but {how} (e.g. {values.iloc[0]!r}); give "
            f"{'a --time-format that does' if time_format else '--time-format'} (such as %m/%Y or "
            "%d.%m.%Y %H:%M), or --time-col '' to count rows as steps"
        )


def resolve_target(raw: pd.DataFrame, target: str | None, time_col: str | None, features) -> str:
    """The named target, or the one column meant as numbers. A text column of mostly
    numbers counts, so that unreadable values (``1,5`` without ``--decimal ,``) are
    reported instead of another column being forecast in its place."""
    if target is not None:
        if target not in raw.columns:
            raise UsageError(f"--target {target!r} is not a column; columns: {column_list(raw)}")
        return target
    numeric = [c for c in raw.columns if c != time_col and c not in features and looks_numeric(raw[c])]
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        inputs = [str(c) for c in raw.columns if c != time_col and c in features and looks_numeric(raw[c])]
        if inputs:  # the numbers are there, named as inputs: a target cannot also be an input
            which = "the only numeric columns, are" if len(inputs) > 1 else "the only numeric column, is"
            raise UsageError(
                f"{first_few(inputs, 4)}, {which} named in --features or --future-features: the column to "
                "forecast cannot also be an input; leave it out of that flag, or name another --target"
            )
        shown = [  # what the columns hold: '5.8%' or '1 234,5' says why none reads as numbers
            f"{c} (e.g. {str(raw[c].dropna().iloc[0]).strip()!r})" if raw[c].notna().any() else f"{c} (empty)"
            for c in raw.columns
            if c != time_col
        ]
        raise DataError(
            f"no numeric column to forecast: {', '.join(shown[:6]) or 'only the time column'}; "
            "name one with --target to see which of its cells are not numbers"
        )
    names = [str(c) for c in numeric]
    prefix = os.path.commonprefix(names)
    # quoted as a shell reads it: names with spaces (states, products) pasted bare split
    several = (
        shlex.quote(f"{prefix}*") if len(prefix) >= 2 and len(names) > 3 else shlex.quote(",".join(names[:3]))
    )
    raise UsageError(
        f"{len(names)} numeric columns ({first_few(names, 8)}); choose one with --target, or several "
        f"(--target {several}) for one series each"
    )


def refuse_feature_flags(raw: pd.DataFrame, target: str | None, features, known) -> None:
    """The --features and --future-features names against the table's columns, once for a
    whole panel: a column in both flags, a name that is no column, or the target among them.
    These are errors of the options, not of one series, and are refused before any
    series is read."""
    both = [name for name in known if name in features]
    if both:
        raise UsageError(f"{', '.join(both)} is in --features and --future-features; name it in one")
    for name in (*features, *known):
        flag = "--future-features" if name in known else "--features"
        if name not in raw.columns:
            raise UsageError(f"{flag} names {name!r}, which is not a column; columns: {column_list(raw)}")
        if name == target:
            raise UsageError(f"{name!r} is the target; leave it out of {flag}")


def column_list(raw: pd.DataFrame) -> str:
    """The table's columns for a message: ``date, value``."""
    return ", ".join(map(str, raw.columns))


def time_index_as_column(raw: pd.DataFrame, time_col: str | None) -> pd.DataFrame:
    """A frame whose timestamps are its index (pandas' usual form of a time series: a
    DatetimeIndex or PeriodIndex), with them moved into a column the loader reads, named
    as the index is (``timestamp`` when unnamed). Left as its index, a library caller's
    monthly frame was read as integer steps: no season, and forecasts stamped step 144.
    ``--time-col ''`` (integer steps asked for) keeps the index out.

    A panel indexed by named levels (``set_index(["series", "date"])``, pandas' usual form
    of one) has every level moved into a column, where the id and time are found as in a
    file. Columns of several levels are refused: no column name would say which one is
    meant, and before this a frame of them trained and then failed to predict."""
    if isinstance(raw.columns, pd.MultiIndex):
        raise UsageError(
            f"the frame's columns have {raw.columns.nlevels} levels (such as {raw.columns[0]!r}); "
            "give each column one name, e.g. frame.columns = ['_'.join(map(str, c)) for c in frame.columns]"
        )
    if isinstance(raw.index, pd.MultiIndex):
        names = [n for n in raw.index.names if n is not None]
        if len(names) == raw.index.nlevels and not set(map(str, names)) & set(map(str, raw.columns)):
            return raw.reset_index()
        return raw
    if time_col == "" or not isinstance(raw.index, pd.DatetimeIndex | pd.PeriodIndex):
        return raw
    name = str(raw.index.name) if raw.index.name is not None else "timestamp"
    if name in raw.columns:  # a column of that name is the time column, or holds other data
        return raw
    return raw.reset_index(names=name)
