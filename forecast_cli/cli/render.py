"""Terminal output for the CLI: data to stdout, everything else to stderr.

``Reporter`` owns stderr (progress, notes, warnings, errors) and honours ``--quiet``;
``emit`` writes data (CSV, JSON or a Rich table) to stdout or a file.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table

from ..errors import UsageError

FORMATS = ("table", "csv", "json", "jsonl")


class _StderrConsole(Console):
    """Rich on stderr. A reader of stderr that leaves (``2>&1 | head -1``) must not end the
    command: the model or file asked for is still written. Messages from then on are
    dropped, where a closed stdout ends the command (``guard.end_quietly_on_closed_pipe``)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stderr.fileno())


class Reporter:
    """Diagnostics on stderr. ``quiet`` silences all but errors."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.console = _StderrConsole(stderr=True, highlight=False, soft_wrap=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            self._say(message)

    def warn(self, message: str) -> None:
        if not self.quiet:
            self._say(f"warning: {message}", "yellow")

    def error(self, message: str) -> None:
        self._say(f"error: {message}", "bold red")

    def _say(self, text: str, style: str | None = None) -> None:
        """One line on stderr; a stderr that cannot be written (``2>>log`` on a full disk, a
        read-only descriptor) drops this line and the rest, and the command goes on: a
        train lost its model (exit 1) to a progress line it could not print."""
        try:
            self.console.print(text, style=style, markup=False)
        except OSError:
            self.console.quiet = True

    @contextmanager
    def training_progress(self, label: str) -> Iterator[Any]:
        """A Rich progress bar on a terminal; nothing otherwise (the caller prints a summary)."""
        if self.quiet or not self.console.is_terminal:
            yield None
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[losses]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
        )
        with progress:
            task = progress.add_task(label, total=None, losses="")

            def on_epoch(report: Any) -> None:
                progress.update(
                    task,
                    total=report.epochs,
                    completed=report.epoch,
                    description=f"{label} epoch {report.epoch}/{report.epochs}",
                    losses=f"train {report.train_loss:.4f} val {report.val_loss:.4f}",
                )

            yield on_epoch

    @contextmanager
    def task_progress(self, label: str, every: float = 10.0) -> Iterator[Any]:
        """A callback for ``compute.TaskProgress``: one aggregated line (done / failed /
        running, time left), live on a terminal, else printed at most every ``every`` seconds."""
        import time

        if self.quiet:
            yield None
            return
        last = [time.monotonic()]

        def line(p: Any) -> str:
            left = p.seconds_left
            eta = f", ~{left:.0f}s left" if left is not None and p.done + p.failed < p.total else ""
            return (
                f"{label}: {p.done}/{p.total} done, {p.failed} failed, {p.running} running, "
                f"{p.elapsed:.0f}s{eta}"
            )

        if not self.console.is_terminal:

            def on_progress(p: Any) -> None:
                if time.monotonic() - last[0] >= every and p.done + p.failed < p.total:
                    last[0] = time.monotonic()
                    self.info(line(p))

            yield on_progress
            return
        with self.console.status(f"{label}: starting") as status:
            yield lambda p: status.update(line(p))


def resolve_format(fmt: str | None, output: str | None) -> str:
    """``table`` on a terminal, ``csv`` into a pipe or file, or ``json``/``jsonl`` for
    ``.json``/``.jsonl`` files (``.ndjson``, JSON lines' other common name, too)."""
    said = None
    if output and output != "-":
        suffix = output.lower().rsplit(".", 1)[-1] if "." in output else ""
        said = {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv"}.get(suffix)
    if fmt is not None:
        # a name that says another format: -o out.csv -f json wrote JSON into out.csv, exit 0
        if said is not None and fmt != said:
            raise UsageError(
                f"-o {output} names a .{suffix} file, but --format is {fmt}; give one or the other"
            )
        return fmt
    if said is not None:
        return said
    if output and output != "-":
        return "csv"
    return "table" if sys.stdout.isatty() else "csv"


def emit(
    fmt: str,
    output: str | None,
    *,
    frame: Any = None,
    payload: Any = None,
    title: str = "",
    table: Any = None,
) -> None:
    """Write data: ``frame`` (a DataFrame) as CSV/table/JSON(L) records, ``payload`` as JSON,
    or a ready Rich ``table``; to ``output`` atomically, or to stdout."""
    from ..io import atomic_write

    if output and output != "-":
        with atomic_write(output, newline="") as handle:
            _write(fmt, handle, frame, payload, title, table)
        return
    from ..outputs import stdout_failed

    try:
        _write(fmt, sys.stdout, frame, payload, title, table)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`| head`): the guard ends the command quietly
        raise
    except OSError as exc:  # a full disk behind `> file`
        raise stdout_failed(exc) from None


def _write(fmt: str, stream: Any, frame: Any, payload: Any, title: str, table: Any = None) -> None:
    from ..writers import frame_to_csv, frame_to_records, write_json, write_jsonl

    if table is not None:
        _print(Console(file=stream, highlight=False, width=_width(stream)), table)
    elif fmt == "json":
        write_json(payload if payload is not None else frame_to_records(frame), stream)
    elif fmt == "jsonl":
        write_jsonl(payload if payload is not None else frame_to_records(frame), stream)
    elif fmt == "csv":
        frame_to_csv(frame, stream)
    else:
        console = Console(file=stream, highlight=False, width=_width(stream))
        for block in column_blocks(frame, console.width):
            shown = title if len(block) == len(frame.columns) else f"{title} ({_span(frame, block)})"
            _print(console, frame_table(frame[block], shown))


def _print(console: Console, renderable: Any) -> None:
    """Print to a terminal as Rich lays out; to a file or a pipe without the spaces Rich pads
    a left-justified title (and a short line) with to the table's width, which a diff or
    ``grep 'foo$'`` of the output trips over."""
    if console.is_terminal:
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    console.file.write("".join(line.rstrip(" ") + "\n" for line in captured.get().splitlines()))


def _width(stream: Any) -> int | None:
    """Full width on a terminal; a generous fixed width for files and pipes (no squashing)."""
    return None if getattr(stream, "isatty", lambda: False)() else 160


def column_blocks(frame: Any, width: int) -> list[list[Any]]:
    """``frame``'s columns in runs whose table fits ``width`` characters beside the index,
    which every block repeats (as pandas prints a wide frame): a wide forecast of 80
    series was squeezed into 80 columns one character wide, and a pipe got ellipses."""
    reset = frame.reset_index()
    needed = [  # a cell's text plus its padding and rule
        max([len(str(c)), *(len(_cell(v)) for v in reset[c])]) + 3 for c in reset.columns
    ]
    levels = frame.index.nlevels
    room = width - sum(needed[:levels]) - 1
    blocks: list[list[Any]] = [[]]
    used = 0
    for column, size in zip(frame.columns, needed[levels:], strict=True):
        if blocks[-1] and used + size > room:
            blocks.append([])
            used = 0
        blocks[-1].append(column)
        used += size
    return blocks


def _span(frame: Any, block: list[Any]) -> str:
    columns = list(frame.columns)
    first, last = columns.index(block[0]) + 1, columns.index(block[-1]) + 1
    return (
        f"columns {first}-{last} of {len(columns)}" if last > first else f"column {first} of {len(columns)}"
    )


def frame_table(frame: Any, title: str = "", highlight_row: int | None = None) -> Table:
    """A Rich table of a DataFrame, index first, numbers right-aligned."""
    table = Table(title=title or None, title_justify="left")
    reset = frame.reset_index()
    for col in reset.columns:
        numeric = reset[col].dtype.kind in "fiu"
        table.add_column(str(col), justify="right" if numeric else "left")
    for i, row in enumerate(reset.itertuples(index=False)):
        style = "bold green" if i == highlight_row else None
        table.add_row(*(_cell(v) for v in row), style=style)
    return table


def _cell(value: Any) -> str:
    """Numbers rounded for the eye (see ``display_number``); midnight timestamps as dates."""
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"):
        return display_number(float(value))
    if hasattr(value, "normalize") and hasattr(value, "tz") and value == value.normalize():
        return value.date().isoformat()  # strftime's %Y writes the year 35 as "35"
    return str(value)


def display_number(value: float) -> str:
    """A float for a table: at least 4 significant digits, never rounded to zero.

    Below 10,000 the decimals grow as the value shrinks (123.5, 0.8123, 0.001235);
    from 10,000 to 1e15 whole numbers with thousands separators (98,765,432); beyond
    either end, scientific (1.000e-07, 1.235e+20). ``-`` for NaN. Data formats (CSV,
    JSON) never round: this is for reading, not for reading back.
    """
    if value != value:
        return "-"
    size = abs(value)
    if size == 0:
        return "0"  # also for -0.0: a sign on nothing only puzzles the reader
    if size == float("inf"):
        return str(value)
    if size < 1e-4 or size >= 1e15:
        return f"{value:.3e}"
    if size >= 1e4:
        return f"{value:,.0f}"
    decimals = max(0, 3 - math.floor(math.log10(size)))
    return f"{value:,.{decimals}f}"
