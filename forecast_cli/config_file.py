"""A configuration as a flat TOML file of option names, so a run can be repeated exactly.

``forecast info MODEL --format config`` writes one; ``--config FILE`` on any command reads
it (the CLI does the reading, since it knows which options a command takes). Keys are the
long option names without dashes (``val-fraction = 0.15``); lists are TOML arrays.
Every option is written, defaults included, so a later release that changes a default
still repeats the same run.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from typing import Any

from .config import Option


def option_values(obj: Any, command: str) -> dict[str, Any]:
    """{option name: value} of every option field of ``obj`` (nested sections too) that
    ``command`` takes; unset (None) options are left out."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if is_dataclass(value):
            out.update(option_values(value, command))
            continue
        option: Option | None = f.metadata.get("option")
        if option is not None and command in option.commands and value is not None:
            out[option.flag_for(f.name)[2:]] = value
    return out


def to_toml(values: dict[str, Any], header: str = "") -> str:
    """Flat TOML text of ``values`` (str, int, float, bool, lists of those)."""
    lines = [f"# {line}" for line in header.splitlines()]
    lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is JSON-escaped text
