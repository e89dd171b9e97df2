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
from .clock import is_intraday_step, on_wall_clock, to_offset, to_utc_index
from .errors import DataError, UsageError
from .exchange_sessions import SPAN, canonical, covering, exchange_calendar

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
        exchange = canonical(match.group(1))
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
        return str(exchange_calendar(self.exchange, *SPAN).tz)

    def sessions(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
        """Session dates (tz-naive midnights) from the date of ``first`` to that of ``last``;
        past the last date whose holidays the calendar knows (``beyond_known``), its
        regular weekdays."""
        first, last = _date(first), _date(last)
        until = known_until(self.exchange)
        if until is None or last <= until:
            cal = covering(self.exchange, first, last)
            # data may start a few days before the calendar's first session (``covering``):
            # there are no sessions there, where exchange_calendars raised (exit 1)
            lo = max(first, cal.first_session.tz_localize(None))
            hi = min(last, cal.last_session.tz_localize(None))
            return pd.DatetimeIndex(cal.sessions_in_range(lo, hi) if lo <= hi else [])
        known = self.sessions(first, until) if first <= until else pd.DatetimeIndex([])
        weekmask = exchange_calendar(self.exchange, *SPAN).weekmask
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
        cal = covering(self.exchange, first, last)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas deprecations inside exchange_calendars
            return cal.trading_index(first, last, period, intervals=True, force=True)

    def _template_session(self) -> pd.Timestamp:
        """The session whose hours the dates past the calendar's known ones copy: the
        latest of its last ten with the longest hours (an early close is no template)."""
        until = known_until(self.exchange)
        assert until is not None
        recent = self.sessions(until - pd.Timedelta(days=20), until)[-10:]
        schedule = covering(self.exchange, recent[0], recent[-1]).schedule.loc[recent[0] : recent[-1]]
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
            schedule = covering(self.exchange, known[0], known[-1]).schedule.loc[known[0] : known[-1]]
            opens.append(schedule["open"].to_numpy(dtype="datetime64[ns]"))
            closes.append(schedule["close"].to_numpy(dtype="datetime64[ns]"))
        if len(later):
            template = self._template_session()
            hours = covering(self.exchange, template, template).schedule.loc[template]
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


def _is_pandas_alias(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pandas 2 on 'xtks': "use 'XTKS'"
            pd.tseries.frequencies.to_offset(text)
    except ValueError:
        return False
    return True


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
