"""Frequency aliases pandas 2.2 retired (``M``, ``15T``, ``A-JUN``) and today's spelling.

Pure Python, so that reading a stored plan imports no pandas. A user's ``--freq`` in an
old spelling is refused with the new one named (``clock.to_offset``); a model file written
when pandas still took the old one is read in the new (``plan_record.Plan.from_dict``):
pandas 3 refuses ``M`` outright, and 2.2 reads it with a warning.
"""

from __future__ import annotations

import re

RENAMED = {
    "A": "YE", "Y": "YE", "AS": "YS", "BA": "BYE", "BAS": "BYS", "BY": "BYE",
    "Q": "QE", "BQ": "BQE", "M": "ME", "BM": "BME", "SM": "SME", "CBM": "CBME",
    "H": "h", "BH": "bh", "CBH": "cbh", "T": "min", "S": "s", "L": "ms", "U": "us", "N": "ns",
}  # fmt: skip
STARTS = {"YE": "YS", "QE": "QS", "ME": "MS", "SME": "SMS", "BYE": "BYS", "BQE": "BQS", "BME": "BMS"}
_ALIAS = re.compile(r"(\d*)([A-Z]+)(-[A-Z]{3})?")


def retired(freq: str) -> tuple[str, str, str] | None:
    """(multiple, today's unit, anchor) for an alias pandas 2.2 retired, else None."""
    match = _ALIAS.fullmatch(freq.strip())
    if match is None or match[2] not in RENAMED:
        return None
    return match[1], RENAMED[match[2]], match[3] or ""


def modern_alias(freq: str) -> str:
    """``freq`` in today's spelling: ``15T`` -> ``15min``, ``A-JUN`` -> ``YE-JUN``."""
    parts = retired(freq)
    return freq if parts is None else "".join(parts)
