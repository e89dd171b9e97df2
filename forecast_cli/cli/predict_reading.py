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

from ..data_config import DataConfig
from ..errors import DataError, UnknownIds, UsageError
from ..option_spec import option_fields

READ_KEYS = ("delimiter", "decimal", "thousands", "time_format")
# each option's flag as its declaration spells it (``--time-format``)
_FLAGS = {name: option.flag_for(name) for name, _, option in option_fields(DataConfig) if name in READ_KEYS}
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


NUMBER_KEYS = ("decimal", "thousands")  # misread silently: 5.006 is a number under either


def read_either(
    read: Callable[..., T], given, model_cfg, source, info: Callable[[str], None]
) -> tuple[T, object]:
    """(what ``read(data_cfg)`` returns, the data options that read it), from the first of
    these that reads a file (stdin, read once: ``given`` alone, as before):

    1. ``given`` with the model's way of writing numbers (``NUMBER_KEYS``): a file of counts
       written ``5.006`` with ``--thousands .`` reads under detection too, as 5.006, and the
       forecast came out a thousand times too small, exit 0;
    2. ``given``: predict's own options and detection (an ISO copy of a Unix-time file);
    3. ``model_cfg``: every reading option the model's training data was read with.

    Options of the model's that read the file are said through ``info``. A refusal of all
    is ``given``'s, naming the model's options."""
    if model_cfg is None:
        return read(given), given
    numbers = dataclasses.replace(given, **{k: getattr(model_cfg, k) for k in NUMBER_KEYS})
    tries = [c for c in (numbers, given, model_cfg) if c is not None]
    tries = [c for i, c in enumerate(tries) if c not in tries[:i]]
    if not _file(source):
        tries = [given]
    refusals: dict[int, Exception] = {}
    for k, cfg in enumerate(tries):
        try:
            result = read(cfg)
        except (DataError, UsageError) as exc:
            refusals[k] = exc
            continue
        if cfg != given:
            info(f"{source} read as the model's training data was ({said(given, cfg)})")
        return result, cfg
    # a try that read the file and found no series asked for says the truth of every try
    # (with the model's --decimal it read the file; without, "decimal comma" hid the ids)
    found = [e for e in refusals.values() if isinstance(e, UnknownIds)]
    if found:
        raise found[0] from None
    first = refusals[tries.index(given)]
    raise _with_hint(first, said(given, model_cfg)) from None


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
