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
pickle or a bare ``torch.load``), and ``model_archive`` reads them trusting nothing it has
not checked (size caps before inflating, bounded reads, ``.npy`` headers against the
metadata). This module says what the contents mean: the format and its version, and
whether a restored model is consistent. Writing goes through ``atomic_write``: an
interrupted run leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import io
import json
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import __version__
from .errors import ModelFileError, UsageError
from .io import atomic_write
from .model_archive import (
    META_NAME,
    WEIGHTS_DIR,
    checked_directory,
    not_a_zip,
    open_regular_file,
    read_member,
    read_weights,
    verify_members,
)

if TYPE_CHECKING:
    from .forecaster import Forecaster
    from .local_models import LocalForecaster

FORMAT_NAME = "forecast-model"
FORMAT_VERSION = 4  # 2: config and plan stored once each; per-series ids, scalers, histories
# 3: a --local model ("kind": "local"): one network per series, weights stacked by shape
# 4: per-series state (histories, scalers, calibration) as arrays instead of JSON lists
READS_VERSION = 5  # 5: a --local model with series too short for a network (``short/`` arrays);
# only such a model is written as 5 (its ``state`` says so), so every other file still opens
# in a release that reads 4, and one that cannot read it says it is newer, not damaged

_SAMPLE_BYTES = 64 * 1024  # of an array, compressed to decide whether to deflate it all


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
    from .local_models import LocalForecaster
    from .local_state import KIND

    meta, arrays = _read(path, with_weights=True)
    try:
        if meta.get("kind") == KIND:
            model: Forecaster | LocalForecaster = LocalForecaster.from_state(meta, arrays)
        else:
            model = Forecaster.from_state(meta, arrays)
        _check_consistent(model)
    except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as exc:
        raise ModelFileError(
            f"{path} is damaged or inconsistent ({_detail(exc)}); retrain the model"
        ) from None
    return model


def _detail(exc: Exception) -> str:
    """What a restore failure says, on one short line: a missing entry by its name, another
    error by its first line (torch's size mismatches name the weight and both shapes), so
    the message tells what is inconsistent, not only the exception's class."""
    if isinstance(exc, _Inconsistent):
        return str(exc)
    if isinstance(exc, KeyError):
        return missing_entry(exc)
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[1] if lines[0].startswith("Error(s) in loading") and len(lines) > 1 else lines[0]
    text = text if len(text) <= 200 else text[:197] + "..."
    return text if text.startswith("the model file") else f"{type(exc).__name__}: {text}"


def missing_entry(exc: KeyError) -> str:
    """A metadata key a restore or a summary looked for and did not find, by its name."""
    return f"no entry {exc.args[0]!r}" if exc.args else "a missing entry"


def column_names_problem(target: Any, id_col: Any, features: Any) -> str | None:
    """What is wrong with the column names a model file records, None when nothing: a
    column name is text, and 5 would fail later, as exit 1, not as a damaged file."""
    for name, value in (("target", target), ("id_col", id_col)):
        if not isinstance(value, str) and not (name == "id_col" and value is None):
            return f"{name} is {value!r}, not a column name"
        if isinstance(value, str) and not value.strip():  # "" named no column: a KeyError at predict
            return f"{name} is empty, not a column name"
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
        try:
            pd.DatetimeIndex([], tz=model.histories_.tz)
        except KeyError:  # said as the zone, not as "no entry 'No time zone found with key ...'"
            raise _Inconsistent(f"time zone {model.histories_.tz!r} names no zone") from None
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
    if ratio is not None and not np.all(np.isfinite(ratio)):  # NaN emptied every band, unsaid
        raise _Inconsistent("a width ratio is not a finite number")
    table = getattr(model, "calibration_", None)  # (a --local model's pooled one included)
    if table is not None and np.isnan(np.asarray(table.abs_q, dtype=np.float64)).any():
        raise _Inconsistent("its calibration table holds a value that is not a number")  # bands all empty
    labels = getattr(model, "time_labels_", "")
    if not isinstance(labels, str) or (labels and "%" not in labels):  # 5 was a bare StopIteration
        raise _Inconsistent(f"time labels {labels!r} are not a layout of dates")


def _read(path: str | Path, with_weights: bool, verify: bool = False) -> tuple[dict, dict[str, np.ndarray]]:
    path = Path(path)
    try:
        with open_regular_file(path) as raw, zipfile.ZipFile(raw) as archive:
            members = checked_directory(path, archive)
            if META_NAME not in members:
                raise ModelFileError(f"{path} is not a forecast model file (no {META_NAME} inside)")
            try:
                meta = json.loads(read_member(path, archive, members[META_NAME]))
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ModelFileError(f"{path} is damaged: its metadata is not valid JSON; retrain") from None
            _check_format(path, meta)
            arrays = read_weights(path, archive, members, meta) if with_weights else {}
            if verify and not with_weights:
                verify_members(path, archive, members, meta)
    except zipfile.BadZipFile:
        raise ModelFileError(not_a_zip(path)) from None
    except (zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(_damage(path, exc)) from None
    return meta, arrays


def _damage(path: Path, exc: BaseException) -> str:
    """What a file that failed while being read has: bytes cut from its middle leave the zip
    directory pointing before the file's start (a seek to a negative offset, EINVAL; it was
    "damaged (OSError)"), a disk error is no fault of the file."""
    if isinstance(exc, OSError) and exc.errno == errno.EINVAL:
        return f"{path} is damaged: its entries are not where its zip directory says (bytes cut out or added); retrain the model"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{path} could not be read ({exc.strerror}); check the disk, or copy the file again"
    what = "cut short" if isinstance(exc, EOFError) else type(exc).__name__
    return f"{path} is damaged ({what}); retrain the model"


def _check_format(path: Path, meta: dict) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise ModelFileError(f"{path} is not a forecast model file (format is not {FORMAT_NAME!r})")
    version = meta.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{path} has no valid format version; it is damaged or foreign")
    if version > READS_VERSION:
        raise ModelFileError(
            f"{path} uses model format {version}, newer than this forecast ({__version__}) reads "
            f"(format {READS_VERSION}); upgrade forecast-cli"
        )
