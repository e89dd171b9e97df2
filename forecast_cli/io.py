"""Reading CSV from a path or ``-`` (stdin) into a frame, exactly as written.

Ids stay text (``001`` is not the number 1), dotted periods (``1959.1``) stay periods,
compressed input is read transparently, and every failure is one ``DataError`` line that
names the source. Writing frames back out is ``writers``.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pandas as pd

from .cell_reading import dotted_periods, exact_with_thousands, verbatim, zero_led_codes
from .compressed import unreadable, zip_member
from .config import ID_NAMES
from .data_columns import DATE_NAMES, TIME_NAMES
from .dialect import (
    excel_separator,
    head_of,
    is_utf16_file,
    peek,
    read_options,
    read_text,
    refuse_decimal_commas,
)
from .errors import DataError, UsageError
from .outputs import atomic_write as atomic_write  # re-exported: the writers' one door
from .panel_layout import target_parts

if TYPE_CHECKING:
    from .config import DataConfig


def read_csv(
    source: str | Path | IO[str],
    *,
    delimiter: str | None = None,
    decimal: str = ".",
    thousands: str | None = None,
    text_cols: tuple[str, ...] = (),
    period_cols: tuple[str, ...] = (),
    number_cols: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read a CSV from a path, ``-`` for stdin, or an open text stream.

    ``text_cols`` (the series id column) are read as written: ``001`` stays ``001``, not
    the number 1 (which would merge it with a series ``1``), and ``NA`` or ``None`` are
    ids (Namibia, a region), not missing; only an empty cell is missing there. So is any
    other column of codes written with leading zeros (``zero_led_codes``), except
    ``number_cols`` (the target and features named).

    Compressed input (gzip, bzip2, xz, a one-file zip; a file or stdin) is read
    transparently (``compressed``). ``delimiter=None`` detects the
    separator (``,`` ``;`` tab ``|``); ``decimal`` and ``thousands`` say how numbers are
    written, and a text column of decimal-comma numbers read with ``decimal="."`` is
    refused (see ``dialect``). An empty input, a missing file and a file pandas cannot
    parse all become one-line ``DataError``s that name the source.
    """
    name = "stdin" if source == "-" else str(getattr(source, "name", source))
    compression: str | None = None
    try:
        if source == "-" or not isinstance(source, (str, Path)):
            text = read_text(sys.stdin if isinstance(source, (str, Path)) else source, name)
            if not text.strip() and source == "-":
                raise DataError("stdin is empty: pipe a CSV with a header row into the command")
            handle: Any = io.StringIO(text)
            compression, sample = None, head_of(text)
        else:
            path = Path(source)
            if not path.exists():
                raise UsageError(f"{path}: no such file; check the path, or use - to read stdin")
            if path.is_dir():
                raise UsageError(f"{path} is a directory; give a CSV file")
            if path.stat().st_size == 0:
                raise DataError(f"{path} is empty: give a CSV with a header row and data rows")
            if is_utf16_file(path):  # held as text: the sample and pandas read it decoded
                text = path.read_bytes().decode("utf-16")
                handle, compression, sample = io.StringIO(text), None, head_of(text)
            else:
                handle = path
                compression, sample = peek(path)
        if "\x00" in sample:  # UTF-16 without its byte order mark: every other byte is NUL
            raise DataError(
                f"{name} holds NUL bytes, as UTF-16 text without a byte order mark does; save it as "
                "UTF-8 (Excel: CSV UTF-8), or convert it with iconv -f utf-16le -t utf-8"
            )
        skip = 0
        if (named := excel_separator(sample)) is not None:
            sample, skip = sample.split("\n", 1)[1] if "\n" in sample else "", 1
            delimiter = delimiter or named
        options = read_options(sample, delimiter, decimal, thousands) | ({"skiprows": 1} if skip else {})
        head = pd.read_csv(  # the first rows as written: which columns must be read as text
            io.StringIO(sample.lstrip("\ufeff")),
            sep=options["sep"],
            dtype=str,
            nrows=1000,
            keep_default_na=False,
        )
        text_cols = (*text_cols, *dotted_periods(head, period_cols), *zero_led_codes(head, number_cols))
        if text_cols:
            options |= verbatim(sample, options, text_cols)

        def read(**more: Any) -> pd.DataFrame:
            if compression == "zip":
                with zip_member(path) as member:
                    return pd.read_csv(member, encoding="utf-8-sig", **(options | more))
            if hasattr(handle, "seek"):
                handle.seek(0)
            return pd.read_csv(handle, compression=compression, encoding="utf-8-sig", **(options | more))

        frame = read()
        if thousands is not None:
            frame = exact_with_thousands(frame, read, decimal, thousands)
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty: give a CSV with a header row and data rows") from None
    except UnicodeDecodeError as exc:
        if exc.encoding.startswith("utf-16"):
            raise DataError(f"{name} is not valid UTF-16 text ({exc.reason}); save it as UTF-8") from None
        raise DataError(
            f"{name} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at byte {exc.start:,}: a Windows "
            "or Latin-1 export?); save it as UTF-8 (Excel: CSV UTF-8), or convert it with "
            "iconv -f cp1252 -t utf-8"
        ) from None
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{name} is not a readable CSV ({first}); {_parser_hint(first)}") from None
    except unreadable(compression) as exc:  # damage past the sample peek read
        raise DataError(f"{name} is not a readable {compression} file ({exc or 'cut short'})") from None
    if frame.empty:
        raise DataError(f"{name} has a header but no data rows")
    header = _header_fields(sample, options["sep"])
    _refuse_repeated_names(header, name)
    _refuse_data_as_header(header, name)
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes a first field that the header lacks as the index, silently: a title
        # line above the header, or a header short of a name, would lose a column
        raise DataError(
            f"{name}: the rows have one field more than the header ({len(frame.columns)}: "
            f"{', '.join(map(str, frame.columns))}); remove any title or note lines above the header "
            "(the header must be the first line), or give every column a name"
        )
    frame = _without_blank_cells(frame, header)
    if frame.empty:
        raise DataError(f"{name} has a header but no data rows (only rows of empty cells)")
    refuse_decimal_commas(frame, decimal, thousands, name)
    return frame


