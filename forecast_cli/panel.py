"""The panel: one or many regular series that share a frequency, target and features.

A single series is a panel of one (``id_col`` None), so training, prediction and the
backtest have one code path. Members keep their own time index (series may start and
end at different times); ``stacked`` gives what the network reads: all members' values
in one contiguous float64 array with ``offsets[i]:offsets[i + 1]`` the rows of member
``i`` (the CSR layout of scipy.sparse and Arrow's list arrays).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .calendars import Calendar
from .cell_numbers import rows_text
from .clock_columns import joined_date_and_clock
from .config import DataConfig
from .constant_series import refuse_constant, without_values
from .data_columns import refuse_feature_flags, resolve_target, resolve_time_column, time_index_as_column
from .errors import DataError, InventedRows, OneTimestamp, UsageError, first_few
from .fill_guards import refuse_gappy_members
from .panel_clocks import refuse_several_clocks
from .panel_ids import as_written, space_twins, unknown_ids
from .panel_layout import (
    detect_id_column,
    id_parts,
    is_glob,
    is_wide,
    melt_wide,
    refuse_merged_series,
    with_compound_id,
)
from .panel_member_error import member_error
from .panel_table import factorize_ids, split_panel, static_values, wanted_places
from .period_labels import layout_of, said
from .period_nesting import refuse_anchors_apart
from .series import numbers_steps, prepare_series
from .series_record import Series
from .shared_step import on_shared_step
from .weekend_repeats import weekend_repeats


@dataclass
class Panel:
    """Regular series with one frequency; ``ids[i]`` names ``members[i]``."""

    members: list[Series]
    ids: tuple[str, ...]
    id_col: str | None = None
    notes: list[str] = field(default_factory=list)
    statics: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> value per member
    time_labels: str = ""  # the layout outputs write timestamps in ("": ISO 8601; see period_labels)
    without_values: tuple[str, ...] = ()  # series of the data left out, having no target value

    @classmethod
    def of_one(cls, series: Series) -> Panel:
        return cls([series], ("",), None)

    def __len__(self) -> int:
        return len(self.members)

    @property
    def target(self) -> str:
        return self.members[0].target

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(self.members[0].features)

    @property
    def freq(self) -> str | None:
        return self.members[0].freq

    @property
    def last_stamp(self) -> pd.Timestamp | None:
        """The latest timestamp of any member (None for integer steps)."""
        ends = [m.frame.index[-1] for m in self.members if isinstance(m.frame.index, pd.DatetimeIndex)]
        return max(ends) if ends else None

    @property
    def lengths(self) -> np.ndarray:
        return np.array([len(m.frame) for m in self.members], dtype=np.int64)

    @property
    def offsets(self) -> np.ndarray:
        """(members + 1,) row offsets into ``stacked()``."""
        return np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)

    def stacked(self) -> np.ndarray:
        """All members' values, (total rows, 1 + features), float64."""
        return np.concatenate([m.values for m in self.members], axis=0)

    def subset(self, keep: list[int]) -> Panel:
        """The members ``keep`` (in that order), with their ids and static values."""
        return dataclasses.replace(
            self,
            members=[self.members[i] for i in keep],
            ids=tuple(self.ids[i] for i in keep),
            statics={c: tuple(v[i] for i in keep) for c, v in self.statics.items()},
        )

    def truncated(self, ends: np.ndarray) -> Panel:
        """The panel with member ``i`` cut to its first ``ends[i]`` rows."""
        members = [
            dataclasses.replace(m, frame=m.frame.iloc[: int(e)])
            for m, e in zip(self.members, ends, strict=True)
        ]
        return dataclasses.replace(self, members=members)

    def summary_line(self) -> str:
        """One stderr line: how many series, how long, what loading did (``panel_line``)."""
        from .panel_line import summary_line

        return summary_line(self)


