"""The console-script entry point: how a ``forecast`` process starts and ends.

Streams and signals are set up before any command runs (``guard``), and click's usage
errors become one ``error:`` line with exit 2, like every other refusal.
"""

from __future__ import annotations

import sys

import typer

from .app import app
from .value_words import long_name, not_the_type


def _usage_message(exc) -> str:
    """The one line for a usage error: click's message for a bad option value (or ours,
    echoing the value, for one of the wrong type: ``value_words``), its "(env var:
    'FORECAST_SEED')" kept only when the value came from that variable, and then worded as
    our own refusals word it: after ``--seed abc`` on the command line it sent the user
    looking at an environment they had not set."""
    param = getattr(exc, "param", None)
    wrong_type = not_the_type(exc) if param is not None else None
    if wrong_type is not None:
        value, wanted = wrong_type
        message = f"{long_name(param)} {value!r} is not {wanted}"
    else:
        message = exc.format_message()
    envvar = getattr(param, "envvar", None)
    if not isinstance(envvar, str) or exc.ctx is None or param.name is None:
        return message
    source = exc.ctx.get_parameter_source(param.name)  # typer's bundled click: compared by name
    came_from_env = getattr(source, "name", None) == "ENVIRONMENT"
    message = message.replace(f" (env var: {envvar!r})", "")
    return f"{message} (set by {envvar} in the environment)" if came_from_env else message


def main() -> None:
    """Console-script entry point; a closed pipe (``| head``) ends quietly, and a bad option
    or option value is one ``error:`` line, exit 2, like every other refusal (click drew a
    boxed usage panel over several lines)."""
    from .guard import end_quietly_on_closed_pipe, open_closed_streams, raise_on_termination, restore_handlers

    end_quietly_on_closed_pipe()
    open_closed_streams()
    handlers = raise_on_termination()
    try:
        _run()
    finally:
        restore_handlers(handlers)


def _run() -> None:
    """The command, its usage errors and closed pipes mapped to their exit codes."""
    from .guard import silence_stdout

    # typer bundles its own click: its usage errors are the base of its public BadParameter
    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    try:
        code = app(standalone_mode=False)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(0)
    except SystemExit as exc:  # click ends a closed pipe it met itself (`--help`, `--version`) with 1
        if exc.code == 1 and type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            silence_stdout()
            sys.exit(0)
        raise
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `forecast` alone: its help, as before
            exc.show()
        else:
            where = exc.ctx.command_path if exc.ctx is not None else "forecast"
            message = " ".join(_usage_message(exc).split())
            print(f"error: {message} (see {where} -h)", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
