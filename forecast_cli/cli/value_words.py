"""What an option value of the wrong type is, in the tool's words.

typer checks ``int`` and ``float`` options with pydantic, whose message ("Input should be
a valid integer, unable to parse string as an integer") names neither the option nor the
value typed. The value is still on the exception's cause, so the refusal can echo it, as
every other refusal of ours does: ``--epochs 'x' is not a whole number``.
"""

from __future__ import annotations

import re
from typing import Any

_CHOICES = re.compile(r"is not one of (.*)\.$")
_QUOTED = re.compile(r"'([^']*)'")

# pydantic's error types for a value that is not the option's type, as the user would say it
_WANTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
}


def not_the_type(exc: BaseException) -> tuple[str, str] | None:
    """(the value as typed, what it should be: ``"a whole number"``, or ``"one of: table,
    csv"`` for a choice) for a bad value of an int, float or choice option, from the
    validation error that caused ``exc``; None for any other refusal. (A choice's own
    message read "Value error, 'xml' is not one of 'table', 'csv'.", unlike every refusal
    of ours.)"""
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors):
        return None
    found: list[dict[str, Any]] = list(errors())
    if not found:
        return None
    kind = found[0].get("type")
    choice = _CHOICES.search(str(found[0].get("msg", ""))) if kind == "value_error" else None
    if choice is not None:  # an enum option's bad value: "'xml' is not one of 'table', 'csv'."
        return str(found[0].get("input")), "one of: " + ", ".join(_QUOTED.findall(choice[1]))
    if kind not in _WANTED:
        return None
    return str(found[0].get("input")), _WANTED[kind]


def long_name(param: Any) -> str:
    """The option's long flag (``--horizon`` rather than ``-H``), or its name."""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return opts[0] if opts else f"--{getattr(param, 'name', 'value')}"
