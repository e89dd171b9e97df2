"""Map every error to one line on stderr and its documented exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from ..errors import ExitCode, ForecastError
from .render import Reporter


@contextmanager
def guarded(quiet: bool, debug: bool) -> Iterator[Reporter]:
    """Run a command body: errors become one line and an exit code; ``--debug`` re-raises."""
    reporter = Reporter(quiet)
    try:
        yield reporter
    except typer.Exit:
        raise
    except BrokenPipeError:  # the reader left (`| head`): not an error, and nothing more to say
        silence_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None
    except ForecastError as exc:
        if debug:
            raise
        reporter.error(str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        reporter.error("interrupted; nothing was written")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except Exception as exc:  # a bug: say so in one line, keep the traceback behind --debug
        if debug:
            raise
        reporter.error(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
        raise typer.Exit(int(ExitCode.ERROR)) from None


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def end_quietly_on_closed_pipe() -> None:
    """Make rich report a closed stdout as ``BrokenPipeError``, which ends the command with exit 0.

    Rich catches the error itself, points stdout at /dev/null and exits 1, so
    ``forecast --help | head -1`` failed under ``set -o pipefail`` although nothing went wrong:
    the reader had what it wanted. Raising the error instead hands it to the handlers above.
    """
    from rich.console import Console

    def _raise(console: Console) -> None:
        raise BrokenPipeError

    Console.on_broken_pipe = _raise  # type: ignore[method-assign]
