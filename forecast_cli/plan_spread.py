"""How the plans of several fits differ: the members of a ``--local`` model, or the fits of
one model across a backtest's origins.

Each fit resolves its own plan from its own rows (``plan.resolve_plan``), so a transform,
a scaler or a patch can differ between the members of one model or between a backtest's
refits. One plan shown for all of them said "transform log" for a model whose negative
series used none; these tallies say what differs and how often.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

VARYING = (
    "transform",
    "scaler",
    "season",
    "lookback",
    "patch",
    "level_norm",
    "drift_rows",
    "damped_rows",
    "calendar",
    "batch_size",
)


def varying(plans: Sequence[dict], scalers: Sequence[str], unit: str = "series") -> dict[str, str]:
    """The fields in ``VARYING`` whose values differ between ``plans`` (``scalers``: each
    plan's scaler kind, which model files before the plan decided it keep apart), tallied:
    ``{"transform": "log (4 series), none (1 series)"}``; a field they share is left out.
    ``unit`` names what a plan is one of: ``series`` for a ``--local`` model's members,
    ``fit``/``fits`` for a backtest's refits."""
    out = {}
    for name in VARYING:
        values = list(scalers) if name == "scaler" else [p.get(name) for p in plans]
        # a calendar is a list of features: shown as the plan line shows it ("dow", "none")
        counts = Counter(",".join(v) or "none" if isinstance(v, list | tuple) else str(v) for v in values)
        if len(counts) > 1:
            out[name] = ", ".join(f"{v} ({n} {_unit(unit, n)})" for v, n in counts.most_common())
    return out


def fits_summary(
    plans: Sequence[dict], kept: Sequence[str], weights: Sequence[float | None]
) -> dict[str, Any]:
    """What a backtest reports of one model's fits: how many there were, the plan of the
    last (trained on the most rows, the nearest to what ``train`` on the same data
    resolves), the fields that differ between fits (``varying``; empty when they all
    resolved alike), and how many fits kept the baseline their network starts as because
    no epoch beat it (``kept``: each fit's kept baseline or ""), by baseline:
    such a fit's forecasts are that baseline's, and its scores are that baseline's scores:
    ``{"seasonal": 2}``, empty when every fit trained past its start. ``damped_weight``
    counts the fits by the damped trend's share of their forecasts (``weights``, None for a
    fit without the smoother): ``{"0.5": 3, "0": 2}``, empty when no fit had one."""
    return {
        "fits": len(plans),
        "plan": dict(plans[-1]),
        "varies": varying(plans, [str(p.get("scaler", "")) for p in plans], unit="fits"),
        "kept_baseline": dict(Counter(k for k in kept if k).most_common()),
        "damped_weight": dict(Counter(f"{w:g}" for w in weights if w is not None).most_common()),
    }


def _unit(unit: str, n: int) -> str:
    """``fits`` -> ``fit`` for one; ``series`` is the same either way."""
    return unit[:-1] if n == 1 and unit == "fits" else unit
