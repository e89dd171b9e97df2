"""The interval options (``--level``, ``--quantiles``), declared as every option is (see
``config``): which bands and quantiles a run reports. Calibration itself needs no option:
every network trains its spread head and stores its calibration, so these choose columns
only, and ``predict`` falls back to what the model was trained with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ModelFileError, UsageError
from .interval_levels import TOP_LEVEL, calibrated, is_none, parse_levels, parse_quantiles, quantile_level
from .option_spec import opt

INTERVALS = "Intervals"
PREDICTING = frozenset({"train", "predict", "backtest"})


DEFAULT_LEVELS = ("80", "95")


@dataclass
class IntervalConfig:
    """Which prediction intervals and quantiles to report. Calibration is always stored
    (every network trains its spread head), so these only choose columns: what ``train``
    is given is what ``predict`` reports unless it is given its own (empty = not given)."""

    level: tuple[str, ...] = opt(
        (),
        "Prediction interval levels in percent, comma-separated, or none "
        "(default 80,95; predict: the levels the model was trained with).",
        INTERVALS,
        commands=PREDICTING,
        is_list=True,
    )
    quantiles: tuple[str, ...] = opt(
        (),
        "Quantiles to report, comma-separated (e.g. 0.1,0.5,0.9: the edges of the 80% band and "
        "the forecast), or none (predict: the model's).",
        INTERVALS,
        commands=PREDICTING,
        is_list=True,
    )

    def levels(self) -> tuple[float, ...]:
        try:
            return parse_levels(self.level or DEFAULT_LEVELS)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def or_else(self, stored: IntervalConfig) -> tuple[IntervalConfig, list[str]]:
        """(choices, notes): these where given, ``stored``'s (the model's) where not. A stored
        value beyond the widest band calibrated (99.99, kept by files from before it was
        refused) is left out with a note: the file still forecasts, the user typed nothing
        wrong. Stored values that are no numbers at all are a damaged file."""
        try:
            parse_levels(stored.level or DEFAULT_LEVELS, widest=False)
            parse_quantiles(stored.quantiles, widest=False)
        except ValueError as exc:
            raise ModelFileError(
                f"the model file's stored intervals are damaged ({exc}); retrain it"
            ) from None
        notes: list[str] = []
        level = self.level or _calibrated(stored.level, float, "--level", notes)
        quantiles = self.quantiles or _calibrated(
            stored.quantiles, lambda v: quantile_level(float(v)), "--quantiles", notes
        )
        return IntervalConfig(level, quantiles), notes

    def probs(self) -> tuple[float, ...]:
        try:
            return parse_quantiles(self.quantiles)
        except ValueError as exc:
            raise UsageError(str(exc)) from None

    def asked(
        self, levels: Sequence[float] | None, quantiles: Sequence[float] | None
    ) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(levels, quantiles) a prediction gives: those it was asked for, else these (the
        model's): one rule for a network, a ``--local`` pool and a short series' baseline.
        Those asked for are checked as the flags are: a library caller's ``levels=[120]``
        got a '120%' band equal to the widest, and ``quantiles=[1.5]`` a column q1.5."""
        try:
            return (
                self.levels() if levels is None else parse_levels([str(v) for v in levels] or ["none"]),
                self.probs()
                if quantiles is None
                else parse_quantiles([str(v) for v in quantiles] or ["none"]),
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None


def _calibrated(values: tuple[str, ...], level_of, flag: str, notes: list[str]) -> tuple[str, ...]:
    """The stored ``values`` whose band (``level_of``) is within the widest calibrated, the
    others named in ``notes``; ``none`` when none is left. Empty and ``none`` stay as they are."""
    if is_none(values):
        return values
    kept = tuple(v for v in values if calibrated(level_of(v)))
    if len(kept) == len(values):
        return values
    dropped = ",".join(v for v in values if v not in kept)
    notes.append(
        f"the model's {flag} {dropped}: beyond the widest band calibrated ({TOP_LEVEL:g}%), left out"
    )
    return kept or ("none",)


def typed(values: Sequence[str]) -> list[float | int | str]:
    """``--level``/``--quantiles`` values as numbers where they are numbers (``"none"``
    stays text): ``info -f json`` and ``-f config`` promise typed values, and a script read
    ``"90"``. The option keeps text, as it takes ``none`` too."""
    out: list[float | int | str] = []
    for value in values:
        try:
            number = float(value)
        except ValueError:
            out.append(value)
            continue
        out.append(int(number) if number.is_integer() and "." not in value else number)
    return out
