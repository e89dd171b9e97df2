"""Map every error to one line on stderr and its documented exit code."""

from __future__ import annotations

import os
import signal
import sys
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from ..errors import (
    ExitCode,
    ForecastError,
    OutputError,
    Terminated,
    note_termination,
    raise_if_terminated,
    take_termination,
)
from .render import Reporter


@contextmanager
def guarded(quiet: bool, debug: bool) -> Iterator[Reporter]:
    """Run a command body: errors become one line and an exit code. ``--debug`` prints the
    traceback above that line; the exit code stays the documented one (a bad input under
    ``--debug`` is still exit 2, not the 1 that says "a bug"), and a bug re-raises."""
    reporter = Reporter(quiet)
    shown = warnings.showwarning
    # a library's warning (the holidays package's years, say) is one of our warning lines:
    # `warning: ...` without the file and source line, and silent under --quiet
    warnings.showwarning = lambda message, *_args, **_kwargs: reporter.warn(" ".join(str(message).split()))
    try:
        yield reporter
        raise_if_terminated()  # told to stop, though the exception was lost on the way
    except typer.Exit:
        signum = take_termination()  # a stop whose exception was lost outranks the command's code
        if signum is None:
            raise
        _terminated(reporter, signum)
    except BrokenPipeError:  # the reader left (`| head`): not an error, and nothing more to say
        silence_stdout()
        raise typer.Exit(int(ExitCode.OK)) from None
    except ForecastError as exc:
        if debug:
            traceback.print_exc(file=sys.stderr)
        reporter.error(str(exc))
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        take_termination()  # acted on here (noted by the handler, in case it was lost)
        _terminated(reporter, signal.SIGINT)
    except Terminated as exc:
        take_termination()  # acted on here: a later command in this process starts clean
        _terminated(reporter, exc.signum)
    except Exception as exc:  # a bug: say so in one line, keep the traceback behind --debug
        if debug:
            raise
        reporter.error(f"unexpected {type(exc).__name__}: {exc} (rerun with --debug for the traceback)")
        raise typer.Exit(int(ExitCode.ERROR)) from None
    finally:
        warnings.showwarning = shown


def _terminated(reporter: Reporter, signum: int) -> NoReturn:
    """End a command stopped by SIGINT, SIGTERM or SIGHUP: one line, the shell's exit code."""
    if signum == signal.SIGINT:
        reporter.error("interrupted; nothing was written")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    hangup = signum == getattr(signal, "SIGHUP", None)
    reporter.error(f"{'hung up (SIGHUP)' if hangup else 'terminated (SIGTERM)'}; nothing was written")
    raise typer.Exit(int(ExitCode.HANGUP if hangup else ExitCode.TERMINATED)) from None


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


class _ClosedStdout:
    """What a closed stdout (``>&-``) becomes: writing data to it is a refusal naming the
    fix, not an AttributeError of ``None``; a command that writes no data (``train -o``)
    never notices."""

    def write(self, text: str) -> int:
        from ..outputs import CLOSED_STDOUT

        raise OutputError(CLOSED_STDOUT)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("stdout is closed")


def open_closed_streams() -> None:
    """Give a closed stdin, stdout or stderr (``<&-``, ``>&-``, ``2>&-``), which Python
    leaves as None, something to talk to: stdin reads as empty, stderr drops messages (the
    work is still done and written), stdout refuses data with one line."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115  (open for the process)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]


def raise_on_termination() -> dict[int, object]:
    """SIGTERM and SIGHUP raise ``Terminated`` in the main thread, so they end a command as
    Ctrl-C does: the file being written is removed, one line says so, and the exit code is
    the shell's (143, 129). The default action killed the process mid-save. Ctrl-C raises
    ``KeyboardInterrupt`` as before, and is noted too: raised inside Dask's garbage
    collection hook it was printed and dropped, and ``train --local --workers 2`` saved its
    model and exited 0 (2 runs in 20)."""

    def _raise(signum: int, frame: object) -> None:
        note_termination(signum)  # kept, in case a finaliser swallows what is raised here
        raise Terminated(signum)

    take_termination()  # a signal noted before this command (between two calls of a library's) is not its own
    before = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _raise)

    def _interrupt(signum: int, frame: object) -> None:
        note_termination(signum)  # kept, in case a finaliser swallows what is raised here
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where Ctrl-C is ignored
        signal.signal(signal.SIGINT, _interrupt)
    return before


def restore_handlers(before: dict[int, object]) -> None:
    """The signal handlers ``raise_on_termination`` replaced, back: a program that calls
    the CLI's entry point keeps its own Ctrl-C (asyncio's, say) after the command."""
    for signum, handler in before.items():
        if handler is not None:
            signal.signal(signum, handler)  # type: ignore[arg-type]


_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))