def prepare_panel(raw: pd.DataFrame, cfg: DataConfig, to_learn: bool = True) -> Panel:
    """Split a long table by its id column (given, or detected) into regular series.

    ``to_learn``: the rows train a model, so a target constant in every series is refused
    (nothing to learn). Rows a trained model forecasts from may be constant: a product
    whose last sales were flat is forecast, not refused.

    Without an id column the table is one series. The time and target columns are chosen
    once for the whole table; each member is then regularised on its own, and an error in
    one starts ``series 'ID': `` and gives the file's data rows (members keep the table's
    row labels, so the parsers number rows as the file does).
    """
    raw = joined_date_and_clock(time_index_as_column(raw, cfg.time_col), cfg.time_col)
    wide = bool(cfg.target and is_wide(cfg.target, raw.columns))
    named = wide and not is_glob(str(cfg.target))  # --target a,b: each asked for by name
    file_rows = raw.index  # the file's data rows, before a wide table is melted
    if wide:
        raw, cfg = melt_wide(raw, cfg)
    ids = cfg.selected_ids()
    parts = id_parts(cfg.id_col, raw.columns)
    raw, id_col = with_compound_id(raw, cfg.id_col)
    id_col = id_col or (None if cfg.id_col == "" else detect_id_column(raw, cfg))  # '': one series
    if id_col is None:
        if ids:
            raise UsageError(f"{cfg.ids_label()} needs a panel: give --id-col COLUMN")
        if cfg.static_cols:
            raise UsageError("--static-cols needs a panel: give --id-col COLUMN")
        series = prepare_series(raw, cfg)
        if to_learn:
            refuse_constant([series], ("",))
        labels = _time_labels(raw, cfg)
        if len(series.frame):  # the load line names its span as the outputs write steps (1949-01)
            ends = series.frame.index[[0, -1]]
            series.report.start, series.report.end = (said(t, labels, series.freq) for t in ends)
        if series.report.first_gap and series.freq is not None:  # "first 2005", as the output writes it
            series.report.first_gap = said(pd.Timestamp(series.report.first_gap), labels, series.freq)
        if cfg.freq is None:  # a --freq D given says the days are meant
            series.report.add_note(weekend_repeats([series.frame], series.target, series.freq))
        return dataclasses.replace(Panel.of_one(series), time_labels=labels)
    if id_col not in raw.columns:
        raise UsageError(f"--id-col {id_col!r} is not a column; columns: {', '.join(map(str, raw.columns))}")
    keys = raw[id_col]
    if keys.isna().any():
        rows = rows_text(np.flatnonzero(keys.isna().to_numpy()))
        what = f"a part of the id ({', '.join(parts)}) is" if parts else f"{id_col!r} is"
        raise DataError(f"{what} empty on data rows {rows}; every row needs a series id")
    keys = keys.astype(str)
    codes, uniques = factorize_ids(keys)
    present = set(uniques)
    # a long table's series in id order; a wide one's in the order --target names its
    # columns (melted in that order: first appearance), and --ticker's in the order given
    # (its table holds the symbols in that order; it was sorted, against the README)
    if ids:
        wanted = list(dict.fromkeys(as_written(ids, uniques, cfg.ids_label())))
    else:
        wanted = list(uniques) if wide or cfg.ticker else sorted(present)
    missing = [i for i in wanted if i not in present]
    if missing:
        raise unknown_ids(
            cfg.ids_label(), missing, "not in the data", f"the data has {len(present)}", list(present)
        )
    code_of = {key: code for code, key in enumerate(uniques)}
    leave = [c for c in raw.columns if c == id_col or str(c).strip() in {*parts, *cfg.static_cols}]
    table = raw.drop(columns=leave).rename(columns=lambda c: str(c).strip())
    time_col = resolve_time_column(table, cfg.time_col, cfg.time_format)
    if time_col is not None:
        numbers_steps(table[time_col], time_col, cfg)  # a --freq for step numbers is the panel's error
    target = resolve_target(table, cfg.target, time_col, (*cfg.features, *cfg.future_features))
    empty = [] if ids or named else without_values(table[target], codes, [code_of[k] for k in wanted], wanted)
    wanted = [k for k in wanted if k not in set(empty)]
    wanted_codes = [code_of[k] for k in wanted]
    statics = static_values(
        raw, id_col, wanted_places(codes, len(uniques), wanted_codes), wanted, cfg.static_cols
    )
    member_cfg = dataclasses.replace(
        cfg,
        id_col=None,
        ids=(),
        ids_file=None,
        time_col="" if time_col is None else time_col,  # "": integer steps, for every member
        target=target,
    )
    refuse_feature_flags(table, member_cfg.target, cfg.features, cfg.future_features)
    split = split_panel(table, codes, len(uniques), wanted_codes, member_cfg)
    loaded: list[Series | None] = []
    single: dict[int, OneTimestamp] = {}  # a series of one timestamp: on the others' step, below
    gappy: list[tuple[str, InventedRows]] = []  # refused together, below: the step is the others'
    first_gappy: pd.DataFrame | None = None  # its rows: where every series is gappy, its refusal
    for i, key in enumerate(wanted):
        if i in split.ready:
            loaded.append(split.ready[i])
            continue
        rows = split.rows(i)
        try:
            # among others a series of one row is kept, as one of one timestamp is: the
            # backtest and training leave out what is too short, naming it; a --freq that
            # combined a series' rows into one no longer stopped the whole panel
            loaded.append(prepare_series(rows, member_cfg, least_kept=1 if len(wanted) > 1 else 2))
        except OneTimestamp as exc:
            loaded.append(None)
            single[i] = exc
        except InventedRows as exc:
            gappy.append((key, exc))
            first_gappy = rows if first_gappy is None else first_gappy
            if len(gappy) == len(wanted):  # every series: the step is the likelier fault
                key, exc = gappy[0]
                raise member_error(exc, key, first_gappy, wide, member_cfg, file_rows, wanted) from None
            loaded.append(None)
        except (DataError, UsageError) as exc:
            raise member_error(exc, key, rows, wide, member_cfg, file_rows, wanted) from None
    refuse_gappy_members(gappy, len(wanted), wanted)
    members = on_shared_step(loaded, single, split, wanted, member_cfg, file_rows, to_learn)
    if cfg.agg is None and time_col is not None:  # rows merged by the default: of one series?
        used = {member_cfg.target, *cfg.features, *cfg.future_features}
        for i, member in enumerate(members):
            if member.report.duplicates_merged:
                refuse_merged_series(split.rows(i), wanted[i], time_col, id_col, used)
    freqs: dict[str, list[str]] = {}
    for key, member in zip(wanted, members, strict=True):
        freqs.setdefault(str(member.freq or "integer steps"), []).append(key)
    if len(freqs) > 1:
        shown = "; ".join(
            f"{f}: {', '.join(ids[:3])}{' ...' if len(ids) > 3 else ''}" for f, ids in freqs.items()
        )
        calendars = [Calendar.parse(f) for f in freqs]
        if all(
            c is not None and c.intraday for c in calendars
        ):  # --freq 30min gives each its exchange's bars again
            raise DataError(
                f"the series are bars of different exchanges ({shown}); one model steps through one "
                "exchange's trading hours: train each exchange's series apart (--ids), or give "
                "--freq B for one row per weekday"
            )
        if all(str(f).startswith("W-") for f in freqs):  # --freq would move some weeks by days
            raise DataError(
                f"the series are weeks stamped on different weekdays ({shown}); a grid of one weekday "
                "would move the others' weeks by days: stamp every series' weeks on one weekday"
            )
        refuse_anchors_apart(tuple(freqs), shown)  # quarters or years starting in other months
        exchanges = [f for f, c in zip(freqs, calendars, strict=True) if c is not None and not c.intraday]
        trading = bool(exchanges)  # an exchange's days
        fix = (
            "--freq B to put them on one grid of weekdays (each exchange's closures filled)"
            if trading
            else "--freq to put them on one grid"
        )
        if len(exchanges) == 1 and cfg.freq is None:  # one exchange: its own days keep every row as read
            fix = f"--freq {exchanges[0]} to keep that exchange's trading days, or {fix}"
        if cfg.freq is not None and trading:  # given, and still several: D on stock data keeps trading days
            raise DataError(
                f"--freq {cfg.freq} left the series on different steps ({shown}): on an exchange's "
                f"data it keeps that exchange's trading days; give {fix}"
            )
        raise DataError(f"the series have different frequencies ({shown}); give {fix}")
    refuse_several_clocks(members, wanted)
    constant = refuse_constant(members, wanted) if to_learn else []
    notes = [f"{len(constant)} constant series kept ({first_few(constant)})"] if constant else []
    if empty:
        notes.append(
            f"{len(empty)} series with no {'values' if wide else repr(target) + ' values'} left out ({first_few(empty)})"
        )
    notes += space_twins(wanted)
    if cfg.freq is None:  # the panel read as one; a --freq D given says the days are meant
        repeats = weekend_repeats([m.frame for m in members], target, members[0].freq)
        notes += [repeats] if repeats else []
    labels = "" if time_col is None else layout_of(table[time_col], cfg.time_format, time_col)
    return Panel(
        members,
        tuple(wanted),
        id_col,
        notes=notes,
        statics=statics,
        time_labels=labels,
        without_values=tuple(empty),
    )


def _time_labels(raw: pd.DataFrame, cfg: DataConfig) -> str:
    """The period layout of a single series' time column, as ``prepare_series`` found it."""
    table = raw.rename(columns=lambda c: str(c).strip())
    time_col = resolve_time_column(table, cfg.time_col, cfg.time_format)
    return "" if time_col is None else layout_of(table[time_col], cfg.time_format, time_col)
