"""The single-file model format: safe to load, self-describing, written atomically.

A ``.fcst`` file is a zip archive holding
- ``forecast.json``: format name and version, package version, creation time, the full
  config and plan, column names, series ids, the training metrics, and the shape and
  dtype of every array (files from round 1 lack these; they are checked without them);
- ``weights/<name>.npy``: one plain numeric array per network parameter, and (from
  format 4) the per-series state as arrays whose leading axis is the series:
  ``weights/series/...`` (last rows of history, scalers, calibration scales, static
  codes) and ``weights/model/...`` (the calibration table); see ``fitted_state``.

Loading reads JSON and plain ``.npy`` arrays only, so a file can never run code (unlike
pickle or a bare ``torch.load``). It trusts nothing it has not checked: the zip directory
is checked against the size caps below before anything is inflated, members are read
with a bounded read, and each array's ``.npy`` header (shape, dtype) is checked against
the metadata before its data is used. Writing goes through ``atomic_write``: an
interrupted run leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import __version__
from .errors import ModelFileError, UsageError
from .io import atomic_write

if TYPE_CHECKING:
    from .forecaster import Forecaster
    from .local_models import LocalForecaster

FORMAT_NAME = "forecast-model"
FORMAT_VERSION = 4  # 2: config and plan stored once each; per-series ids, scalers, histories
# 3: a --local model ("kind": "local"): one network per series, weights stacked by shape
# 4: per-series state (histories, scalers, calibration) as arrays instead of JSON lists
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

_SAMPLE_BYTES = 64 * 1024  # of an array, compressed to decide whether to deflate it all
_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, float: what a state_dict can hold


def save_model(forecaster: Forecaster | LocalForecaster, path: str | Path) -> Path:
    """Write ``forecaster`` to ``path`` atomically; returns the path written.

    Failures to write (missing folder, read-only target, full disk) are ``OutputError``s.
    """
    path = Path(path)
    meta, arrays = forecaster.state()
    arrays = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        # Readers check each .npy header against this before using its data.
        "weights": {name: {"shape": list(a.shape), "dtype": a.dtype.str} for name, a in arrays.items()},
    }
    # The archive closes (writing its directory) before atomic_write syncs and renames.
    with atomic_write(path, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(META_NAME, json.dumps(meta, indent=1, allow_nan=True))
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            blob = buffer.getvalue()
            archive.writestr(WEIGHTS_DIR + name + ".npy", blob, compress_type=_compression(blob))
    return path


def _compression(blob: bytes) -> int:
    """Deflate an array only if a sample of it shrinks by a fifth: trained float32 weights
    barely do (to ~72%), and inflating them was most of the time to load a large
    ``--local`` model (7.6 of 9.4 s for 9,000 members); calibration tables and
    histories, full of repeats, still shrink severalfold."""
    sample = blob[:_SAMPLE_BYTES]
    worth = len(zlib.compress(sample, 1)) < 0.8 * len(sample)
    return zipfile.ZIP_DEFLATED if worth else zipfile.ZIP_STORED


def read_metadata(path: str | Path, verify: bool = False) -> dict:
    """The JSON metadata of a model file, checked for format and version; with ``verify``
    every weight array's bytes are also checked against the zip's checksums (not parsed:
    ``info`` must not vouch for a file that ``predict`` would then refuse as damaged)."""
    meta, _ = _read(path, with_weights=False, verify=verify)
    return meta


def load_model(path: str | Path) -> Forecaster | LocalForecaster:
    """Load a fitted ``Forecaster`` (or a ``--local`` model's ``LocalForecaster``); any damage
    or foreign content is a ``ModelFileError``. Neither needs Dask."""
    from .forecaster import Forecaster  # torch: only when a model is to run, not for `info`
    from .local_models import KIND, LocalForecaster

    meta, arrays = _read(path, with_weights=True)
    try:
        if meta.get("kind") == KIND:
            model: Forecaster | LocalForecaster = LocalForecaster.from_state(meta, arrays)
        else:
            model = Forecaster.from_state(meta, arrays)
        _check_consistent(model)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        detail = str(exc) if isinstance(exc, _Inconsistent) else type(exc).__name__
        raise ModelFileError(f"{path} is damaged or inconsistent ({detail}); retrain the model") from None
    return model


def column_names_problem(target: Any, id_col: Any, features: Any) -> str | None:
    """What is wrong with the column names a model file records, None when nothing: a
    column name is text, and 5 would fail later, as exit 1, not as a damaged file."""
    for name, value in (("target", target), ("id_col", id_col)):
        if not isinstance(value, str) and not (name == "id_col" and value is None):
            return f"{name} is {value!r}, not a column name"
    if not isinstance(features, (list, tuple)) or not all(isinstance(c, str) for c in features):
        shown = list(features) if isinstance(features, (list, tuple)) else features
        return f"features {shown!r} are not all column names"
    return None


class _Inconsistent(ValueError):
    """A restored model whose fields contradict each other or name nothing real."""


def _check_consistent(model) -> None:
    """What restoring does not check but every forecast relies on: whole positive window
    sizes, a frequency and a time zone that exist, one entry per series id. A file whose
    metadata was edited (a horizon of 'twelve', a zone 'Mars/Olympus', an id twice) fails
    here, as a damaged file, rather than later with a traceback or a wrong answer."""
    import pandas as pd

    from .frequency import check_freq

    plan = model.plan_
    for name in ("lookback", "horizon", "season", "patch"):
        value = getattr(plan, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _Inconsistent(f"plan {name} is {value!r}")
    if plan.freq is not None:
        try:
            check_freq(str(plan.freq))
        except UsageError:
            raise _Inconsistent(f"plan freq {plan.freq!r} names no frequency") from None
    if model.histories_.tz:  # a zone that does not exist raises (ZoneInfoNotFoundError, a KeyError)
        pd.DatetimeIndex([], tz=model.histories_.tz)
    problem = column_names_problem(model.target_, model.id_col_, model.features_)
    if problem:
        raise _Inconsistent(problem)
    ids = list(model.ids_)
    if len(set(ids)) != len(ids):
        raise _Inconsistent("a series id appears twice")
    args = getattr(model, "network_args_", None)  # a --local model's members carry their own
    if args is not None and args.lookback != plan.lookback:
        raise _Inconsistent(f"plan lookback {plan.lookback} but the network reads {args.lookback}")
    ratio = getattr(model, "width_ratio_", None)
    if ratio is not None and len(ratio) != plan.horizon:  # one per step validated, recursive too
        raise _Inconsistent(f"{len(ratio)} width ratios for {plan.horizon} forecast steps")


def _read(path: str | Path, with_weights: bool, verify: bool = False) -> tuple[dict, dict[str, np.ndarray]]:
    path = Path(path)
    try:
        with _open_regular_file(path) as raw, zipfile.ZipFile(raw) as archive:
            members = _checked_directory(path, archive)
            if META_NAME not in members:
                raise ModelFileError(f"{path} is not a forecast model file (no {META_NAME} inside)")
            try:
                meta = json.loads(_read_member(path, archive, members[META_NAME]))
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ModelFileError(f"{path} is damaged: its metadata is not valid JSON; retrain") from None
            _check_format(path, meta)
            arrays = _read_weights(path, archive, members, meta) if with_weights else {}
            if verify and not with_weights:
                _verify_members(path, archive, members)
    except zipfile.BadZipFile:
        raise ModelFileError(_not_a_zip(path)) from None
    except (zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path} is damaged ({type(exc).__name__}); retrain the model") from None
    return meta, arrays


def _not_a_zip(path: Path) -> str:
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
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return False
    else:
        text = head.decode("utf-8", errors="replace")
        if text.count("\ufffd") > 1:  # not UTF-8 (the read may cut one character)
            text = head.decode("latin-1")
    readable = sum(c.isprintable() or c.isspace() for c in text)
    return bool(text) and readable >= 0.98 * len(text)


def _open_regular_file(path: Path) -> io.BufferedReader:
    """Open ``path`` for reading if it is a non-empty regular file, else say what it is.

    Opened non-blocking and checked with ``fstat`` on the open descriptor, so a FIFO
    cannot hang the open and nothing can swap the file between the look and the read.
    """
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


def _checked_directory(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
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
    members = {i.filename: i for i in infos if i.filename == META_NAME or _weight_name(i.filename)}
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


def _read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
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


def _verify_members(path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> None:
    """Read every member as loading would, parsing nothing: a wrong size or checksum (bytes
    lost or changed inside the file) is a ``ModelFileError`` naming the member."""
    for info in members.values():
        _read_member(path, archive, info)


def _read_weights(
    path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], meta: dict
) -> dict[str, np.ndarray]:
    expected = _declared_weights(path, meta)
    present = {key: info for name, info in members.items() if (key := _weight_name(name)) is not None}
    if expected is not None and set(expected) != set(present):
        missing = sorted(set(expected) - set(present)) or sorted(set(present) - set(expected))
        raise ModelFileError(
            f"{path} is damaged: its weight arrays do not match its metadata ({missing[0]}); retrain"
        )
    arrays: dict[str, np.ndarray] = {}
    for key, info in present.items():
        blob = _read_member(path, archive, info)
        arrays[key] = _npy_array(path, info.filename, blob, None if expected is None else expected[key])
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


def _npy_array(
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


def _weight_name(member: str) -> str | None:
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


def _check_format(path: Path, meta: dict) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{path} is not a forecast model file (format is not {FORMAT_NAME!r})")
    version = meta.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path} has no valid format version; it is damaged or foreign")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{path} uses model format {version}, newer than this forecast ({__version__}) reads "
            f"(format {FORMAT_VERSION}); upgrade forecast-cli"
        )
