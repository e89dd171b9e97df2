"""Series ids as the user names them (--ids, --ids-file) against the ids a panel or a
model has: matching them as written, and the refusal that names the ones missing."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import UsageError, first_few


def as_written(requested: Sequence[str], names: Sequence[str]) -> list[str]:
    """Each requested id as the data writes it: itself, or the one name that equals it
    once spaces around it are dropped (--ids and --ids-file strip what they read, so an id
    written ' A' could never be chosen otherwise); unmatched ids stay as given."""
    exact = set(names)
    loose: dict[str, list[str]] = {}
    for name in names:
        loose.setdefault(str(name).strip(), []).append(name)
    out = []
    for item in requested:
        near = loose.get(str(item).strip(), [])
        out.append(item if item in exact or len(near) != 1 else near[0])
    return out


def unknown_ids(
    label: str, missing: list[str], what: str, available: str, known: Sequence[str] = ()
) -> UsageError:
    """``--ids names 2 series not in the data: 'A', 'B' (the data has 40 series)``. Quoted,
    so that the parts of an id with a comma that --ids split (``New York, NY``) do not read
    as the id itself; when one of the ``known`` ids has a comma, the fix is named."""
    hint = ""
    split_by_ids = label == "--ids" or label.startswith("--ids and")  # not an --ids-file alone
    if split_by_ids and any("," in str(k) for k in known):
        hint = "; --ids splits at commas: give an id with a comma in --ids-file, one id a line"
    shown = first_few([repr(str(m)) for m in missing])
    return UsageError(f"{label} names {len(missing)} series {what}: {shown} ({available} series){hint}")
