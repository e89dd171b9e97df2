"""Series ids as the user names them (--ids, --ids-file) against the ids a panel or a
model has: matching them as written, and the refusal that names the ones missing."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from .errors import UnknownIds, UsageError, first_few
from .text_bytes import decoded


def as_written(requested: Sequence[str], names: Sequence[str], label: str = "--ids") -> list[str]:
    """Each requested id as the data writes it, each once: itself when written exactly and
    with no spaces around it; otherwise the one name that equals it once spaces around both
    are dropped and both are in one Unicode form (``_loose``). --ids and --ids-file keep
    the spaces they read, so ``--ids 'A, B'`` chooses B through this match. Several names
    that equal it so (' D' and 'D ') are refused, naming them: an id written with spaces
    around it cannot say whether they are part of it (they were dropped, and ``--ids ' D'``
    chose 'D' with exit 0). Unmatched ids come back without their spaces, for the message
    that names them. A single string is one id, not its letters (a library caller's
    ``predict(ids='passengers')`` was read as 10 unknown ids)."""
    if isinstance(requested, str):
        requested = (requested,)
    exact = set(names)
    loose = _loose_groups(names)
    out = []
    for item in requested:
        if item in exact and item == str(item).strip():
            out.append(item)
            continue
        near = loose.get(_loose(item), [])
        if len(near) > 1:
            raise UsageError(
                f"{label} {str(item)!r} could be any of {len(near)} series whose ids differ only "
                f"by spaces around them or Unicode form ({', '.join(repr(str(n)) for n in near)}): make "
                "the ids in the data differ by more"
            )
        out.append(near[0] if near else str(item).strip())
    return list(dict.fromkeys(out))


def _loose(name) -> str:
    """An id as matched when not written exactly: spaces around it dropped, and in Unicode's
    composed form (NFC), since files written on macOS often hold 'u' + a combining
    diaeresis where the data has 'ü', and both print alike."""
    return unicodedata.normalize("NFC", str(name).strip())


def _loose_groups(names: Sequence[str]) -> dict[str, list[str]]:
    """The ids by their ``_loose`` form, each group in the order given."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_loose(name), []).append(name)
    return groups


def space_twins(names: Sequence[str]) -> list[str]:
    """A note when some ids differ only by spaces around them or Unicode form (one series
    split in two by a stray space, most often), else nothing: they stay apart, as the data
    has them."""
    twins = [group for group in _loose_groups(names).values() if len(group) > 1]
    if not twins:
        return []
    shown = first_few([" and ".join(map(repr, group)) for group in twins])
    return [
        f"{len(twins)} id(s) differ only by spaces around them or Unicode form ({shown}): kept as "
        "separate series; --ids chooses one written exactly without spaces around it"
    ]


def spaced_twin(keys: Sequence[str], names: Sequence[str]) -> tuple[str, str] | None:
    """(key, twin): the first of ``keys`` with another of ``names`` that equals it once the
    spaces around both are dropped (a series split off by a stray space), else None. One
    grouping of ``names``: a pass over them for each key compared 5 x 10^7 pairs where
    5,000 of 10,000 series were refused."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(str(name).strip(), []).append(name)
    for key in keys:
        twin = next((n for n in groups.get(str(key).strip(), ()) if n != key), None)
        if twin is not None:
            return key, twin
    return None


def unknown_ids(
    label: str, missing: list[str], what: str, available: str, known: Sequence[str] = ()
) -> UnknownIds:
    """``--ids names 2 series not in the data: 'A', 'B' (the data has 40 series)``. Quoted,
    so that the parts of an id with a comma that --ids split (``New York, NY``) do not read
    as the id itself; when one of the ``known`` ids has a comma, the fix is named."""
    hint = ""
    split_by_ids = label == "--ids" or label.startswith("--ids and")  # not an --ids-file alone
    if split_by_ids and any("," in str(k) for k in known):
        hint = "; --ids splits at commas: give an id with a comma in --ids-file, one id a line"
    shown = first_few([repr(str(m)) for m in missing])
    return UnknownIds(f"{label} names {len(missing)} series {what}: {shown} ({available} series){hint}")


_PIPED: dict[tuple[str, int], tuple[str, ...]] = {}  # ids read from a pipe (path, inode), for later calls


def read_ids_file(path: str | Path) -> list[str]:
    """Series ids from a text file, one per line, each the whole line (spaces around it
    included: ``as_written`` says what they match); blank lines and lines starting with ``#`` are ignored. A ``#`` inside a line is part
    of the id: cutting `` # ...`` from ``Store #5`` chose the series ``Store``, silently.
    ``-`` is refused: stdin may carry the data. UTF-16 with a byte order mark (a list saved
    as Excel's "Unicode Text", or by PowerShell's ``>``) is read as the data files are."""
    if str(path) == "-":
        raise UsageError("--ids-file cannot read stdin (it may carry the data); give a file path")
    pipe = _pipe_key(path)
    if pipe is not None and pipe in _PIPED:
        return list(_PIPED[pipe])
    try:
        text = decoded(Path(path).read_bytes())
    except FileNotFoundError:
        raise UsageError(f"--ids-file {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"--ids-file {path} is a folder; give a text file of ids") from None
    except UnicodeDecodeError:
        raise UsageError(f"--ids-file {path} is not UTF-8 or UTF-16 text; give one id per line") from None
    except OSError as exc:
        raise UsageError(f"--ids-file {path}: {exc.strerror or exc}") from None
    ids = []
    for line in text.splitlines():  # as written: ``as_written`` matches around spaces, or refuses
        if line.strip() and not line.strip().startswith("#"):
            ids.append(line)
    if not ids:
        raise UsageError(f"--ids-file {path} names no series; write one id per line")
    if pipe is not None:  # a pipe (`--ids-file <(grep ...)`) reads once: "names no series" the second time
        _PIPED[pipe] = tuple(ids)
    return ids


def _pipe_key(path: str | Path) -> tuple[str, int] | None:
    """(path, inode) of a pipe; None for a regular file (read again each time) or none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (str(path), info.st_ino) if stat.S_ISFIFO(info.st_mode) else None
