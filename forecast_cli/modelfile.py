"""The single-file model format: safe to load, self-describing, written atomically.

A ``.fcst`` file is a zip archive holding
- ``forecast.json``: format name and version, package version, creation time, the full
  config, column names, frequency, transform and scaler state, the last window of history
  and the training metrics;
- ``weights/<name>.npy``: one plain numeric array per network parameter.

Loading reads JSON and ``np.load(allow_pickle=False)`` only, so a file can never run code
(unlike pickle or a bare ``torch.load``). Writing goes to a temporary file in the target's
folder, is fsynced, then renamed over the target: an interrupted run leaves either the
old file or the new one, never half of one.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from . import __version__
from .errors import ModelFileError
from .forecaster import Forecaster
from .io import atomic_write

FORMAT_NAME = "forecast-model"
FORMAT_VERSION = 1
META_NAME = "forecast.json"
WEIGHTS_DIR = "weights/"


def save_model(forecaster: Forecaster, path: str | Path) -> Path:
    """Write ``forecaster`` to ``path`` atomically; returns the path written."""
    path = Path(path)
    meta, arrays = forecaster.state()
    meta = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
    }
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelFileError(f"cannot write {path}: folder {folder} does not exist; create it first")
    # The archive closes (writing its directory) before atomic_write syncs and renames.
    with atomic_write(path, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(META_NAME, json.dumps(meta, indent=1, allow_nan=True))
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
            archive.writestr(WEIGHTS_DIR + name + ".npy", buffer.getvalue())
    return path


def read_metadata(path: str | Path) -> dict:
    """The JSON metadata of a model file, checked for format and version."""
    meta, _ = _read(path, with_weights=False)
    return meta


def load_model(path: str | Path) -> Forecaster:
    """Load a fitted ``Forecaster``; any damage or foreign content is a ``ModelFileError``."""
    meta, arrays = _read(path, with_weights=True)
    try:
        return Forecaster.from_state(meta, arrays)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise ModelFileError(
            f"{path} is damaged or inconsistent ({type(exc).__name__}); retrain the model"
        ) from None


def _read(path: str | Path, with_weights: bool) -> tuple[dict, dict[str, np.ndarray]]:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file; train one with `forecast train ... -o {path}`")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if META_NAME not in names:
                raise ModelFileError(f"{path} is not a forecast model file (no {META_NAME} inside)")
            try:
                meta = json.loads(archive.read(META_NAME))
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ModelFileError(f"{path} is damaged: its metadata is not valid JSON; retrain") from None
            _check_format(path, meta)
            arrays: dict[str, np.ndarray] = {}
            if with_weights:
                for name in names:
                    if name.startswith(WEIGHTS_DIR) and name.endswith(".npy"):
                        key = name[len(WEIGHTS_DIR) : -len(".npy")]
                        arrays[key] = np.load(io.BytesIO(archive.read(name)), allow_pickle=False)
    except zipfile.BadZipFile:
        raise ModelFileError(
            f"{path} is not a forecast model file, or it is truncated or corrupt; retrain it"
        ) from None
    except (zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path} is damaged ({type(exc).__name__}); retrain the model") from None
    return meta, arrays


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
