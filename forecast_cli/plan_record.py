"""The record of one fit's resolved plan: every value decided, with its reason per field.

Kept apart from ``plan.resolve_plan``, which decides it, so that reading a plan back (a
model file, ``forecast info``, a backtest's report) imports no numpy or config: a plan is
plain values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .choices import DIFFERENCING
from .freq_aliases import modern_alias


@dataclass(frozen=True)
class Plan:
    """What the tool decided for one fit. ``reasons`` says why, per field."""

    freq: str | None
    season: int
    horizon: int
    lookback: int
    transform: str
    level_norm: bool
    patch: int
    strategy: str
    train_rows: int
    val_rows: int
    series: int = 1
    scaler: str = ""  # "" in model files written before the plan decided it: read the config
    seasons: tuple[int, ...] = ()  # every cycle the highway may start from (season first)
    calendar: tuple[str, ...] = ()  # calendar features (see calendar_features)
    drift_rows: int = 0  # rows the long-run drift input spans (see drift); 0: none, as in older files
    nonnegative: bool = False  # every training value >= 0: forecasts and bands cut at 0 (older files: not)
    batch_size: int = 0  # windows per gradient step; 0 in files written before the plan decided it (128)
    damped_rows: int = 0  # rows the damped-trend smoother averaged in reads (damped_trend); 0: none
    reasons: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def differencing(self) -> bool:
        """Whether the transform differences (its first row is undefined)."""
        return self.transform in DIFFERENCING

    @property
    def first_row(self) -> int:
        """First row a window may read: 1 after differencing, else 0."""
        return 1 if self.differencing else 0

    @property
    def outputs(self) -> int:
        """Steps the network emits per pass: the horizon (direct) or 1 (recursive)."""
        return self.horizon if self.strategy == "direct" else 1

    @property
    def context_rows(self) -> int:
        """Rows of history one forecast reads: the lookback, plus one to undo differencing."""
        return self.lookback + self.first_row

    @property
    def history_rows(self) -> int:
        """Rows of each series a forecast reads and a model keeps: the context, or what the
        drift input or the damped-trend smoother spans."""
        return max(self.context_rows, self.drift_rows + 1 + self.first_row, self.damped_rows)

    @property
    def chose_transform(self) -> bool:
        """Whether the transform was picked by ``--transform auto`` rather than given."""
        return self.reasons.get("transform", "").startswith("auto")

    @property
    def says_nonnegative(self) -> bool:
        """Whether the cut at zero is worth a line: a log target is positive anyway."""
        return self.nonnegative and self.transform not in ("log", "logdiff")

    @property
    def says_batch_size(self) -> bool:
        """Whether the batch is worth a line: given, or made smaller for a small panel."""
        reason = self.reasons.get("batch_size", "")
        return bool(self.batch_size) and (reason == "given" or reason.endswith("steps an epoch"))

    def lines(self) -> list[str]:
        """Human lines, ``name value (reason)``, for the stderr summary and ``forecast info``."""
        out = []
        names = (
            "series",
            "season",
            "seasons",
            "horizon",
            "lookback",
            "transform",
            "scaler",
            "level_norm",
            "patch",
            "drift_rows",
            "damped_rows",
            "nonnegative",
            "batch_size",
        )
        for name in (*names, "calendar"):
            value = getattr(self, name)
            if (
                (name == "series" and value == 1)
                or (name == "seasons" and len(value) < 2)
                or (name in ("drift_rows", "damped_rows") and not value)
                or (name == "nonnegative" and not self.says_nonnegative)
                or (name == "batch_size" and not self.says_batch_size)
            ):
                continue
            shown = ("on" if value else "off") if isinstance(value, bool) else value
            if isinstance(value, tuple):
                shown = ",".join(map(str, value)) or "none"
            reason = self.reasons.get(name)
            out.append(f"{name.replace('_', ' ')} {shown}" + (f" ({reason})" if reason else ""))
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Plan:
        kwargs = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        if isinstance(kwargs.get("freq"), str):  # a file from before pandas 2.2 renamed 'M'
            kwargs["freq"] = modern_alias(kwargs["freq"])
        for name in ("seasons", "calendar"):  # JSON lists back to tuples
            if name in kwargs:
                kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)
