"""The option groups a command takes, and how their fields become options.

A group is a dataclass of declared options (``config.ForecastConfig`` and the run
configs, and ``RunOptions`` here: how a command talks back). ``leaves`` lists the fields a
command takes, with where each value goes in its group; ``options.command`` turns them
into Typer parameters and ``config_option`` checks a ``--config`` file's keys against them.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Optional

import typer

from ..config import ForecastConfig, Option
from ..run_config import BacktestConfig, ComputeConfig, TickerConfig
from .render import FORMATS

OUTPUT = "Output"
ALL = frozenset({"train", "predict", "backtest", "fetch", "info"})


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


assert tuple(Format) == tuple(FORMATS), "render.FORMATS and Format must list the same formats"


def _run_option(default: Any, help: str, commands: frozenset[str] = ALL, **kwargs: Any) -> Any:
    return dataclasses.field(
        default=default, metadata={"option": Option(help=help, panel=OUTPUT, commands=commands, **kwargs)}
    )


@dataclass
class RunOptions:
    """How a command talks back: output format, verbosity, tracebacks."""

    format: str | None = _run_option(
        None,
        "Output format (default: table on a terminal, csv in a pipe or file, json or jsonl for a .json or .jsonl file).",
        frozenset({"predict", "backtest", "fetch"}),
        short="-f",
        choices=Format,
    )
    quiet: bool = _run_option(
        False, "No progress, notes or warnings on stderr (errors still show).", short="-q"
    )
    debug: bool = _run_option(False, "Show the full traceback on errors.")
    timings: bool = _run_option(
        True,
        "Include the fit_seconds and predict_seconds columns (--no-timings: reruns diff clean).",
        frozenset({"backtest"}),
    )


GROUPS: tuple[type, ...] = (ForecastConfig, BacktestConfig, TickerConfig, ComputeConfig, RunOptions)

DataArg = Annotated[
    Optional[str], typer.Argument(help="CSV file, or - for stdin. Omit with --ticker.", show_default=False)
]


@dataclass(frozen=True)
class Leaf:
    """One generated option: where its value goes in the group, and how it is parsed."""

    path: tuple[str, ...]  # section names above the field inside the group ((), ("window",), ...)
    name: str
    default: Any
    option: Option
    type: Any


def leaves(group: type, command: str) -> list[Leaf]:
    """The option fields of ``group`` that ``command`` takes, with their section paths."""
    return [leaf for leaf in all_leaves(group, ()) if command in leaf.option.commands]


def all_leaves(cls: type, path: tuple[str, ...]) -> list[Leaf]:
    hints = typing.get_type_hints(cls)
    out: list[Leaf] = []
    for f in dataclasses.fields(cls):
        if "option" in f.metadata:
            default = f.default_factory() if callable(f.default_factory) else f.default
            out.append(Leaf(path, f.name, default, f.metadata["option"], hints[f.name]))
        elif dataclasses.is_dataclass(hints[f.name]):
            out += all_leaves(hints[f.name], (*path, f.name))
    return out


def all_option_keys() -> set[str]:
    """Every option name any command takes: a shared file may hold keys for other commands."""
    return {leaf.option.flag_for(leaf.name)[2:] for group in GROUPS for leaf in all_leaves(group, ())}
