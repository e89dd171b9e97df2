"""How each column's cells are read: as text, as periods, or as exact numbers.

pandas guesses a column's kind from its cells, and some guesses lose what was written:
``01.1949`` becomes 1.1949, product ``007`` becomes 7 (merged with product ``7``), and its
thousands-aware parser misrounds some 17-digit numbers. These helpers find such columns in
the first rows as written and say how to read them instead; ``io.read_csv`` applies them.
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np
import pandas as pd

from .cell_numbers import misfits

_DOTTED_PERIOD = re.compile(r"^\s*(\d{1,2}\.\d{4}|\d{4}\.\d{1,2})\s*$")  # 01.1949, 1959.1


def dotted_periods(head: pd.DataFrame, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The ``candidates`` (time columns) whose first 20 values (of ``head``, the first rows
    as written) are periods written with a dot (``01.1949``, ``1959.1``): pandas reads them
    as the numbers 1.1949 and 1959.1, and the layout is gone (``01.1950`` became 1.195).
    Read as text, ``--time-format %m.%Y`` reads them."""
    if not candidates:
        return ()
    head = head.head(20)
    wanted = {c.lower() for c in candidates}
    return tuple(
        str(c)
        for c in head.columns
        if str(c).strip().lower() in wanted
        and len(values := head[c].str.strip().replace("", np.nan).dropna())
        and values.str.match(_DOTTED_PERIOD).all()
    )


def exact_with_thousands(frame: pd.DataFrame, read, decimal: str, thousands: str) -> pd.DataFrame:
    """``frame`` with its number columns parsed again from their text, exactly: pandas'
    thousands-aware parser misrounds some values of 16 and 17 digits (979,535,186,588.6643
    read as ...6644), where the numbers written out must round-trip; and it drops the
    separator wherever it stands, so ``24278,89`` under ``--thousands ,`` was 2427889. A
    column with a cell outside the notation (``cell_numbers.notation``) is kept as its text,
    which ``parse_numbers`` refuses, naming the cell. ``read(**more)`` reads the input
    again with more ``read_csv`` keywords."""
    numbers = [c for c in frame.columns if frame[c].dtype.kind in "fiu"]
    if not numbers:
        return frame
    try:
        text = read(usecols=numbers, dtype=dict.fromkeys(numbers, str))
    except ValueError:  # names pandas made up (a column named twice: refused after reading)
        return frame
    frame = frame.copy()
    for c in numbers:
        written = text[c].str.strip()
        if misfits(written, decimal, thousands).any():  # not this notation's: its cells refused as written
            frame[c] = text[c]
            continue
        if frame[c].dtype.kind != "f":
            continue
        cells = written.str.replace(thousands, "", regex=False)
        if decimal != ".":
            cells = cells.str.replace(decimal, ".", regex=False)
        exact = pd.to_numeric(cells, errors="coerce").astype(np.float64)
        # empty and missing-word cells stay missing; a cell only pandas read keeps its reading
        frame[c] = np.where(frame[c].isna(), np.nan, np.where(exact.isna(), frame[c], exact))
    return frame


_ZERO_LED = re.compile(r"^0\d{2,}$")  # 007, 0042: a code, not the number 7


def zero_led_codes(head: pd.DataFrame, numbers: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Columns whose first values (``head``: the first rows as written) hold a whole number
    written with a leading zero and at least three digits (``007``): codes, read as
    written. As numbers, products ``007`` and ``7`` under a column not named like an id
    (``sku``) were one series, their rows of one date averaged as duplicates (exit 0); as
    text they differ, and the loader asks for --id-col. Two digits (``01``) stay numbers:
    hours and months are written so, and so do the columns in ``numbers`` (a target of
    zero-padded counts)."""
    kept = {n.lower() for n in numbers}
    return tuple(
        str(c)
        for c in head.columns
        if str(c).strip().lower() not in kept
        and (values := head[c].str.strip()).str.fullmatch(r"\d+|").all()
        and values.str.match(_ZERO_LED).any()
    )


def verbatim(sample: str, options: dict[str, Any], text_cols: tuple[str, ...]) -> dict[str, Any]:
    """``read_csv`` keywords that read ``text_cols`` as text with only empty cells missing,
    and every other column as pandas would (its usual missing-value words)."""
    from pandas._libs.parsers import STR_NA_VALUES

    header = [
        str(c) for c in pd.read_csv(io.StringIO(sample.lstrip("\ufeff")), sep=options["sep"], nrows=0).columns
    ]
    wanted = {c.lower() for c in text_cols}
    keep = [c for c in header if c.strip().lower() in wanted]
    if not keep:
        return {}
    return {
        "dtype": {**options.get("dtype", {}), **{c: str for c in keep}},
        "keep_default_na": False,
        "na_values": {c: ([""] if c in keep else sorted(STR_NA_VALUES)) for c in header},
    }
