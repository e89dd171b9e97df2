"""How a config field declares itself as an option: ``Option`` metadata, the ``opt`` field
constructor, and the generic checks (bounds, finiteness, choices) that read it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any, TypeVar

from .errors import UsageError

FIT = frozenset({"train", "backtest"})


@dataclass(frozen=True)
class Option:
    """How one config field appears on the command line and in a ``--config`` file."""

    help: str
    panel: str
    commands: frozenset[str] = FIT
    short: str | None = None
    flag: str | None = None  # default: --field-name
    choices: type[StrEnum] | None = None  # completion and help list them
    list_choices: tuple[str, ...] = ()  # for comma-separated lists: the valid items
    min: float | None = None
    max: float | None = None
    min_open: bool = False  # min is exclusive
    envvar: str | None = None
    deprecated: tuple[str, ...] = ()  # old flags still accepted with a warning; "--old@command" limits one
    is_list: bool = False  # comma-separated on the command line, a tuple in the config
    keeps_spaces: bool = False  # a list's items keep the spaces around them (ids: ``panel_ids.as_written``)

    def flag_for(self, name: str) -> str:
        return self.flag or "--" + name.replace("_", "-")


def opt(default: Any, help: str, panel: str, **kwargs: Any) -> Any:
    """A dataclass field that is also a command-line option (see ``Option``)."""
    meta = {"option": Option(help=help, panel=panel, **kwargs)}
    if isinstance(default, tuple | list):
        return field(default_factory=lambda: tuple(default), metadata=meta)
    return field(default=default, metadata=meta)


T = TypeVar("T")


def option_fields(cls: type) -> list[tuple[str, Any, Option]]:
    """(name, default, Option) for every option field of ``cls``, nested sections included."""
    out = []
    for f in fields(cls):  # type: ignore[arg-type]
        factory = f.default_factory
        if "option" in f.metadata:
            default = factory() if callable(factory) else f.default
            out.append((f.name, default, f.metadata["option"]))
        elif callable(factory) and is_dataclass(section := factory()):
            out += option_fields(type(section))
    return out


def check_options(section: Any) -> None:
    """Bounds, finiteness and choices of every option field of ``section`` (recursively)."""
    for f in fields(section):
        value = getattr(section, f.name)
        if is_dataclass(value):
            check_options(value)
            continue
        option: Option | None = f.metadata.get("option")
        if option is None or value is None:
            continue
        flag = option.flag_for(f.name)
        if option.choices is not None and value not in {c.value for c in option.choices}:
            raise UsageError(f"{flag} {value!r} is not one of: {', '.join(c.value for c in option.choices)}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not math.isfinite(value):
            raise UsageError(f"{flag} must be a finite number, got {value}")
        low_bad = option.min is not None and (value <= option.min if option.min_open else value < option.min)
        if low_bad or (option.max is not None and value > option.max):
            raise UsageError(f"{flag} must be {_range(option)}, got {value}")


def _range(option: Option) -> str:
    low = f"{'above' if option.min_open else 'at least'} {_num(option.min)}" if option.min is not None else ""
    high = f"at most {_num(option.max)}" if option.max is not None else ""
    return " and ".join(p for p in (low, high) if p)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def build_section(cls: type[T], raw: dict[str, Any]) -> T:
    """``cls`` from a dict, ignoring unknown keys; lists become tuples."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items() if k in names}
    return cls(**kwargs)
