"""What an option value of the wrong type is, in the tool's words.

typer checks ``int`` and ``float`` options with pydantic, whose message ("Input should be
a valid integer, unable to parse string as an integer") names neither the option nor the
value typed. The value is still on the exception's cause, so the refusal can echo it, as
every other refusal of ours does: ``--epochs 'x' is not a whole number``.
"""

from __future__ import annotations

from typing import Any

# pydantic's error types for a value that is not the option's type, as the user would say it
_WANTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
}


def not_the_type(exc: BaseException) -> tuple[str, str] | None:
    """(the value as typed, what it should be: ``"a whole number"``) for a bad value of an
    int or float option, from the validation error that caused ``exc``; None for any other
    refusal."""
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors):
        return None
    found: list[dict[str, Any]] = list(errors())
    if not found or found[0].get("type") not in _WANTED:
        return None
    return str(found[0].get("input")), _WANTED[found[0]["type"]]


def long_name(param: Any) -> str:
    """The option's long flag (``--horizon`` rather than ``-H``), or its name."""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return opts[0] if opts else f"--{getattr(param, 'name', 'value')}"
