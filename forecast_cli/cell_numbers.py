"""Reading numeric cells safely, and naming the rows where they fail.

A column of numbers becomes float64 with empty cells as NaN; a cell that is no number in
the file's notation (``--decimal``, ``--thousands``), or an infinite one, is an error
that names the column, the data rows and the first value, and says which option would
read it (``1,5`` wants ``--decimal ,``).

Rows are numbered as people see them in the file: "data row N" is the Nth row after
the header, counting from 1 (line N + 1 of a file without blank lines). A column keeps
the index ``read_csv`` gave it, so a panel member's rows are numbered as in the file.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import DataError

_SPACES = ("\u00a0", "\u202f")  # no-break and narrow no-break space: French spreadsheets' groups
# what may group digits in a value taken for a number (a thin space too, as typeset)
_GROUP = re.compile(rf"(?<=\d)[ .'{''.join(_SPACES)}\u2009](?=\d{{3}}\b)")


def looks_numeric(column: pd.Series) -> bool:
    """True for a numeric column with values, or a text column whose first values are
    mostly numbers (in any notation): it is then meant as data, and unreadable values
    are errors."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return bool(column.notna().any())  # an empty column is nobody's data
    if pd.api.types.is_datetime64_any_dtype(column):
        return False
    sample = column.head(200).dropna().astype(str).str.strip()
    if sample.empty:
        return False
    cleaned = sample.str.replace(",", ".", regex=False).str.replace(_GROUP, "", regex=True)
    return bool(pd.to_numeric(cleaned, errors="coerce").notna().mean() >= 0.5)


FILL_FIX = "fix or empty those cells (empty cells are filled like missing rows)"


def parse_numbers(
    column: pd.Series, name: str, decimal: str = ".", thousands: str | None = None, fix: str = FILL_FIX
) -> pd.Series:
    """``column`` as float64 (empty cells are NaN); non-numeric or infinite values, and
    values beyond float32's range, are a ``DataError`` naming the rows and values, and
    ``fix`` when no number option would read them (an empty cell is filled in data, but is
    a missing forecast step in future values).

    A text column is read with the file's ``decimal`` mark and ``thousands`` separator: the
    CSV reader leaves a whole column as text when one cell in it is not a number, and the
    error must then name that cell, not the ``1,5`` written as the user said it would be."""
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype(np.float64)
    else:
        written = column.astype("string").str.strip()
        text = written
        if thousands:
            text = text.str.replace(thousands, "", regex=False)
        if decimal != ".":
            text = text.str.replace(decimal, ".", regex=False)
        values = pd.Series(pd.to_numeric(text, errors="coerce"), index=column.index).astype(np.float64)
        values = _overflow_as_inf(values, text)
        if decimal != "." or thousands:  # a notation given: a cell not written in it is no number
            values = values.mask(misfits(written, decimal, thousands).to_numpy())
        bad = values.isna() & column.notna() & (column.astype(str).str.strip() != "")
        if bad.any():
            raise DataError(
                _not_numbers(column, np.flatnonzero(bad.to_numpy()), name, decimal, thousands, fix)
            )
    numbers = values.to_numpy()
    _refuse_rows(
        np.isinf(numbers),
        column,
        name,
        ("an infinite value", "infinite values"),
        "numbers must be finite (beyond about 1.8e308 they overflow to inf): fix or remove those rows",
    )
    # The network and the calibration errors the model file keeps are 32-bit floats, where a
    # finite number beyond about 3.4e38 becomes inf and turns bands and scores into inf or
    # NaN without a word (a 1e308 typo trained and predicted, exit 0).
    _refuse_rows(
        np.abs(numbers) > FLOAT32_LIMIT,
        column,
        name,
        ("a value too large to compute with", "values too large to compute with"),
        "the network computes in 32-bit floats, so numbers must lie within about ±3.4e38: "
        "fix those rows or rescale the column",
    )
    return values


FLOAT32_LIMIT = float(np.finfo(np.float32).max)  # about 3.4e38


def notation(decimal: str, thousands: str | None) -> str:
    """A number as a file with decimal mark ``decimal`` and thousands separator
    ``thousands`` writes it: groups of exactly three digits after a separator, one mark, an
    exponent or an infinity allowed. Under ``--decimal ,`` a cell ``112.000`` was read as
    112, and under ``--thousands ,`` one ``24278,89`` as 2427889, exit 0: a cell outside the
    notation is refused, naming the option that reads it. ``misfits`` matches it ignoring
    case, with ASCII digits only."""
    m = re.escape(decimal)
    whole = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+" if thousands else r"\d+"
    return rf"[+-]?(?:(?:(?:{whole})(?:{m}\d*)?|{m}\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)"


