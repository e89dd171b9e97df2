"""Typer options generated from the config dataclasses, so each option is declared once.

A command names the option groups it takes as parameters annotated with a group type
(``config: ForecastConfig``, ``ticker: TickerConfig``, ``run: RunOptions``, ...). The
``command`` decorator replaces each such parameter with one Typer option per field of the
group that applies to the command (``Option.commands``), and at call time rebuilds the
group from their values. A parameter annotated ``Reporter`` receives the stderr reporter.
Every command also takes ``--config FILE``: a flat TOML of option values that the
command line and environment override (click's order: flag > environment > file >
default).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..choices import Cell
from ..config import ForecastConfig, Option
from ..errors import UsageError
from ..run_config import BacktestConfig, ComputeConfig, TickerConfig
from .guard import guarded
from .render import FORMATS, Reporter

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
    return [leaf for leaf in _all_leaves(group, ()) if command in leaf.option.commands]


def _all_leaves(cls: type, path: tuple[str, ...]) -> list[Leaf]:
    hints = typing.get_type_hints(cls)
    out: list[Leaf] = []
    for f in dataclasses.fields(cls):
        if "option" in f.metadata:
            default = f.default_factory() if callable(f.default_factory) else f.default
            out.append(Leaf(path, f.name, default, f.metadata["option"], hints[f.name]))
        elif dataclasses.is_dataclass(hints[f.name]):
            out += _all_leaves(hints[f.name], (*path, f.name))
    return out


def split_list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip()) if text else ()


def _cli_type(leaf: Leaf) -> tuple[Any, Any]:
    """(annotation, default) of the Typer parameter for ``leaf``."""
    opt = leaf.option
    if opt.choices is not None:
        default = None if leaf.default is None else opt.choices(leaf.default)
        return (Optional[opt.choices] if leaf.default is None else opt.choices), default
    if opt.is_list:
        return Optional[str], (",".join(leaf.default) or None)
    base = leaf.type
    if typing.get_origin(base) in (typing.Union, types.UnionType):
        base = next(a for a in typing.get_args(base) if a is not type(None))
        return Optional[base], leaf.default
    return base, leaf.default


def _complete_list(items: tuple[str, ...]):
    def complete(incomplete: str) -> list[str]:
        head, _, last = incomplete.rpartition(",")
        prefix = head + "," if head else ""
        return [prefix + item for item in items if item.startswith(last)]

    return complete


def _parameter(leaf: Leaf) -> inspect.Parameter:
    opt = leaf.option
    annotation, default = _cli_type(leaf)
    flag = opt.flag_for(leaf.name)
    if annotation is bool and default is True:
        decls = [f"{flag}/--no-{flag[2:]}"]
    else:
        decls = [flag, *([opt.short] if opt.short else [])]
    extra: dict[str, Any] = {}
    if opt.list_choices:
        extra["autocompletion"] = _complete_list(opt.list_choices)
    if opt.is_list and not opt.list_choices:
        extra["metavar"] = "A,B,..."
    info = typer.Option(
        *decls,
        help=opt.help.replace("[", "\\["),  # rich markup would eat [dask]; the README shows it as written
        rich_help_panel=opt.panel,
        envvar=opt.envvar,
        show_envvar=opt.envvar is not None,
        show_default=default is not None and default is not False,
        **extra,
    )
    return inspect.Parameter(
        leaf.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[annotation, info]
    )


def _deprecated_parameters(leaf: Leaf, command: str) -> list[inspect.Parameter]:
    """Hidden parameters for old flags (``--stride`` in train, ``--model`` for the cell)."""
    annotation, _ = _cli_type(leaf)
    if typing.get_origin(annotation) is not typing.Union:
        annotation = Optional[annotation]
    out = []
    for old in leaf.option.deprecated:
        flag, _, where = old.partition("@")
        if where and where != command:
            continue
        info = typer.Option(flag, hidden=True)
        out.append(
            inspect.Parameter(
                _old_name(leaf.name, flag),
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[annotation, info],
            )
        )
    return out


def _old_name(name: str, flag: str) -> str:
    return f"{name}__{flag.strip('-').replace('-', '_')}"


def _value(leaf: Leaf, raw: Any) -> Any:
    if isinstance(raw, StrEnum):
        return raw.value
    if leaf.option.is_list:
        return split_list(raw) if isinstance(raw, str) else tuple(raw or ())
    if isinstance(raw, Path):
        return str(raw)
    return raw


def build_group(group: type, group_leaves: list[Leaf], values: dict[str, Any], reporter: Reporter) -> Any:
    """The group dataclass from the parsed option values (others keep their defaults)."""
    obj = group()
    for leaf in group_leaves:
        raw = values.pop(leaf.name)
        for old in leaf.option.deprecated:
            flag = old.partition("@")[0]
            given = values.pop(_old_name(leaf.name, flag), None)
            if given is not None:
                reporter.warn(f"{flag} is deprecated; use {leaf.option.flag_for(leaf.name)}")
                raw = given
        target = obj
        for section in leaf.path:
            target = getattr(target, section)
        setattr(target, leaf.name, _value(leaf, raw))
    return obj


def command(app: typer.Typer, name: str, **command_kwargs: Any):
    """Register ``func`` as ``forecast <name>`` with its group parameters expanded into options."""

    def decorate(func):
        hints = typing.get_type_hints(func, include_extras=True)
        params: list[inspect.Parameter] = []
        groups: dict[str, tuple[type, list[Leaf]]] = {}
        reporter_param = None
        for p in inspect.signature(func).parameters.values():
            annotation = hints.get(p.name, p.annotation)
            if annotation in GROUPS:
                group_leaves = leaves(annotation, name)
                groups[p.name] = (annotation, group_leaves)
                for leaf in group_leaves:
                    params.append(_parameter(leaf))
                    params += _deprecated_parameters(leaf, name)
            elif annotation is Reporter:
                reporter_param = p.name
            else:
                params.append(p.replace(annotation=annotation, kind=inspect.Parameter.KEYWORD_ONLY))
        params.append(_config_parameter())
        _check_unique(name, params)
        params.append(
            inspect.Parameter("typer_ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
        )

        @functools.wraps(func)
        def wrapper(**values: Any) -> Any:
            values.pop("config_file", None)  # applied by its callback before parsing
            ctx = values.pop("typer_ctx")
            quiet, debug = values.get("quiet", False), values.get("debug", False)
            with guarded(quiet, debug) as reporter:
                for pname, (group, group_leaves) in groups.items():
                    values[pname] = build_group(group, group_leaves, values, reporter)
                    if hasattr(values[pname], "validate"):
                        with _naming_the_source(ctx, group_leaves):
                            values[pname].validate()
                if reporter_param:
                    values[reporter_param] = reporter
                return func(**values)

        del wrapper.__wrapped__  # typer must see the generated signature, not func's
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return app.command(name, **command_kwargs)(wrapper)

    return decorate


@contextlib.contextmanager
def _naming_the_source(ctx: typer.Context, group_leaves: list[Leaf]) -> Iterator[None]:
    """Add where a refused value came from when it was not the flag: the user who set
    ``FORECAST_SEED=-1`` looks for it in the environment, not on the command line."""
    try:
        yield
    except UsageError as exc:
        flag = str(exc).split(" ", 1)[0]  # config.check_options starts each message with the flag
        for leaf in group_leaves:
            if leaf.option.flag_for(leaf.name) == flag:
                source = getattr(ctx.get_parameter_source(leaf.name), "name", "")
                if source == "ENVIRONMENT":
                    raise UsageError(f"{exc} (set by {leaf.option.envvar} in the environment)") from None
                if source == "DEFAULT_MAP":
                    raise UsageError(f"{exc} (set in the --config file)") from None
        raise


def _check_unique(command: str, params: list[inspect.Parameter]) -> None:
    seen: dict[str, str] = {}
    for p in params:
        info = typing.get_args(p.annotation)[1] if typing.get_origin(p.annotation) is Annotated else None
        for decl in getattr(info, "param_decls", None) or ():
            for flag in decl.split("/"):
                if flag in seen:
                    raise RuntimeError(f"forecast {command}: {flag} declared by {seen[flag]} and {p.name}")
                seen[flag] = p.name


# ------------------------------------------------------------------ --config FILE
def _config_parameter() -> inspect.Parameter:
    info = typer.Option(
        "--config",
        help='TOML file of option values (flat keys: horizon = 12, cell = "gru"); '
        "flags and environment variables override it.",
        is_eager=True,
        callback=load_config_file,
        rich_help_panel=OUTPUT,
        show_default=False,
    )
    return inspect.Parameter(
        "config_file",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[Optional[Path], info],
    )


def all_option_keys() -> set[str]:
    """Every option name any command takes: a shared file may hold keys for other commands."""
    return {leaf.option.flag_for(leaf.name)[2:] for group in GROUPS for leaf in _all_leaves(group, ())}


def _checked(ctx: typer.Context, param: Any, path: Path, key: str, option: Any, raw: Any) -> Any:
    """A config file's value as the option would take it, or an error naming the file and
    key: click would take ``epochs = true`` as 1, and say only "Invalid value for
    '--epochs'" of ``epochs = "two"``, without the file it came from."""
    value = ",".join(map(str, raw)) if isinstance(raw, list) else raw
    flag = bool(getattr(option, "is_flag", False))
    shown = str(raw).lower() if isinstance(raw, bool) else repr(raw)
    if isinstance(raw, bool) != flag:
        want = "true or false" if flag else "a value, not true or false"
        raise typer.BadParameter(f"{path}: {key} = {shown} must be {want}", ctx, param)
    if not flag:
        try:
            option.process_value(ctx, value)
        except typer.BadParameter as exc:
            raise typer.BadParameter(f"{path}: {key} = {shown}: {exc.message}", ctx, param) from None
    return value


