"""A ``--local`` model's member weights in its file: stacked by shape, so a model of
thousands of series is a few archive entries, and the usual caps on entries and sizes keep
protecting loading (``local_models`` module docstring).

Every member whose weight arrays have the same names, shapes and dtypes joins one group;
array ``local/g<group>/<parameter>`` holds that parameter of every member of the group
along a leading member axis, and each member's metadata says where it sits
(``weights_at``: group, row).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from .fitted_state import MODEL, SERIES

if TYPE_CHECKING:
    from .forecaster import Forecaster

STACKED = "local/"  # weight arrays are named local/g<group>/<parameter>


def stack_members(
    members: Iterable[Forecaster],
) -> tuple[list[dict[str, Any]], dict[str, np.ndarray], list[dict[str, np.ndarray]]]:
    """(each member's metadata with ``weights_at``, the stacked weights, each member's
    per-series arrays): the config and history are dropped from the metadata, stored once
    for the whole model (a member's seed derives from the config and its id)."""
    groups: dict[tuple, list[int]] = {}
    member_meta, member_weights, member_series = [], [], []
    for i, member in enumerate(members):
        meta, arrays = member.state()
        for key in ("config", "history"):
            meta.pop(key)
        weights = {k: v for k, v in arrays.items() if not k.startswith((SERIES, MODEL))}
        signature = tuple((k, v.shape, v.dtype.str) for k, v in weights.items())
        rows = groups.setdefault(signature, [])
        meta["weights_at"] = [list(groups).index(signature), len(rows)]
        rows.append(i)
        member_meta.append(meta)
        member_weights.append(weights)
        member_series.append({k: v for k, v in arrays.items() if k not in weights})
    stacked = {
        f"{STACKED}g{g}/{name}": np.stack([member_weights[i][name] for i in rows])
        for g, (signature, rows) in enumerate(groups.items())
        for name, _, _ in signature
    }
    return member_meta, stacked, member_series


def weight_groups(
    arrays: dict[str, np.ndarray], ids: list[str], members: list[dict[str, Any]]
) -> dict[int, dict[str, np.ndarray]]:
    """The stacked weights by group (arrays named ``model/`` or ``series/`` are skipped);
    a misnamed array or a member pointing past its group is a ``ValueError``."""
    by_group: dict[int, dict[str, np.ndarray]] = {}
    for key, array in arrays.items():
        if key.startswith((SERIES, MODEL)):
            continue
        group, _, name = key.removeprefix(STACKED).partition("/")
        if not key.startswith(STACKED) or not group.startswith("g") or not group[1:].isdigit():
            raise ValueError(f"unexpected weight array {key}")
        by_group.setdefault(int(group[1:]), {})[name] = array
    for sid, member in zip(ids, members, strict=True):
        at, row = (int(v) for v in member["weights_at"])
        stack = by_group.get(at)
        if stack is None or not all(0 <= row < len(a) for a in stack.values()):
            raise ValueError(f"series {sid!r} points at missing weights")
    return by_group


def member_weights(
    by_group: dict[int, dict[str, np.ndarray]], member: dict[str, Any]
) -> dict[str, np.ndarray]:
    """One member's weight arrays, read from its group's stacks."""
    at, row = (int(v) for v in member["weights_at"])
    return {name: a[row] for name, a in by_group[at].items()}