def misfits(written: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """The cells of ``written`` (text, stripped) that hold something and are no number in
    the notation (``notation``); empty and missing cells are not misfits."""
    filled = written.notna() & (written != "")
    fits = written.str.fullmatch(notation(decimal, thousands), flags=re.IGNORECASE | re.ASCII)
    return (filled & ~fits.fillna(False).astype(bool)).astype(bool)


def _overflow_as_inf(values: pd.Series, text: pd.Series) -> pd.Series:
    """Text that overflows a float (``1e309``) as ±inf, as pandas 3 reads it; pandas 2
    reads it as no number, and the refusal would call an overflow non-numeric."""
    unread = values.isna() & text.notna()
    if not unread.any():
        return values
    overflowed = text[unread].map(_inf_or_nan).astype(np.float64)
    return values.mask(unread, overflowed)


def _inf_or_nan(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        return np.nan
    return number if np.isinf(number) else np.nan


def _refuse_rows(mask: np.ndarray, column: pd.Series, name: str, what: tuple[str, str], fix: str) -> None:
    """A ``DataError`` naming the first row of ``mask`` as written, and how many there are."""
    rows = np.flatnonzero(mask)
    if not len(rows):
        return
    written = column.iloc[rows[0]]
    example = repr(written) if isinstance(written, str) else f"{written}"
    where = (
        f"has {what[0]} ({example} on data row {data_row(column, rows[0])})"
        if len(rows) == 1
        else f"has {len(rows)} {what[1]} (data rows {rows_text(data_rows(column.index, rows))}, first {example})"
    )
    raise DataError(f"column {name!r} {where}; {fix}")


def data_rows(index: pd.Index, positions) -> np.ndarray:
    """0-based data rows of ``positions`` in a column: its integer labels (``read_csv``'s
    RangeIndex, or a panel member's slice of it), else the positions themselves."""
    positions = np.asarray(positions, dtype=np.int64)
    if pd.api.types.is_integer_dtype(index.dtype):
        return index.to_numpy()[positions].astype(np.int64)
    return positions


def data_row(column: pd.Series, position: int) -> int:
    """The 1-based data row of ``position`` in ``column``."""
    return int(data_rows(column.index, [position])[0]) + 1


def rows_text(positions: np.ndarray, groups: int = 3) -> str:
    """0-based positions as 1-based data row ranges: ``40-42, 57, ...``."""
    rows = np.asarray(positions) + 1
    starts = np.concatenate([[0], np.flatnonzero(np.diff(rows) != 1) + 1])
    ends = np.concatenate([starts[1:] - 1, [len(rows) - 1]])
    parts = [f"{rows[a]}" if a == b else f"{rows[a]}-{rows[b]}" for a, b in zip(starts, ends, strict=True)]
    return ", ".join(parts[:groups]) + (", ..." if len(parts) > groups else "")


def _not_numbers(
    column: pd.Series,
    bad: np.ndarray,
    name: str,
    decimal: str = ".",
    thousands: str | None = None,
    fix: str = FILL_FIX,
) -> str:
    example = column.iloc[bad[0]]
    if len(bad) == 1:
        text = f"column {name!r} has a non-numeric value ({example!r} on data row {data_row(column, bad[0])})"
    else:
        rows = rows_text(data_rows(column.index, bad))
        text = f"{len(bad)} non-numeric values in {name!r} (data rows {rows}, first {example!r})"
    return f"{text}; {number_hint(str(example).strip(), decimal, thousands, fix)}"


def number_hint(example: str, decimal: str, thousands: str | None, fix: str = FILL_FIX) -> str:
    """The option(s) that read ``example`` as a number, beside the ``decimal`` mark and
    ``thousands`` separator already in force (``1.234,56`` once ``--decimal ,`` is given
    needs ``--thousands .``, not ``--decimal ,`` again); else the generic advice."""
    if any(c.isdigit() and not c.isascii() for c in example):  # ١٢٣ or ５: Python's \d reads them
        return "write its digits as 0-9 (it holds other scripts' digits)"
    if thousands and thousands in example and _reads(example, thousands, None):  # 24278,89
        return (
            f"{thousands!r} is not followed by groups of three digits there: if it is the decimal "
            f"mark, give --decimal {_shell(thousands)} instead of --thousands {_shell(thousands)}"
        )
    other = "." if decimal == "," else ","
    if other != thousands and _reads(example, other, thousands):
        also = thousands != other and other in example and _reads(example, decimal, other)
        return f"give --decimal {other} if {other!r} is the decimal mark" + (
            f", or --thousands {other} if it separates thousands" if also else ""
        )
    for sep in (",", ".", " ", "'", *_SPACES):
        if sep not in (thousands, decimal) and sep in example and _reads(example, decimal, sep):
            return f"if {sep!r} separates thousands give --thousands {_shell(sep)}"
    for mark, sep in ((",", "."), (",", " "), *((",", s) for s in _SPACES), (".", ",")):
        if (mark, sep) != (decimal, thousands) and sep in example and _reads(example, mark, sep):
            return f"give --decimal {mark} --thousands {_shell(sep)} (how this file writes numbers)"
    return fix


def _reads(example: str, mark: str, sep: str | None) -> bool:
    """Whether ``example`` is a number written with decimal ``mark`` and thousands ``sep``
    (groups of three digits only, so ``1.23456`` is no thousands-separated number)."""
    m = re.escape(mark)
    whole = rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+|\d+" if sep else r"\d+"
    return re.fullmatch(rf"[+-]?(?:(?:{whole})(?:{m}\d*)?|{m}\d+)", example, flags=re.ASCII) is not None


def _shell(text: str) -> str:
    """``text`` as a shell word: ``' '``, ``"'"``, and a no-break space in bash's ``$'\\u00a0'``."""
    if text in _SPACES:
        return f"$'\\u{ord(text):04x}'"
    return {" ": "' '", "'": '"\'"'}.get(text, text)