def load_config_file(ctx: typer.Context, param: Any, value: Path | None) -> Path | None:
    """Read the TOML file into click's ``default_map``, so flags and env vars still win."""
    if value is None or ctx.resilient_parsing:
        return value
    import tomllib

    try:
        data = tomllib.loads(Path(value).read_text(encoding="utf-8-sig"))  # a BOM (Notepad) is no statement
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {value}: {exc.strerror}", ctx, param) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"{value} is not valid TOML: {exc}", ctx, param) from None
    by_flag = {
        opt[2:]: p
        for p in ctx.command.params
        if getattr(p, "param_type_name", None) == "option" and not p.hidden
        for decl in p.opts
        for opt in decl.split("/")[:1]
        if opt.startswith("--")
    }
    known = all_option_keys() | set(by_flag)
    defaults: dict[str, Any] = {}
    for key, raw in data.items():
        flag = key.replace("_", "-")
        if isinstance(raw, dict):
            raise typer.BadParameter(f"{value}: [{key}] tables are not used; write flat keys", ctx, param)
        if flag == "config":
            raise typer.BadParameter(
                f"{value}: config = {raw!r}: a config file does not name another; merge them into one",
                ctx,
                param,
            )
        if flag not in known:
            raise typer.BadParameter(f"{value}: unknown option {key!r}", ctx, param)
        if flag in by_flag and by_flag[flag].name != "config_file":
            defaults[by_flag[flag].name] = _checked(ctx, param, value, key, by_flag[flag], raw)
    if "cell" in data and "models" in by_flag and "models" not in data:
        # backtest has no --cell: a file written for train (`forecast info --config`)
        # names the network it backtests, not the lstm --models defaults to
        defaults["models"] = _checked(ctx, param, value, "cell", by_flag["models"], data["cell"])
    if "models" in data and "cell" in by_flag and "cell" not in data:
        # train has no --models: a file written for backtest names the network to train
        # (its first), not the lstm --cell defaults to (models = "gru" trained an LSTM)
        cells = [m for m in _as_list(data["models"]) if m in {c.value for c in Cell}]
        if cells:
            defaults["cell"] = _checked(ctx, param, value, "models", by_flag["cell"], cells[0])
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


def _as_list(raw: Any) -> list[str]:
    """A TOML value that may be one comma-separated string or an array, as names."""
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return [str(item).strip() for item in items if str(item).strip()]
