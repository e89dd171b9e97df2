"""What an output's name may say: the name alone decides how it is written (CSV, JSON or
JSON lines by suffix, a plot's format by its suffix), so a name that says something else
(a folder, a compressed file, a model file, a spreadsheet) is refused before any work,
with the name to give instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OutputError

MODEL_SUFFIX = ".fcst"
_COMPRESSORS = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}  # stream compressors
_COMPRESSED = (*_COMPRESSORS, ".zip")


def _refuse_unwritable_name(option: str, path: str) -> None:
    """Names that would be written as something else than they say: an empty name, a name
    ending in ``/`` (a folder: ``x.csv/`` was written as a file ``x.csv``), and compressed
    suffixes (``out.csv.gz`` got plain text, while reading one decompresses it)."""
    if not path.strip():
        raise OutputError(f"{option} is empty; give a file name")
    if path.endswith("/") and not os.path.isdir(path):
        raise OutputError(f"{option} {path} ends in '/', a folder's name; give a file name")
    suffix = next((s for s in _COMPRESSED if path.lower().endswith(s)), None)
    if suffix is not None:
        # the tool that writes what the name says (gzip bytes under .xz are the same mismatch);
        # a zip archive holds named files, not a stream
        name, plain = Path(path).name, Path(path).name[: -len(suffix)]
        if suffix == ".zip":
            raise OutputError(
                f"{option} {path}: outputs are written uncompressed, and a .zip holds files, not a "
                f"stream: write {plain}, then zip {name} {plain}"
            )
        raise OutputError(
            f"{option} {path}: outputs are written uncompressed; drop {suffix} and compress through a "
            f"pipe (e.g. -o - | {_COMPRESSORS[suffix]} > {name})"
        )


_OTHER_TABLES = {
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".ods": "an OpenDocument spreadsheet",
    ".parquet": "a Parquet file",
    ".feather": "a Feather file",
    ".arrow": "an Arrow file",
    ".tsv": "tab-separated text",
    ".pkl": "a Python pickle",
    ".pickle": "a Python pickle",
    ".h5": "an HDF5 file",
    ".hdf5": "an HDF5 file",
}


def _refuse_other_table_format(option: str, path: str) -> None:
    """A table name whose suffix says another format: ``-o out.xlsx`` was written as comma
    CSV with exit 0, which Excel refuses to open as a workbook (and pyarrow, a TSV reader
    misread); the format is chosen by the suffix only among csv, json and jsonl."""
    suffix = Path(path).suffix.lower()
    if suffix in _OTHER_TABLES:
        raise OutputError(
            f"{option} {path}: {suffix} names {_OTHER_TABLES[suffix]}, but tables are written as CSV, "
            f"JSON or JSON lines (by a .csv, .json or .jsonl name); give e.g. {Path(path).stem}.csv, "
            "which Excel and pandas open"
        )


def refuse_misleading_name(option: str, path: str, table: bool) -> None:
    """Raise ``OutputError`` for a name that is no file name, names a compressed file, or,
    for a ``table`` (any output but a model file or a plot), names a model file or another
    table format."""
    _refuse_unwritable_name(option, path)
    if not table:
        return
    _refuse_other_table_format(option, path)
    if path.lower().endswith(MODEL_SUFFIX):
        example = "-o forecast.csv" if option == "-o" else f"{option} out.csv"
        raise OutputError(
            f"{option} {path}: {MODEL_SUFFIX} names a model file, and this writes a table; give e.g. {example}"
        )
