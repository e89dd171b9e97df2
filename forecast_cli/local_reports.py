"""What a ``--local`` model says about its members: the summary ``info`` and training show,
one line per failed series, and member notes named for the series they are about.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import UsageError, first_few


def named_for_series(note: str, sids: list[str], members: int) -> str:
    """A member's note named for the series it is about: each member speaks of its own
    series only, so 'the training series were flat' said for two of twelve read as the
    whole panel's. One series predicted, a note every member said (of the pooled
    calibration they share), or a note that names its series, stays as said."""
    if members == 1 or len(set(sids)) == members or note.startswith("series "):
        return note
    return f"series {first_few([repr(s) for s in sids])}: {note}"


MAX_NOTES = 3


def member_notes(said: dict[str, list[str]], predicted: int, failures: dict[str, str]) -> list[str]:
    """The notes of one ``--local`` prediction: each member's (``said``: note -> the series
    whose member said it, of ``predicted``) named for its series, then the series left out
    at training (``failures``, when the whole model is predicted); at most ``MAX_NOTES``."""
    notes = [named_for_series(note, sids, predicted) for note, sids in said.items()]
    if failures:
        left = list(failures)
        notes.append(
            f"{len(left)} series of the training data have no network and are not forecast "
            f"({', '.join(map(repr, left[:5]))}{' ...' if len(left) > 5 else ''}): {failures[left[0]]}"
        )
    if len(notes) > MAX_NOTES:
        notes = [*notes[:MAX_NOTES], f"... and {len(notes) - MAX_NOTES} more notes like these"]
    return notes


def no_network(unknown: list[str]) -> UsageError:
    """The refusal for series a ``--local`` model has no network for, with the fixes."""
    it = "it" if len(unknown) == 1 else "them"
    return UsageError(
        f"series {first_few([repr(s) for s in unknown])}: no network in this --local model; "
        f"leave {it} out with --ids, or train a model that includes {it}"
    )


def summary_metrics(members: list[dict], failed: int) -> dict[str, Any]:
    """What ``info`` and the training summary show: counts, totals, medians and means."""
    out: dict[str, Any] = {"series": len(members), "failed": failed}
    for key in ("train_windows", "val_windows"):
        out[key] = int(sum(m.get(key, 0) for m in members))
    out["train_seconds"] = round(float(sum(m.get("train_seconds", 0.0) for m in members)), 3)
    out["median_best_epoch"] = float(np.median([m.get("best_epoch", 0) for m in members]))
    out["kept_baseline"] = sum(bool(m.get("kept_baseline")) for m in members)  # files before it: 0
    for key in ("val_mae", "val_naive_mae", "val_seasonal_naive_mae"):
        values = [m[key] for m in members if key in m]
        if values:
            out[f"mean_{key}"] = float(np.mean(values))
    return out


def describe_failures(failures: dict[str, str]) -> list[str]:
    """One line per failed series: ``series 'X': reason``."""
    return [f"series {sid!r}: {reason}" for sid, reason in failures.items()]
