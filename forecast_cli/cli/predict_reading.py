"""How predict reads its files: as told, else as the model's training data was read.

A model keeps the options its training data was read with (``--time-format %s``,
``--decimal ,`` ...). A file given to predict is read first as predict is told (its own
options, detection for the rest), as before; where that fails and the model read its data
otherwise, the file is read again with the model's options, said on stderr. So "train
--time-format %s, then predict on the same file with new rows" works without repeating
the option, and a file written another way than the training data (an ISO copy of a
Unix-time file) still reads as it did: taking the model's options first refused those,
blaming options the user never gave, with no way back to detection. Stdin cannot be read
twice: its refusal names the model's options instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

from ..errors import DataError, UsageError

READ_KEYS = ("delimiter", "decimal", "thousands", "time_format")
_FLAGS = {
    "delimiter": "--delimiter",
    "decimal": "--decimal",
    "thousands": "--thousands",
    "time_format": "--time-format",
}
T = TypeVar("T")


def models_reading(given, trained, told: frozenset[str]):
    """The data options predict would take from the model (``trained``, a DataConfig) for
    the reading options it was not ``told`` (by flag, environment or --config), where they
    differ from predict's own (``given``); None when there are none."""
    taken = {
        k: getattr(trained, k)
        for k in READ_KEYS
        if k not in told and getattr(trained, k) != getattr(given, k)
    }
    return dataclasses.replace(given, **taken) if taken else None


def said(given, model_cfg) -> str:
    """The model's options that differ from ``given``, as flags (``--time-format %s``)."""
    return " ".join(
        f"{_FLAGS[k]} {getattr(model_cfg, k)}"
        for k in READ_KEYS
        if getattr(model_cfg, k) != getattr(given, k)
    )


def read_either(
    read: Callable[..., T], given, model_cfg, source, info: Callable[[str], None]
) -> tuple[T, object]:
    """(what ``read(data_cfg)`` returns, the data options that read it): with ``given``,
    else (for a file, ``model_cfg`` not None) with ``model_cfg``, said through ``info``. A
    refusal of both is the first one's, naming the model's options."""
    try:
        return read(given), given
    except (DataError, UsageError) as first:
        if model_cfg is None:
            raise
        hint = said(given, model_cfg)
        if not _file(source):
            raise _with_hint(first, hint) from None
        try:
            result = read(model_cfg)
        except (DataError, UsageError):
            raise _with_hint(first, hint) from None
        info(f"{source} read as the model's training data was ({hint})")
        return result, model_cfg


def _file(source) -> bool:
    return isinstance(source, str) and source != "-" or hasattr(source, "is_file")


def _with_hint(exc: Exception, hint: str) -> Exception:
    """``exc`` with the model's options named, where it is a plain refusal (subclasses
    carry what their callers translate: left as they are)."""
    if type(exc) not in (DataError, UsageError):
        return exc
    return type(exc)(
        f"{exc} (the model's training data was read with {hint}: give them if this file is written so)"
    )
