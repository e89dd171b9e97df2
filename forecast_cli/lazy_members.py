"""A loaded ``--local`` model's members, each built from the model file on first use.

Why lazily: a model of thousands of series holds thousands of networks, and a ``predict``
of one series should not pay for building the others (``local_models`` stacks their arrays
in the file; this rebuilds one member's when its series is asked for).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from .errors import ModelFileError

if TYPE_CHECKING:
    from .forecaster import Forecaster


class LazyMembers(Mapping[str, "Forecaster"]):
    """Series id -> its ``Forecaster``, each built from the model file's arrays on first use."""

    def __init__(self, ids: Sequence[str], build: Callable[[int], Forecaster]):
        self._at = {sid: i for i, sid in enumerate(ids)}
        self._build = build
        self._built: dict[str, Forecaster] = {}

    def __getitem__(self, sid: str) -> Forecaster:
        if sid not in self._built:
            i = self._at[sid]
            try:
                self._built[sid] = self._build(i)
            except (KeyError, TypeError, ValueError, RuntimeError) as exc:
                raise ModelFileError(
                    f"the model file's network for series {sid!r} is damaged ({type(exc).__name__}); retrain"
                ) from None
        return self._built[sid]

    def __contains__(self, sid: object) -> bool:
        return sid in self._at

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)
