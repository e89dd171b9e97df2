"""Step calendars: which timestamps a series has, and which come after its end.

A model stores its frequency as a string: a pandas offset alias (``30min``, ``MS``,
``B``, ``W-SUN``), an exchange calendar (``XNYS`` for the New York Stock Exchange's
trading sessions, ``XLON@5min`` for 5-minute bars in London's trading hours), or
``None`` for a plain integer step index. ``Calendar`` is the value object behind the
exchange strings; ``steps`` turns any of them and the last observed timestamp into the
real timestamps a forecast belongs to, and names each one's season.

Exchange sessions come from ``exchange_calendars`` (one-off closures such as
2001-09-11..14 and 2012-10-29/30, early closes, lunch breaks). It is imported only
when a calendar is used: the import costs most of a second.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .calendar_bounds import beyond_known, known_until, say_beyond_known
from .errors import DataError, UsageError

TRADING_DAYS = "XNYS"  # the exchange assumed for tz-naive stock data
DAILY_REQUESTS = ("D", "1D")  # what a user means by "daily" on exchange data (B: weekdays, as asked)
# The exchange that trades in a time zone, for data that only says where it is.
EXCHANGE_BY_ZONE = {
    "America/New_York": "XNYS",
    "America/Toronto": "XTSE",
    "Europe/London": "XLON",
    "Europe/Berlin": "XETR",
    "Europe/Paris": "XPAR",
    "Europe/Amsterdam": "XAMS",
    "Europe/Zurich": "XSWX",
    "Europe/Rome": "XMIL",
    "Europe/Madrid": "XMAD",
    "Europe/Stockholm": "XSTO",
    "Asia/Tokyo": "XTKS",
    "Asia/Hong_Kong": "XHKG",
    "Asia/Seoul": "XKRX",
    "Australia/Sydney": "XASX",
    "Asia/Kolkata": "XBOM",
    "Asia/Calcutta": "XBOM",
    "Asia/Shanghai": "XSHG",
    "Asia/Singapore": "XSES",
    "Asia/Taipei": "XTAI",
    "Asia/Bangkok": "XBKK",
    "Asia/Jakarta": "XIDX",
    "Asia/Kuala_Lumpur": "XKLS",
    "Asia/Manila": "XPHS",
    "Asia/Karachi": "XKAR",
    "Pacific/Auckland": "XNZE",
    "America/Sao_Paulo": "BVMF",
    "America/Mexico_City": "XMEX",
    "America/Santiago": "XSGO",
    "America/Bogota": "XBOG",
    "America/Lima": "XLIM",
    "America/Argentina/Buenos_Aires": "XBUE",
    "Africa/Johannesburg": "XJSE",
    "Europe/Istanbul": "XIST",
    "Europe/Brussels": "XBRU",
    "Europe/Lisbon": "XLIS",
    "Europe/Dublin": "XDUB",
    "Europe/Vienna": "XWBO",
    "Europe/Copenhagen": "XCSE",
    "Europe/Oslo": "XOSL",
    "Europe/Helsinki": "XHEL",
    "Europe/Warsaw": "XWAR",
    "Europe/Prague": "XPRA",
    "Europe/Budapest": "XBUD",
}
SPAN = (1970, 2049)  # years every exchange calendar covers at least (where the exchange allows)
# XNYS, LSE, NASDAQ, xtks; and exchange_calendars' round-the-clock weekdays (24/5: currency
# pairs) and every day (24/7)
_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9]{2,5}|24/[57])(?:@(.+))?$")
_DAY = pd.Timedelta(days=1)
_MINUTE = pd.Timedelta(minutes=1)


@dataclass(frozen=True)
class Calendar:
    """An exchange's trading sessions: one step per session (``step=None``), or bars of
    ``step`` within each session's hours, early closes and lunch breaks respected.

    ``str()`` gives the frequency string a model file stores (``XNYS``, ``XNYS@5min``),
    and ``Calendar.parse`` reads it back.
    """

    exchange: str
    step: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> Calendar | None:
        """The calendar ``text`` names, or ``None`` when it is a pandas alias or ``None``."""
        match = _NAME.match(text.strip()) if text else None
        if match is None or _is_pandas_alias(match.group(1)):
            return None
        exchange = _canonical(match.group(1))
        if exchange is None:
            return None
        step = match.group(2)
        if step is not None and not (is_intraday_step(step) and pd.Timedelta(to_offset(step)) >= _MINUTE):
            raise UsageError(
                f"--freq {text!r}: the step after @ must be at least 1min and under a day, e.g. {exchange}@5min"
            )
        return cls(exchange, step)

    def __str__(self) -> str:
        return self.exchange if self.step is None else f"{self.exchange}@{self.step}"

    @property
    def intraday(self) -> bool:
        return self.step is not None

    def daily(self) -> Calendar:
        """The same exchange, one step per session."""
        return Calendar(self.exchange)

    def every(self, step: str) -> Calendar:
        """The same exchange, bars of ``step`` in trading hours."""
        return Calendar(self.exchange, step)

    @property
    def tz(self) -> str:
        """The exchange's time zone (IANA name)."""
        return str(_exchange(self.exchange, *SPAN).tz)

    def sessions(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
        """Session dates (tz-naive midnights) from the date of ``first`` to that of ``last``;
        past the last date whose holidays the calendar knows (``beyond_known``), its
        regular weekdays."""
        first, last = _date(first), _date(last)
        until = known_until(self.exchange)
        if until is None or last <= until:
            return pd.DatetimeIndex(_covering(self.exchange, first, last).sessions_in_range(first, last))
        known = self.sessions(first, until) if first <= until else pd.DatetimeIndex([])
        weekmask = _exchange(self.exchange, *SPAN).weekmask
        return known.append(beyond_known(self.exchange, max(first, until + _DAY), last, weekmask))

    def bars(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.IntervalIndex:
        """Bars of ``step`` (UTC, [start, end)) in the sessions from date ``first`` to ``last``;
        a bar cut short by a close or a lunch break ends there. Sessions past the calendar's
        known dates have the bars of its last full session, on the same wall clock."""
        sessions = self.sessions(first, last)
        if sessions.empty:
            return pd.IntervalIndex.from_arrays(
                pd.DatetimeIndex([], tz="UTC"), pd.DatetimeIndex([], tz="UTC")
            )
        until = known_until(self.exchange)
        later = sessions[sessions > until] if until is not None else sessions[:0]
        known = sessions[: len(sessions) - len(later)]
        period = pd.Timedelta(to_offset(str(self.step)))  # exchange_calendars refuses bare "h", "min"
        parts = [self._trading_index(known[0], known[-1], period)] if len(known) else []
        if len(later):
            parts.append(self._template_bars(later, period))
        if len(parts) == 1:
            return parts[0]
        return pd.IntervalIndex.from_arrays(
            parts[0].left.append(parts[1].left), parts[0].right.append(parts[1].right), closed="left"
        )

    def _trading_index(
        self, first: pd.Timestamp, last: pd.Timestamp, period: pd.Timedelta
    ) -> pd.IntervalIndex:
        cal = _covering(self.exchange, first, last)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas deprecations inside exchange_calendars
            return cal.trading_index(first, last, period, intervals=True, force=True)

    def _template_session(self) -> pd.Timestamp:
        """The session whose hours the dates past the calendar's known ones copy: the
        latest of its last ten with the longest hours (an early close is no template)."""
        until = known_until(self.exchange)
        assert until is not None
        recent = self.sessions(until - pd.Timedelta(days=20), until)[-10:]
        schedule = _covering(self.exchange, recent[0], recent[-1]).schedule.loc[recent[0] : recent[-1]]
        hours = schedule["close"] - schedule["open"]
        return pd.Timestamp(hours[hours == hours.max()].index.max())

    def _template_bars(self, days: pd.DatetimeIndex, period: pd.Timedelta) -> pd.IntervalIndex:
        """Bars on ``days`` (past the known dates) copied from ``_template_session``, as
        wall-clock times of the exchange."""
        template = self._template_session()
        index = self._trading_index(template, template, period)
        starts = index.left.tz_convert(self.tz).tz_localize(None) - template  # (bars,): from midnight
        ends = index.right.tz_convert(self.tz).tz_localize(None) - template
        lefts = pd.DatetimeIndex([day + offset for day in days for offset in starts])
        rights = pd.DatetimeIndex([day + offset for day in days for offset in ends])
        return pd.IntervalIndex.from_arrays(
            on_wall_clock(lefts, self.tz).tz_convert("UTC"),
            on_wall_clock(rights, self.tz).tz_convert("UTC"),
            closed="left",
        )

    def following(self, last: pd.Timestamp, periods: int) -> pd.DatetimeIndex:
        """The ``periods`` sessions (or bars) after ``last``, in ``last``'s time zone; a
        tz-naive ``last`` is a date (daily) or the exchange's wall-clock time (intraday)."""
        per_day = self.season(last) if self.intraday else 1
        span = pd.Timedelta(days=int((periods // per_day + 10) * 7 / 4) + 14)
        if not self.intraday:
            days = self.sessions(_date(last) + _DAY, _date(last) + span)
            found = days[:periods]
            if last.tz is not None:
                found = found.tz_localize(last.tz)
        else:
            moment = _to_utc(last, self.tz)
            starts = self.bars(
                _date(moment.tz_convert(self.tz)), _date(moment.tz_convert(self.tz)) + span
            ).left
            found = starts[starts > moment][:periods]
            found = (
                found.tz_convert(last.tz)
                if last.tz is not None
                else found.tz_convert(self.tz).tz_localize(None)
            )
        if len(found) < periods:
            raise DataError(f"the {self.exchange} calendar ends before {periods} steps after {last}")
        say_beyond_known(self.exchange, pd.DatetimeIndex(found))
        return pd.DatetimeIndex(found, name="timestamp")

    def preceding(self, first: pd.Timestamp) -> pd.Timestamp | None:
        """The session (or bar start) before ``first``, in its time zone as ``following``
        gives them; None when the calendar has none in the month before."""
        if not self.intraday:
            days = self.sessions(_date(first) - pd.Timedelta(days=31), _date(first) - _DAY)
            if days.empty:
                return None
            return days[-1].tz_localize(first.tz) if first.tz is not None else days[-1]
        moment = _to_utc(first, self.tz)
        day = _date(moment.tz_convert(self.tz))
        starts = self.bars(day - pd.Timedelta(days=31), day).left
        before = starts[starts < moment]
        if before.empty:
            return None
        found = before[-1]
        return (
            found.tz_convert(first.tz)
            if first.tz is not None
            else found.tz_convert(self.tz).tz_localize(None)
        )

    def _opens_and_closes(self, sessions: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        """(opens, closes) of ``sessions`` as UTC datetime64 arrays; sessions past the
        calendar's known dates open and close as ``_template_session`` did, on the wall clock."""
        until = known_until(self.exchange)
        known = sessions[sessions <= until] if until is not None else sessions
        later = sessions[len(known) :]
        opens, closes = [], []
        if len(known):
            schedule = _covering(self.exchange, known[0], known[-1]).schedule.loc[known[0] : known[-1]]
            opens.append(schedule["open"].to_numpy(dtype="datetime64[ns]"))
            closes.append(schedule["close"].to_numpy(dtype="datetime64[ns]"))
        if len(later):
            template = self._template_session()
            hours = _covering(self.exchange, template, template).schedule.loc[template]
            for key, out in (("open", opens), ("close", closes)):
                wall = hours[key].tz_convert(self.tz).tz_localize(None)
                stamps = on_wall_clock(later + (wall - wall.normalize()), self.tz).tz_convert("UTC")
                out.append(stamps.tz_localize(None).to_numpy(dtype="datetime64[ns]"))
        return np.concatenate(opens), np.concatenate(closes)

    def session_close(self, moment: pd.Timestamp) -> pd.Timestamp | None:
        """The close (UTC) of the session trading at ``moment`` (a zoned instant), or None
        outside every session. Sessions are looked for a day either side of its local date:
        CME's session dated Tuesday opens on Monday evening."""
        day = _date(moment.tz_convert(self.tz))
        sessions = self.sessions(day - _DAY, day + _DAY)
        if sessions.empty:
            return None
        opens, closes = self._opens_and_closes(sessions)
        stamp = moment.tz_convert("UTC").tz_localize(None).to_datetime64()
        at = int(np.searchsorted(opens, stamp, side="right")) - 1
        return pd.Timestamp(closes[at]).tz_localize("UTC") if at >= 0 and stamp < closes[at] else None

    def closed_by(self, moment: pd.Timestamp, last_day: pd.Timestamp) -> bool:
        """Whether every session dated ``last_day`` or before has closed by ``moment`` (a
        zoned instant): a weekly bar is finished on Saturday, when its week's last
        session has closed, not on Monday when the week's dates run out."""
        today = _date(moment.tz_convert(self.tz))
        first = min(today, _date(last_day)) - _DAY  # a session dated today may have opened yesterday
        sessions = self.sessions(first, last_day)
        if sessions.empty:
            return True
        _, closes = self._opens_and_closes(sessions)
        return bool((closes <= moment.tz_convert("UTC").tz_localize(None).to_datetime64()).all())

    def season(self, until: pd.Timestamp | None = None) -> int:
        """Trading days: 5 (a week). Bars: the bars in a regular session (78 for XNYS@5min)
        in the sessions before ``until`` (the data's end; default today): trading hours
        change (Tokyo has closed at 15:30, not 15:00, since November 2024), and the lag that
        reaches the same bar a session ago is the one of the latest hours."""
        if not self.intraday:
            return 5
        day = _date(until if until is not None else pd.Timestamp.now())
        return _bars_per_session(self.exchange, self.step, day)

    def within_hours(self, index: pd.DatetimeIndex) -> bool:
        """True when every timestamp falls inside a session's trading hours (breaks aside)."""
        return self.share_within_hours(index) == 1.0

    def share_within_hours(self, index: pd.DatetimeIndex) -> float:
        """The share of timestamps inside a session's trading hours (breaks aside); 0 when
        a wall-clock time is one the exchange's zone skips or repeats."""
        moments = to_utc_index(index, self.tz)
        if moments.hasnans:  # a wall-clock time the exchange's zone skips or repeats
            return 0.0
        local_days = moments.tz_convert(self.tz).tz_localize(None).normalize()
        sessions = self.sessions(local_days[0], local_days[-1])
        if sessions.empty:
            return 0.0
        opens, closes = self._opens_and_closes(sessions)
        stamps = moments.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        at = np.searchsorted(opens, stamps, side="right") - 1
        return float(((at >= 0) & (stamps < closes[np.maximum(at, 0)])).mean())


def to_offset(freq: str) -> pd.DateOffset:
    """The pandas offset for a frequency alias, with a clear error for a bad one."""
    try:
        return pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        raise UsageError(
            f"--freq {freq!r} is neither a pandas offset alias nor an exchange calendar code; use e.g. "
            f"5min, 30min, 1h, 1D, B, W-SUN, MS, or an exchange such as {TRADING_DAYS}, XLON, XTKS "
            f"or {TRADING_DAYS}@5min"
        ) from None


def is_clock_step(offset: pd.DateOffset) -> bool:
    """Whether ``offset`` is a fixed length of time (hours, minutes, seconds), not a day.

    pandas 2 counts a day as a Tick (24 hours); pandas 3 does not (a calendar day, 23 or
    25 hours across a clock change). Every rule here reads a day as a calendar day under
    both: binned from midnight on the local clock, stepped on the wall clock. Under pandas
    2, asking ``isinstance(offset, Tick)`` binned hours into days from the first row's
    03:00 and stepped Santiago's zoned days into a midnight its clock skips."""
    return isinstance(offset, pd.offsets.Tick) and not isinstance(offset, pd.offsets.Day)


def exchange_for_zone(zone: str | None) -> str | None:
    """The main exchange trading in IANA ``zone``, if it is one we know."""
    return EXCHANGE_BY_ZONE.get(str(zone)) if zone is not None else None


def _is_pandas_alias(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pandas 2 on 'xtks': "use 'XTKS'"
            pd.tseries.frequencies.to_offset(text)
    except ValueError:
        return False
    return True


def is_intraday_step(step: str) -> bool:
    """Whether ``step`` is a pandas step under a day (5min, 1h): a bar length."""
    try:
        offset = pd.tseries.frequencies.to_offset(step)
    except ValueError:
        return False
    return isinstance(offset, pd.offsets.Tick) and pd.Timedelta(offset) < _DAY


@lru_cache(maxsize=64)
def _canonical(name: str) -> str | None:
    """The exchange_calendars code ``name`` stands for, in any case and through the
    package's aliases (``xtks``, ``JPX`` -> XTKS; ``LSE`` -> XLON); None for no exchange."""
    import exchange_calendars as xc

    known = {n.upper(): n for n in xc.get_calendar_names()}
    try:
        return xc.resolve_alias(known[name.upper()]) if name.upper() in known else None
    except Exception:  # an alias the registry lists but cannot resolve
        return None


@lru_cache(maxsize=16)
def _exchange(name: str, first_year: int, last_year: int):
    """One ``exchange_calendars`` calendar over whole years, built once per process
    (building costs ~0.2 s whatever the span, so one wide span serves every series)."""
    import exchange_calendars as xc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside exchange_calendars
        factories = getattr(xc.calendar_utils, "_default_calendar_factories", {})
        cls = factories.get(name) or type(xc.get_calendar(name))
        start, end = pd.Timestamp(f"{first_year}-01-01"), pd.Timestamp(f"{last_year}-12-31")
        low, high = cls.bound_min(), cls.bound_max()
        start = max(start, low) if low is not None else start
        end = min(end, high) if high is not None else end
        try:
            return xc.get_calendar(name, start=start, end=end)
        except Exception as exc:  # a calendar the installed exchange_calendars cannot build
            reason = " ".join(str(exc).split())
            reason = reason if len(reason) <= 120 else reason[:117] + "..."
            raise DataError(
                f"exchange_calendars {xc.__version__} cannot build the {name} calendar "
                f"({type(exc).__name__}: {reason}); give --freq B (weekdays) instead"
            ) from None


def _covering(name: str, first: pd.Timestamp, last: pd.Timestamp):
    cal = _exchange(name, min(first.year, SPAN[0]), max(last.year + 1, SPAN[1]))
    if (
        first < cal.first_session.tz_localize(None) - _DAY * 7
        or last > cal.last_session.tz_localize(None) + _DAY * 7
    ):
        raise DataError(
            f"the {name} calendar covers {cal.first_session.date()} .. {cal.last_session.date()} only; "
            f"dates {first.date()} .. {last.date()} are outside it, give --freq B (weekdays) instead"
        )
    return cal


@lru_cache(maxsize=64)
def _bars_per_session(exchange: str, step: str, until: pd.Timestamp) -> int:
    """The most common number of bars in the last 20 sessions up to ``until`` (early
    closes are the exceptions the mode leaves out; a longer span lagged a change of hours
    by weeks)."""
    bars = Calendar(exchange, step).bars(until - pd.Timedelta(days=45), until)
    per_session = pd.Series(bars.left.tz_convert(Calendar(exchange).tz).date).value_counts().sort_index()
    counts = per_session.iloc[-20:]
    return int(counts.mode().max()) if len(counts) else 1


def _date(stamp: pd.Timestamp) -> pd.Timestamp:
    """The calendar date of a timestamp as a tz-naive midnight (local date if tz-aware)."""
    stamp = pd.Timestamp(stamp)
    return (stamp.tz_localize(None) if stamp.tz is not None else stamp).normalize()


def _to_utc(stamp: pd.Timestamp, zone: str) -> pd.Timestamp:
    return stamp.tz_convert("UTC") if stamp.tz is not None else stamp.tz_localize(zone).tz_convert("UTC")


def to_utc_index(index: pd.DatetimeIndex, zone: str) -> pd.DatetimeIndex:
    """``index`` as UTC instants: zoned stamps converted, naive ones read on ``zone``'s wall
    clock (a time it skips or repeats is NaT: which instant it meant is unknown)."""
    if index.tz is not None:
        return index.tz_convert("UTC")
    return index.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").tz_convert("UTC")


def on_wall_clock(wall: pd.DatetimeIndex, zone) -> pd.DatetimeIndex:
    """Local wall-clock times placed in ``zone``, where calendar steps live (days, weeks,
    sessions): a time the clock skips is the first moment after the skip (Santiago's
    2024-09-08 00:00 is 01:00), a time it repeats is its first, earlier occurrence."""
    return wall.tz_localize(zone, nonexistent="shift_forward", ambiguous=np.ones(len(wall), dtype=bool))
