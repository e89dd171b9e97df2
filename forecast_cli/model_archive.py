"""Reading a model file's zip archive without trusting it.

A ``.fcst`` file comes from anywhere a user got it, so the reader assumes nothing: it
opens only a non-empty regular file (a FIFO cannot hang it), checks the zip directory
against the size caps below before anything is inflated (a zip bomb is refused from its
directory), reads each member with a bounded read and its checksum, and parses each
array's ``.npy`` header (never unpickling) and checks it against the shapes and dtypes
the metadata declares before viewing its bytes. What the metadata means is
``modelfile``'s business; this module only hands over bytes it has checked.
"""

from __future__ import annotations

import io
import math
import os
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .errors import ModelFileError, UsageError
from .text_bytes import is_utf16

META_NAME = "forecast.json"
WEIGHTS_DIR = "weights/"

MiB = 2**20

MAX_MEMBERS = 1024
"""Entries a model file may hold. A network stores 4 arrays per recurrent layer plus 4
for the head and highway: 20 layers would need 84. A zip with more is not ours."""

MAX_META_BYTES = 64 * MiB
"""The metadata, inflated. Since format 4 it holds no per-row numbers: its bulk is the
series ids and, for a ``--local`` model, each member's plan and metrics (~1.5 KiB a
series), so 64 MiB is over 40,000 series. Format 3 files, whose histories and
calibration tables were JSON, reached it at ~700 ``--local`` series."""

MAX_ARRAY_BYTES = 1024 * MiB
"""All arrays together (network weights and per-series state), inflated, and so any one
of them. The largest sensible global network here, a 4-layer LSTM with 1024 hidden
units, has ~30 million float32 parameters (120 MiB); a ``--local`` model stores per
series its network (11 KiB at 16 hidden units, 70 KiB at 64), its calibration table
(29 KiB at horizon 18) and its last rows, so 1 GiB is ~25,000 small M1-sized members.
Arrays are viewed in the bytes read, not copied, until a network is built from them, so
a hostile file costs at most about twice this in memory."""

_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float: what a state_dict can hold


def not_a_zip(path: Path) -> str:
    """Why ``path`` could not be opened as a zip: a text file (a CSV given where the model
    goes) is named as one; a file that starts as a zip but breaks off is truncated."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        head = b""
    if head.startswith(b"PK\x03\x04"):  # a zip's first member header
        return f"{path} is truncated or corrupt (its zip directory is unreadable); retrain it"
    if _looks_like_text(head):
        return (
            f"{path} is a text file (data?), not a model file; give the .fcst file that "
            "`forecast train -o` writes"
        )
    return f"{path} is not a forecast model file, or it is truncated or corrupt; retrain it"


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file read as text in an encoding a CSV comes in: UTF-16
    with its byte-order mark, else UTF-8 or Latin-1 (every byte is a Latin-1 character, so
    text is what has next to no control characters: random bytes have one in four)."""
    if is_utf16(head):
        text = head.decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return False
    else:
        text = head.decode("utf-8", errors="replace")
        if text.count("\ufffd") > 1:  # not UTF-8 (the read may cut one character)
            text = head.decode("latin-1")
    readable = sum(c.isprintable() or c.isspace() for c in text)
    return bool(text) and readable >= 0.98 * len(text)


def open_regular_file(path: Path) -> io.BufferedReader:
    """Open ``path`` for reading if it is a non-empty regular file, else say what it is.

    Opened non-blocking and checked with ``fstat`` on the open descriptor, so a FIFO
    cannot hang the open and nothing can swap the file between the look and the read.
    """
    if str(path) == "-":  # train writes no model to stdout either: a model is a file
        raise UsageError("a model is read from a file, not stdin (-); give its path, e.g. -m air.fcst")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ModelFileError(
            f"{path}: no such model file; train one with `forecast train ... -o {path}`"
        ) from None
    except PermissionError:
        raise ModelFileError(f"{path} is not readable (permission denied); check its permissions") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path} is a directory, not a model file; give the .fcst file itself") from None
    except OSError as exc:
        raise ModelFileError(f"cannot open model file {path}: {exc.strerror or exc}") from None
    mode, size = (st := os.fstat(fd)).st_mode, st.st_size
    problem = None
    if stat.S_ISDIR(mode):
        problem = "is a directory, not a model file; give the .fcst file itself"
    elif not stat.S_ISREG(mode):
        problem = f"is a {_file_kind(mode)}, not a model file; give a .fcst file written by `forecast train`"
    elif size == 0:
        problem = "is empty, not a model file; retrain it with `forecast train`"
    if problem:
        os.close(fd)
        raise ModelFileError(f"{path} {problem}")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def checked_directory(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members to read, by name, after checking the zip directory against the caps.

    Sizes come from the directory, so a zip bomb is refused before a byte is inflated.
    """
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ModelFileError(
            f"{path} holds {len(infos)} entries, more than a model file's {MAX_MEMBERS}; it is not one"
        )
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise ModelFileError(f"{path} has duplicate entries; it is damaged or was altered, retrain it")
    members = {i.filename: i for i in infos if i.filename == META_NAME or weight_name(i.filename)}
    meta = members.get(META_NAME)
    if meta is not None and meta.file_size > MAX_META_BYTES:
        raise ModelFileError(
            f"{path}: its metadata inflates to {meta.file_size / MiB:.0f} MiB, over the "
            f"{MAX_META_BYTES // MiB} MiB a model file may hold; it is not one this tool wrote"
        )
    weights = sum(i.file_size for name, i in members.items() if name != META_NAME)
    if weights > MAX_ARRAY_BYTES:
        raise ModelFileError(
            f"{path}: its arrays inflate to {weights / MiB:.0f} MiB, over the {MAX_ARRAY_BYTES // MiB} MiB "
            f"a model file may hold; it is not one this tool wrote"
        )
    return members


def read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, reading no more than its declared size (plus one, to notice more)."""
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error):  # its bytes changed: a bad checksum, or no inflating them
        raise ModelFileError(
            f"{path} is damaged: {info.filename} does not match its checksum; retrain the model"
        ) from None
    if len(data) != info.file_size:
        raise ModelFileError(f"{path} is damaged: {info.filename} is not the size its directory says")
    return data


