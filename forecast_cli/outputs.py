"""Where outputs may go, and writing them so that a failure never leaves half a file.

``check_output_paths`` refuses bad destinations before any work is done (training can
take minutes; finding out afterwards that ``-o`` names the input or a missing folder
wastes them). ``atomic_write`` is the one writer every output goes through: it writes a
temporary file beside the target and renames it over the target, so a crash, Ctrl-C or a
full disk leaves the old file (or none), never a truncated one.

What a path names decides how it is written:
- a regular file, or nothing yet: replaced atomically, keeping the old file's permission
  bits (a new file gets ``0o666 & ~umask``, as ``open`` would give it); a symlink is
  followed, so its target is replaced and the link stays;
- a character device or FIFO (``/dev/null``, ``/dev/stdout``, a pipe from ``>(...)``):
  written in place (appending), since it cannot be replaced and need not be;
- anything under ``/dev`` or ``/proc``: a stream, written in place (``/dev/stdout``
  redirected to a file must append to that open file, not rename over its name);
- a directory, block device or socket: refused.
Replacing a file gives it a new inode: other hard links keep the old content, and the
new file belongs to the user who wrote it.
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .errors import OutputError, raise_if_terminated
from .output_suffixes import refuse_misleading_name

StrPath = str | Path

_STREAM_FOLDERS = ("/dev/", "/proc/")


@dataclass(frozen=True)
class Destination:
    """How a path will be written: ``replace`` the file at ``path`` (symlinks resolved),
    or write to the ``stream`` in place. ``mode`` is the permission bits of the file
    being replaced, None for a new file or a stream."""

    how: str  # "replace" | "stream"
    path: Path
    mode: int | None = None


def destination(path: StrPath, label: str | None = None) -> Destination:
    """Decide how ``path`` will be written, or raise ``OutputError`` saying why it cannot be.

    ``label`` names the path in messages (``-o out.csv``); it defaults to the path.
    """
    path = Path(path)
    label = label or str(path)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a symlink loop, a name too long, a folder we may not search
        raise OutputError(f"{label} cannot be written ({exc.strerror}); write elsewhere") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{label} is a directory; name a file to write (inside it, or elsewhere)")
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            return Destination("stream", path)
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{label} is a {_kind(st.st_mode)}, not a file; write to a file or to -")
        if _in_stream_folder(path):
            return Destination("stream", path)
    elif _in_stream_folder(path):
        raise OutputError(f"{label} does not exist; /dev and /proc hold devices, not new files")
    real = Path(os.path.realpath(path))
    if st is not None and (not st.st_mode & 0o222 or not os.access(real, os.W_OK)):
        # Mode bits first: root may write anything, but a 0o444 file says "do not replace me".
        raise OutputError(
            f"{label} is read-only; make it writable (chmod u+w {shlex.quote(str(path))}) or write elsewhere"
        )
    folder = real.parent
    if not folder.is_dir():
        raise OutputError(
            f"{label}: folder {folder} does not exist; create it (mkdir -p {shlex.quote(str(folder))}) first"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{label}: folder {folder} is not writable; write elsewhere or fix its permissions")
    return Destination("replace", real, stat.S_IMODE(st.st_mode) if st is not None else None)


def check_output_paths(
    outputs: Mapping[str, StrPath | None],
    inputs: Iterable[StrPath | None] = (),
    stdout: str | None = None,
    model: bool = False,
) -> None:
    """Refuse, before any work, outputs that cannot be written or would destroy an input.

    ``outputs`` maps each option to its path (``{"-o": "f.csv", "--plot": None}``); None
    and ``-`` (stdout) are skipped. ``inputs`` are the files the run reads (data, model);
    None and ``-`` (stdin) are skipped. Raises ``OutputError`` (exit 2) for the first of:
    a directory, block device or socket as target, a read-only file, a missing or
    unwritable folder, an output that is an input (same inode, or the same resolved path
    for files not yet there: ``data.csv``, ``./data.csv`` and a symlink all match; the file
    redirected to standard input counts as one), two
    outputs naming one file. Devices and FIFOs (``/dev/null``, ``/dev/stdout``) never
    conflict: writing to them destroys nothing, except that ``stdout`` (what the command
    writes to standard output, e.g. "the leaderboard"; None when it writes none) refuses
    an output that is standard output too (``/dev/stdout``, or whatever it is redirected
    to): the two writes would overwrite or interleave each other. A name that says another
    kind of file is refused (``output_suffixes``): compressed, and unless ``model`` (train's
    model file) or a plot, a model file (forecasts written to ``.fcst`` read as one to the
    next ``predict -m``) or another table format (``.xlsx``). When data goes to standard output (an output of
    None or ``-``, or a path that is it), standard output must be open and must not be an
    input file (``>> data.csv``).
    """
    read = {_identity(Path(p)) for p in inputs if p is not None and str(p) != "-"}
    read.discard(None)
    on_stdin = _stdin_file()  # `< data.csv`: read as DATA (given as -, or taken when piped)
    if not model and any(p is None or str(p) == "-" or _is_stdout(Path(p)) for p in outputs.values()):
        _check_stdout(read | {on_stdin})
    written: dict[tuple, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        label = f"{option} {path}"
        refuse_misleading_name(option, str(path), table=not model and option != "--plot")
        dash = str(path) == "-"
        if stdout is not None and option != "-o" and (dash or _is_stdout(Path(path))):
            raise OutputError(
                f"{label} {'writes to' if dash else 'is'} standard output, where {stdout} goes too; "
                f"give it a file of its own, or send {stdout} elsewhere with -o FILE"
            )
        if dash:
            continue
        target = destination(path, label)
        if target.how == "stream":
            continue
        key = _identity(target.path)
        if key is None:  # replaced by a device between the two looks: nothing to compare
            continue
        if key in read:
            raise OutputError(f"{label} is also an input file; write the output elsewhere")
        if key == on_stdin:
            raise OutputError(f"{label} is the file on standard input; write the output elsewhere")
        if key in written:
            raise OutputError(f"{written[key]} and {label} name the same file; give each output its own path")
        written[key] = label


CLOSED_STDOUT = (
    "standard output is closed (>&-); redirect it to a file (> FILE, or -o FILE), or leave it open"
)


@contextmanager
def atomic_write(path: StrPath, mode: str = "w", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing; on success the content replaces ``path`` in one rename.

    The data goes to a unique temporary file in the target's folder (so two runs writing
    one path do not trample each other), is fsynced, then renamed over the target, and
    the folder is fsynced so the rename survives a power cut. Any failure (an exception
    in the ``with`` body, Ctrl-C) removes the temporary and leaves the old file as it was.
    An ``OSError`` while writing (``ENOSPC``, ``EIO``, ``EACCES``) becomes a one-line
    ``OutputError`` naming the path; ``BrokenPipeError`` passes through for the CLI to end
    quietly. Devices and FIFOs are written in place (see the module docstring).
    """
    target = destination(path)
    if target.how == "stream":
        raise_if_terminated()  # a stop whose exception was lost: nothing goes out
        # Append: on a device or pipe it is the same as writing, and /dev/stdout behind
        # `>> log` must not truncate the log (behind `> log` the shell truncated it already).
        try:
            with open(target.path, mode.replace("w", "a"), **open_kwargs) as handle:
                yield handle
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise _write_failed(path, exc) from None
        return
    permissions = target.mode if target.mode is not None else 0o666 & ~current_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.path.name}.", suffix=".tmp", dir=target.path.parent)
    except OSError as exc:
        raise _write_failed(path, exc) from None
    try:
        try:
            if hasattr(os, "fchmod"):  # not on Windows before 3.13, where modes barely apply
                os.fchmod(fd, permissions)
            handle = os.fdopen(fd, mode, **open_kwargs)
        except BaseException:
            os.close(fd)
            raise
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        raise_if_terminated()  # a stop whose exception was lost: the old file stays
        os.replace(tmp, target.path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise _write_failed(path, exc) from None
        raise
    _sync_folder(target.path.parent)


def current_umask() -> int:
    """The process umask, read without changing it where the system allows.

    Linux (4.7+) reports it in ``/proc/self/status``. Elsewhere the only way to read it is
    to set it and set it back; for that instant another thread creating a file would get
    ``0o077``, i.e. a file more private than intended, never a more open one.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o077)
    os.umask(old)
    return old


def _is_stdout(path: Path) -> bool:
    """True when ``path`` is the file, pipe or terminal this process's stdout writes to."""
    try:
        mine, theirs = os.fstat(1), os.stat(path)
    except (OSError, ValueError):
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def _check_stdout(inputs: set) -> None:
    """Standard output, where data is about to go, must be open and must not be a file
    the run reads (``predict -m m.fcst x.csv >> x.csv`` appended a second header to the
    data it read; ``1<>x.csv`` overwrote it in place)."""
    try:
        st = os.fstat(1)
    except (OSError, ValueError):
        raise OutputError(CLOSED_STDOUT) from None
    if stat.S_ISREG(st.st_mode) and ("inode", st.st_dev, st.st_ino) in inputs:
        raise OutputError("standard output is redirected to an input file; write the output elsewhere")


def _stdin_file() -> tuple | None:
    """(device, inode) of the regular file redirected to standard input, else None (a
    terminal, a pipe, or no stdin): writing over it would destroy data being read."""
    try:
        st = os.fstat(0)
    except (OSError, ValueError):
        return None
    return ("inode", st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def _identity(path: Path) -> tuple | None:
    """What makes two names one file: (device, inode) for a regular file; the resolved
    path for one not there yet; None for devices and FIFOs, which never conflict."""
    try:
        st = os.stat(path)
    except OSError:
        return ("path", os.path.normcase(os.path.realpath(path)))
    if not stat.S_ISREG(st.st_mode):
        return None
    return ("inode", st.st_dev, st.st_ino)


def _in_stream_folder(path: Path) -> bool:
    return str(path.absolute()).startswith(_STREAM_FOLDERS)


def _kind(mode: int) -> str:
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def stdout_failed(exc: OSError) -> OutputError:
    """A failed write of data to standard output (``> /dev/full``), as a write to a file
    fails: one line and exit 2, not an unexpected error."""
    return _write_failed("standard output", exc, unchanged="")


def _write_failed(
    path: StrPath, exc: OSError, unchanged: str = " (any old file is unchanged)"
) -> OutputError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some space or write elsewhere"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "check the permissions of the file and its folder, or write elsewhere"
    else:
        hint = "write elsewhere"
    return OutputError(f"cannot write {path}: {reason}; {hint}{unchanged}")


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; some systems cannot open or fsync folders, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
