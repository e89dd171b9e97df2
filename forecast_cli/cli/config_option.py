"""``--config FILE``: a flat TOML of option values that every command takes.

The file's values become click's ``default_map``, so the command line and environment
still override it (click's order: flag > environment > file > default). Each key is
checked as its option would check it, and an error names the file and the key.
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..choices import Cell
from .option_groups import OUTPUT, all_option_keys
from .value_words import not_the_type


def config_parameter() -> inspect.Parameter:
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


_META = "forecast.config_file"  # ctx.meta: (path, {param name: (key, raw, parsed, option)})


_READ: ContextVar[Path | None] = ContextVar("forecast_config_file_read", default=None)


def note_config_file(ctx: typer.Context) -> None:
    """Keep the --config file the command read for ``config_file_read`` (the command's
    body runs where click's context is no longer current)."""
    _READ.set(ctx.meta.get(_META, (None, {}))[0])


_GIVEN: ContextVar[frozenset[str]] = ContextVar("forecast_options_given", default=frozenset())


def note_given(ctx: typer.Context, names) -> None:
    """Keep which options this command was given (on the command line, in the environment
    or in the --config file) rather than left at their defaults, for ``options_given``."""
    _GIVEN.set(
        frozenset(n for n in names if getattr(ctx.get_parameter_source(n), "name", "DEFAULT") != "DEFAULT")
    )


def options_given() -> frozenset[str]:
    """The parameter names this command was given a value for (``note_given``): predict
    reads a file written as the training data was unless told otherwise."""
    return _GIVEN.get()


def config_file_read() -> Path | None:
    """The --config file this command read (None without one): an input, which an output
    must not overwrite (``-o cfg.toml`` replaced it with a model, exit 0)."""
    return _READ.get()


def overridden(ctx: typer.Context, values: dict[str, Any]) -> list[str]:
    """A line per config-file key that a flag or an environment variable overrode with a
    different value (``values``: the parsed options by parameter name). click's order
    (flag > environment > file) is documented, but a run that silently took ``--horizon 6``
    over the file's ``horizon = 12`` left the file reading as what ran."""
    path, keys = ctx.meta.get(_META, (None, {}))
    lines = []
    for name, (key, raw, parsed, option) in keys.items():
        source = getattr(ctx.get_parameter_source(name), "name", "")
        value = values.get(name)
        if source not in ("COMMANDLINE", "ENVIRONMENT") or value == parsed:
            continue
        if source == "ENVIRONMENT":
            given = f"{option.envvar}={_plain(value)} in the environment"
        elif isinstance(value, bool):  # --baselines / --no-baselines
            given = option.opts[0] if value or not option.secondary_opts else option.secondary_opts[0]
        else:
            given = f"{option.opts[0]} {_plain(value)}"
        lines.append(f"{given} overrides {key} = {_toml(raw)} in {path}")
    return lines


def _toml(raw: Any) -> str:
    """A config file's value as TOML writes it."""
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, list):
        return "[" + ", ".join(map(_toml, raw)) + "]"
    return f'"{raw}"' if isinstance(raw, str) else str(raw)


def _plain(value: Any) -> str:
    """A parsed option value as a flag takes it: lists joined with commas."""
    if isinstance(value, tuple | list):
        return ",".join(map(str, value))
    return str(value)


def _checked(ctx: typer.Context, param: Any, path: Path, key: str, option: Any, raw: Any) -> Any:
    """A config file's value as the option would take it, or an error naming the file and
    key: click would take ``epochs = true`` as 1, and say only "Invalid value for
    '--epochs'" of ``epochs = "two"``, without the file it came from."""
    if isinstance(raw, list):
        _refuse_commas_inside(ctx, param, path, key, raw)
    value = ",".join(map(str, raw)) if isinstance(raw, list) else raw
    flag = bool(getattr(option, "is_flag", False))
    shown = str(raw).lower() if isinstance(raw, bool) else repr(raw)
    if isinstance(raw, bool) != flag:
        want = "true or false" if flag else "a value, not true or false"
        raise typer.BadParameter(f"{path}: {key} = {shown} must be {want}", ctx, param)
    parsed = raw
    if not flag:
        try:
            parsed = option.process_value(ctx, value)
        except typer.BadParameter as exc:
            wrong_type = not_the_type(exc)
            detail = f" is not {wrong_type[1]}" if wrong_type else f": {exc.message}"
            raise typer.BadParameter(f"{path}: {key} = {shown}{detail}", ctx, param) from None
    ctx.meta.setdefault(_META, (path, {}))[1][option.name] = (key, raw, parsed, option)
    return value


_NAMES_ITEMS = {"ids", "target", "features", "future-features", "static-cols"}


def _refuse_commas_inside(ctx: typer.Context, param: Any, path: Path, key: str, raw: list) -> None:
    """An array's items are joined with commas for the option, which splits at commas: an
    item that names a series or a column and holds one (an id ``Store 1,2``) would silently
    become two names. (``level = ["80,95"]`` reads as 80 and 95, as written.)"""
    flag = key.replace("_", "-")
    inside = [item for item in raw if "," in str(item)]
    if inside and flag in _NAMES_ITEMS:
        fix = "list such ids one per line in an --ids-file" if flag == "ids" else "rename that column"
        raise typer.BadParameter(
            f"{path}: {key} item {str(inside[0])!r} holds a comma, which separates values; {fix}", ctx, param
        )


def load_config_file(ctx: typer.Context, param: Any, value: Path | None) -> Path | None:
    """Read the TOML file into click's ``default_map``, so flags and env vars still win."""
    if value is None or ctx.resilient_parsing:
        return value
    if str(value) == "-":  # "cannot read -: No such file" read as a missing file named '-'
        raise typer.BadParameter(
            "reads a file, not standard input (which is for DATA); give its path", ctx, param
        )
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