def verify_members(
    path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], meta: dict
) -> None:
    """Read every member as loading would, parsing nothing: a wrong size or checksum (bytes
    lost or changed inside the file), or an array the metadata declares and the file lacks
    (``info`` called such a file sound, where ``predict`` refused it), is a
    ``ModelFileError`` naming the member."""
    _declared_and_present(path, members, meta)
    for info in members.values():
        read_member(path, archive, info)


def _declared_and_present(
    path: Path, members: dict[str, zipfile.ZipInfo], meta: dict
) -> tuple[dict[str, tuple[tuple[int, ...], np.dtype]] | None, dict[str, zipfile.ZipInfo]]:
    """(the arrays the metadata declares, None for older files; the weight members the
    file holds), refusing a file where the two differ."""
    expected = _declared_weights(path, meta)
    present = {key: info for name, info in members.items() if (key := weight_name(name)) is not None}
    if expected is not None and set(expected) != set(present):
        missing = sorted(set(expected) - set(present)) or sorted(set(present) - set(expected))
        raise ModelFileError(
            f"{path} is damaged: its weight arrays do not match its metadata ({missing[0]}); retrain"
        )
    return expected, present


def read_weights(
    path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], meta: dict
) -> dict[str, np.ndarray]:
    expected, present = _declared_and_present(path, members, meta)
    arrays: dict[str, np.ndarray] = {}
    for key, info in present.items():
        blob = read_member(path, archive, info)
        arrays[key] = npy_array(path, info.filename, blob, None if expected is None else expected[key])
    return arrays


def _declared_weights(path: Path, meta: dict) -> dict[str, tuple[tuple[int, ...], np.dtype]] | None:
    """The shapes and dtypes the metadata records; None for files from before they were."""
    declared = meta.get("weights")
    if declared is None:
        return None
    try:
        return {
            str(name): (tuple(int(n) for n in spec["shape"]), np.dtype(str(spec["dtype"])))
            for name, spec in declared.items()
        }
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ModelFileError(f"{path} is damaged: its weight list is malformed; retrain the model") from None


def npy_array(
    path: Path, member: str, blob: bytes, expected: tuple[tuple[int, ...], np.dtype] | None
) -> np.ndarray:
    """Parse the ``.npy`` header, check it, then view the data: never unpickles, never
    allocates more than the bytes already read."""
    buffer = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(buffer)
        read_header = {
            (1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0,
        }
        shape, fortran, dtype = read_header[version](buffer)
    except (KeyError, ValueError, SyntaxError, TypeError):
        raise ModelFileError(f"{path} is damaged: {member} is not a plain .npy array; retrain") from None
    if dtype.hasobject or dtype.kind not in _NUMERIC_KINDS:
        raise ModelFileError(
            f"{path}: {member} holds {dtype} values, not numbers; the file is not safe to load"
        )
    if expected is not None and (tuple(shape), dtype) != expected:
        raise ModelFileError(
            f"{path} is damaged: {member} is {dtype} {tuple(shape)} but its metadata says "
            f"{expected[1]} {expected[0]}; retrain the model"
        )
    count = math.prod(shape)  # Python ints: a forged shape cannot overflow
    if count * dtype.itemsize != len(blob) - buffer.tell():
        raise ModelFileError(f"{path} is damaged: {member} holds fewer or more bytes than its shape needs")
    array = np.frombuffer(blob, dtype=dtype, count=count, offset=buffer.tell())
    array = array.reshape(shape, order="F" if fortran else "C")
    return array if dtype.isnative else array.astype(dtype.newbyteorder("="))


def weight_name(member: str) -> str | None:
    if member.startswith(WEIGHTS_DIR) and member.endswith(".npy"):
        return member[len(WEIGHTS_DIR) : -len(".npy")]
    return None


def _file_kind(mode: int) -> str:
    kinds = {
        stat.S_ISCHR: "character device",
        stat.S_ISBLK: "block device",
        stat.S_ISFIFO: "FIFO (named pipe)",
    }
    return next((name for test, name in kinds.items() if test(mode)), "socket or special file")
