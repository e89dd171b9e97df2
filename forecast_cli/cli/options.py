"""Typer options generated from the config dataclasses, so each option is declared once.

A command names the option groups it takes as parameters annotated with a group type
(``config: ForecastConfig``, ``ticker: TickerConfig``, ``run: RunOptions``, ...). The
``command`` decorator replaces each such parameter with one Typer option per field of the
group that applies to the command (``Option.commands``), and at call time rebuilds the
group from their values. A parameter annotated ``Reporter`` receives the stderr reporter.
Every command also takes ``--config FILE`` (``config_option``); the groups and their
fields are listed by ``option_groups``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import types
import typing
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import UsageError
from .config_option import config_file_read, config_parameter, note_config_file, note_given, overridden
from .guard import guarded
from .option_groups import GROUPS, Leaf, leaves
from .render import Reporter


def split_list(text: str | None, strip: bool = True) -> tuple[str, ...]:
    """Comma-separated items, empty ones dropped; each without the spaces around it unless
    ``strip`` is off (``Option.keeps_spaces``)."""
    if not text:
        return ()
    return tuple(part.strip() if strip else part for part in text.split(",") if part.strip())


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
    # an on/off option takes --no-X too: a config file's `local = true` can be turned off by a flag
    decls = [f"{flag}/--no-{flag[2:]}" if annotation is bool else flag, *([opt.short] if opt.short else [])]
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
        return split_list(raw, not leaf.option.keeps_spaces) if isinstance(raw, str) else tuple(raw or ())
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
        params.append(config_parameter())
        _check_unique(name, params)
        params.append(
            inspect.Parameter("typer_ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
        )

        @functools.wraps(func)
        def wrapper(**values: Any) -> Any:
            values.pop("config_file", None)  # applied by its callback before parsing
            ctx = values.pop("typer_ctx")
            note_config_file(ctx)  # an input -o must not overwrite
            note_given(ctx, values)
            quiet, debug = values.get("quiet", False), values.get("debug", False)
            every_leaf = [leaf for _, group_leaves in groups.values() for leaf in group_leaves]
            with guarded(quiet, debug) as reporter, _naming_the_source(ctx, every_leaf):
                for line in overridden(ctx, values):
                    reporter.info(line)
                _refuse_empty_ids(ctx, values)
                for pname, (group, group_leaves) in groups.items():
                    values[pname] = build_group(group, group_leaves, values, reporter)
                    if hasattr(values[pname], "validate"):
                        values[pname].validate()
                if reporter_param:
                    values[reporter_param] = reporter
                return func(**values)

        del wrapper.__wrapped__  # typer must see the generated signature, not func's
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return app.command(name, **command_kwargs)(wrapper)

    return decorate


def _refuse_empty_ids(ctx: typer.Context, values: dict[str, Any]) -> None:
    """``--ids ""`` (an unset shell variable, say) named no series and meant every series.
    Refused where it was typed; a config file's ``ids = []`` (as ``info -f config`` writes
    it) still means every series."""
    raw = values.get("ids")
    source = getattr(ctx.get_parameter_source("ids"), "name", "") if "ids" in values else ""
    if isinstance(raw, str) and not split_list(raw) and source in ("COMMANDLINE", "ENVIRONMENT"):
        raise UsageError("--ids names no series; give ids, or leave --ids out for every series")


@contextlib.contextmanager
def _naming_the_source(ctx: typer.Context, group_leaves: list[Leaf]) -> Iterator[None]:
    """Add where a refused value came from when it was not the flag: the user who set
    ``FORECAST_SEED=-1`` looks for it in the environment, not on the command line. Covers
    the command's body too: predict's "--ids selects series of a panel", from an ``ids``
    key of a file ``info -f config`` wrote for another model, did not say it came from the
    file."""
    try:
        yield
    except UsageError as exc:
        flag = str(exc).split(" ", 1)[0]  # messages about an option start with its flag
        for leaf in group_leaves:
            if leaf.option.flag_for(leaf.name) == flag:
                source = getattr(ctx.get_parameter_source(leaf.name), "name", "")
                if source == "ENVIRONMENT":
                    raise UsageError(f"{exc} (set by {leaf.option.envvar} in the environment)") from None
                if source == "DEFAULT_MAP":
                    raise UsageError(f"{exc} (set in the --config file {config_file_read()})") from None
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