_DATE_CELL = re.compile(r"^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?([ T]\d{1,2}:\d{2}(:\d{2})?)?$")


def _refuse_data_as_header(header: list, name: str) -> None:
    """A file with no header line: its first row became the column names (the time column
    named '2020-01-01', the target '5') and its first value was lost, exit 0. A header of
    numbers alone stays (years or numbered ids as a wide file's columns); one of numbers and
    dates, nothing else, is a row of data."""
    cells = [str(c).strip() for c in header]
    if len(cells) < 2 or any(c == "" or c == "nan" for c in cells):
        return
    dates = [c for c in cells if _DATE_CELL.match(c) and not _is_number(c)]  # 0.5 is a number
    if dates and all(c in dates or _is_number(c) for c in cells):
        raise DataError(
            f"{name}: the first line is data ({','.join(cells)}), not column names; add a header line "
            "naming the columns (e.g. date,value)"
        )


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _header_fields(sample: str, sep: str) -> list:
    """The header line's fields as written (text; NaN where a field is empty), read once for
    the checks on names that pandas' own column names hide."""
    header = pd.read_csv(io.StringIO(sample.lstrip("\ufeff")), sep=sep, header=None, nrows=1, dtype=str)
    return list(header.iloc[0]) if len(header) else []


def _without_blank_cells(frame: pd.DataFrame, fields: list) -> pd.DataFrame:
    """``frame`` without the columns a spreadsheet adds past the last one (no name in the
    header, no value in any row: trailing separators) and the rows of only empty cells
    (``,,``, as under its last data), as blank lines are skipped. pandas called such a
    column ``Unnamed: 9``, which a glob --target took for a series to refuse, and a row of
    empty cells ended the run ("column 'month' is empty on data row 145")."""
    unnamed = [
        column
        for column, field in zip(frame.columns, fields, strict=False)
        if not (isinstance(field, str) and field.strip()) and frame[column].isna().all()
    ]
    frame = frame.drop(columns=unnamed)
    blank = frame.isna().all(axis=1).to_numpy()
    return frame[~blank].reset_index(drop=True) if blank.any() else frame


def _refuse_repeated_names(fields: list, name: str) -> None:
    """A header that names one column twice: pandas reads the second as ``a.1``, so --target
    a took the first without a word, and messages offered a name the file does not have."""
    names = [str(v).strip() for v in fields if isinstance(v, str) and v.strip()]
    repeated = next((n for n in dict.fromkeys(names) if names.count(n) > 1), None)
    if repeated is not None:
        raise DataError(
            f"{name}: the header names column {repeated!r} {names.count(repeated)} times; give each column its own name"
        )


def _parser_hint(message: str) -> str:
    """What to do about pandas' parser error ``message``: more fields than the header is
    most often a title or notes above the header (exports from spreadsheets and
    statistics offices), or a separator inside unquoted values."""
    if re.search(r"Expected \d+ fields? in line \d+, saw \d+", message):
        return (
            "remove any title or note lines above the header (the header must be the first "
            "line), check the quoting, or give --delimiter"
        )
    return "check the quoting, or give --delimiter"


def is_model_file(path: Path) -> bool:
    """Whether ``path`` is a zip archive holding a model's ``forecast.json`` (what
    ``forecast train -o`` writes), as opposed to data, zipped or not."""
    import zipfile

    from .model_archive import META_NAME

    try:
        with zipfile.ZipFile(path) as archive:
            return META_NAME in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def read_data(source: str | Path | IO[str], cfg: DataConfig) -> pd.DataFrame:
    """``read_csv`` with ``cfg``'s reading options: its delimiter, decimal mark and thousands
    separator, and its id column read as written (the --id-col, or without one any column
    named like an id that is not the target or a feature)."""
    numeric = {cfg.target, *cfg.features, *cfg.future_features}
    ids = (  # a compound --id-col's parts too (State,Region: each read as written)
        (cfg.id_col, *target_parts(cfg.id_col))
        if cfg.id_col
        else tuple(n for n in ID_NAMES if n not in numeric)
    )
    times: tuple[str, ...] = ()
    if cfg.time_col or cfg.time_format:  # dotted periods as written: 01.1949 read as 1.1949
        # could not be read as %m.%Y at all; any other column, whole numbers included (a
        # month number beside a date, step numbers), is read as before (``dotted_periods``)
        times = (cfg.time_col,) if cfg.time_col else tuple(n for n in DATE_NAMES)
    return read_csv(
        source,
        delimiter=cfg.delimiter,
        decimal=cfg.decimal,
        thousands=cfg.thousands,
        text_cols=ids,
        period_cols=times,
        # the target and features are numbers; a time column's 001, 002 are step numbers
        number_cols=tuple(str(c) for c in (*numeric, cfg.time_col, *TIME_NAMES) if c),
    )
