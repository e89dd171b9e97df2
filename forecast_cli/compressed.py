"""Compressed inputs: gzip, bzip2, xz and one-file zip archives, recognised by their
first bytes (not their names), from a file or from stdin.

Why by content: data comes down pipes (``curl ... | forecast train -``) and out of
exports named ``data.csv`` that are compressed anyway; a name says nothing on stdin. The
four formats are those Python reads with its standard library, so reading them costs no
dependency. zstd needs a package we do not require, so it is refused with the command
that decompresses it; so is a zip archive of several files (which one is the data is not
ours to guess), and a model file given where data belongs.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .errors import DataError, UsageError
from .model_archive import META_NAME  # what every model file (a zip) holds

MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",  # an archive of no files: its end record alone
    b"(\xb5/\xfd": "zstd",
}
MAGIC_BYTES = max(len(m) for m in MAGIC)
READ_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)
_OPEN = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}
_DECOMPRESS = {"gzip": gzip.decompress, "bz2": bz2.decompress, "xz": lzma.decompress}
_UNDO = {"gzip": "gunzip -c", "bz2": "bunzip2 -c", "xz": "xz -dc", "zip": "unzip -p"}


def unreadable(kind: str | None) -> tuple[type[BaseException], ...]:
    """The errors that mean damaged or cut-short ``kind`` data (none for plain text): bz2
    says OSError("Invalid data stream"), too broad to catch for other inputs."""
    if kind is None:
        return ()
    return (*READ_ERRORS, OSError) if kind == "bz2" else READ_ERRORS


def compression_of(head: bytes) -> str | None:
    """The compression whose magic bytes start ``head``, or None for plain text."""
    return next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), None)


def file_compression(path: Path) -> str | None:
    """The compression of the file at ``path`` (pandas' name for it), refusing the ones
    that cannot be read: zstd, and zip archives that do not hold exactly one file."""
    with path.open("rb") as raw:
        kind = compression_of(raw.read(MAGIC_BYTES))
    _refuse_unreadable(kind, str(path))
    if kind == "zip":
        with (
            _opened_zip(path, str(path)) as archive,
            archive.open(_only_member(archive, str(path))) as member,
        ):
            _refuse_nested(member.read(MAGIC_BYTES), kind, str(path))
    elif kind is not None:
        try:
            opener: Any = _OPEN[kind]
            with opener(path, "rb") as inner:
                _refuse_nested(inner.read(MAGIC_BYTES), kind, str(path))
        except unreadable(kind):  # damaged: said when its text is read (``dialect.peek``)
            pass
    return kind


@contextmanager
def open_text(path: Path, kind: str | None) -> Iterator[IO[str]]:
    """``path`` as a text stream, decompressed (``kind`` from ``file_compression``)."""
    if kind == "zip":
        with (
            zip_member(path) as member,
            io.TextIOWrapper(member, encoding="utf-8-sig", errors="replace") as text,
        ):
            yield text
        return
    opener: Any = _OPEN.get(kind or "", open)
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as text:
        yield text


@contextmanager
def zip_member(path: Path) -> Iterator[IO[bytes]]:
    """The one file of the zip archive at ``path``, as bytes. Read here rather than by
    pandas, which refuses an archive whose listing also names its folder (``zip -r``)."""
    with zipfile.ZipFile(path) as archive, archive.open(_only_member(archive, str(path))) as member:
        yield member


def decompressed(data: bytes, name: str) -> bytes:
    """``data`` (all of stdin) decompressed where its first bytes say it is compressed."""
    kind = compression_of(data[:MAGIC_BYTES])
    if kind is None:
        return data
    _refuse_unreadable(kind, name)
    damaged: tuple[type[BaseException], ...] = (*unreadable(kind), ValueError)  # bz2: ValueError if cut
    try:
        if kind == "zip":
            with _opened_zip(io.BytesIO(data), name) as archive:
                out = archive.read(_only_member(archive, name))
        else:
            out = _DECOMPRESS[kind](data)
    except damaged as exc:
        raise DataError(f"{name} is not a readable {kind} stream ({exc or 'cut short'})") from None
    _refuse_nested(out[:MAGIC_BYTES], kind, name)
    return out


def _refuse_unreadable(kind: str | None, name: str) -> None:
    if kind == "zstd":
        where = "" if name == "stdin" else f" {name}"
        raise DataError(
            f"{name} is zstd-compressed, which is not read here; decompress it first (zstd -d{where})"
        )


def _refuse_nested(head: bytes, kind: str, name: str) -> None:
    """Refuses data compressed twice (a .gz of a .gz): its inner bytes would be read as text,
    and their NUL bytes were taken for UTF-16."""
    inner = compression_of(head)
    if inner is None:
        return
    undo = f"pipe it through {_UNDO[kind]} once more" if name == "stdin" else f"{_UNDO[kind]} {name} > inner"
    raise DataError(
        f"{name} is {kind} data holding {inner} data, compressed twice; undo the outer layer first ({undo})"
    )


def _opened_zip(source: Any, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise DataError(f"{name} is not a readable zip archive ({exc or 'cut short'})") from None


def _only_member(archive: zipfile.ZipFile, name: str) -> str:
    """The one file of a zip archive; a model file or several files are refused."""
    files = [info.filename for info in archive.infolist() if not info.is_dir()]
    if META_NAME in files:
        shown = "FILE" if name == "stdin" else name
        raise UsageError(
            f"{name} is a forecast model file, not data; give it with -m (forecast predict -m {shown})"
        )
    if len(files) != 1:
        listed = ", ".join(files[:5]) + (" ..." if len(files) > 5 else "")
        raise DataError(
            f"{name} is a zip archive of {len(files)} files ({listed or 'none'}); "
            "give the CSV itself, or an archive of that one file"
        )
    return files[0]
