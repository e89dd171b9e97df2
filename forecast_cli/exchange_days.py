"""Which exchange's trading days daily rows follow: the one whose closures explain the
weekdays missing from them (``trading_days``), and, where business days are filled
instead, the exchanges whose closures every filled weekday is (``closures_of``).

Each exchange calendar costs time to build (0.05 to 0.1 s; Korea's 2 s), so candidates are
tried in a fixed order, the costly ones last, and another exchange is looked for only
where it could explain the data as well (``_shared_closures``).
"""

from __future__ import annotations

import functools

import pandas as pd

from .calendars import Calendar
from .clock import exchange_for_zone
from .errors import DataError

# Exchanges tried, in order, for tz-naive daily data without weekends: the largest first;
# then, only when those explain too little and the missing weekdays look like holidays
# (``_holiday_like``), the next largest markets with holidays of their own. Each calendar
# costs 0.05-0.1 s to build, so not every exchange is tried: Euronext's members share
# XPAR's closures. Korea's lunar calendar alone costs 2 s, so XKRX comes last, built only
# for data no other exchange explains (zoned data and ``.KS`` tickers get it directly, see
# ``clock.EXCHANGE_BY_ZONE``); without it Korean holidays were gaps to fill.
DAILY_CANDIDATES = ("XNYS", "XLON", "XETR", "XTKS", "XHKG", "XTSE", "XASX", "XPAR", "XSWX")
MORE_CANDIDATES = (
    "XSHG",
    "XBOM",
    "XTAI",
    "XSES",
    "BVMF",
    "XJSE",
    "XMEX",
    "XSTO",
    "XMIL",
    "XMAD",
    "XNZE",
    "XKRX",
)
HOLIDAY_SHARE = 0.1  # more missing weekdays than this are not an exchange's closures (at most ~7%)
# Share of missing weekdays an exchange's closures must explain (with rows on its closed days: 0.9).
EXPLAINED = 0.5
_DAY = pd.Timedelta(days=1)
# data at least this long holds every regular holiday (2 January to 31 December is 363 days)
YEAR = pd.Timedelta(days=350)


def trading_days(index: pd.DatetimeIndex) -> str | None:
    """The exchange whose closures best explain the weekdays missing from daily data."""
    days = index.normalize()
    if not days.is_unique:  # several rows a day are bars, not sessions
        return None
    naive = days.tz_localize(None) if days.tz is not None else days
    missing = pd.bdate_range(naive[0], naive[-1]).difference(naive)
    if len(missing) == 0:
        return None
    zoned = exchange_for_zone(index.tz) if index.tz is not None else None
    candidates: tuple[str, ...] = (zoned,) if zoned else DAILY_CANDIDATES
    if not zoned and _holiday_like(missing, naive):
        candidates += MORE_CANDIDATES
    best, best_score = None, 0.0
    matches: list[str] = []  # near-perfect ones, under a year of data (see _one_ahead)
    for exchange in candidates:
        try:
            sessions = Calendar(exchange).sessions(naive[0], naive[-1])
        except DataError:  # the exchange's calendar does not reach back to the data
            continue
        closed = pd.bdate_range(naive[0], naive[-1]).difference(sessions)
        contradicting = int(naive.isin(closed).sum())  # rows on days it was closed: dropped if taken
        score = int(missing.isin(closed).sum()) / (len(missing) + contradicting)
        if contradicting and score < 0.9:
            continue  # only a near-perfect match may drop a row (taken at half the missing
            # days explained, a US federal calendar was NYSE's, and its real rows on Good
            # Fridays were dropped; one stray row in real NYSE data still leaves it NYSE)
        if score >= 0.9:
            if zoned or naive[-1] - naive[0] >= YEAR or not _shared_closures(missing):
                return exchange
            matches.append(exchange)
        elif score >= EXPLAINED and score > best_score:
            best, best_score = exchange, score
    if matches:
        return _one_ahead(matches, naive[-1])
    return best


def _shared_closures(missing: pd.DatetimeIndex) -> bool:
    """Whether every missing weekday is a day most European-rooted exchanges close on
    (24 to 26 and 31 December, New Year, Good Friday, Easter Monday): only then can another
    exchange explain the data as well, and only then are the others' calendars built (a
    short US series, missing Thanksgiving or Martin Luther King Day, took 0.8 s more)."""
    years = range(missing.year.min(), missing.year.max() + 1)
    easter = [pd.Timestamp(y, 1, 1) + pd.offsets.Easter() for y in years]
    days = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}
    shared = pd.DatetimeIndex([e + pd.Timedelta(days=k) for e in easter for k in (-2, 1)])
    return bool(all((d.month, d.day) in days or d in shared for d in missing))


def _one_ahead(matches: list[str], last: pd.Timestamp) -> str | None:
    """The first of the exchanges that explain under a year of data, if they all close on
    the same weekdays over the year after it; else None (business days, and the load line
    names them: ``closures_of``). Eight months of Frankfurt sessions hold Christmas, New Year
    and Easter, which London shares: taken as London's, they were forecast on 1 May (closed
    in Frankfurt) and skipped 6 May (open). A year holds every regular holiday once, and
    tells the exchanges apart."""
    start, end = last + _DAY, last + 365 * _DAY
    ahead = set()
    for exchange in matches:
        try:
            sessions = Calendar(exchange).sessions(start, end)
        except DataError:  # its calendar ends before a year ahead: it cannot be told apart
            return None
        ahead.add(tuple(pd.bdate_range(start, end).difference(sessions)))
    return matches[0] if len(ahead) == 1 else None


def _holiday_like(missing: pd.DatetimeIndex, rows: pd.DatetimeIndex) -> bool:
    """Whether the missing weekdays could be an exchange's closures, worth building the
    less common exchanges' calendars for: few enough, over at least a year (a year holds
    every regular holiday once; fewer closures cannot tell the exchanges apart)."""
    return len(missing) <= HOLIDAY_SHARE * (len(missing) + len(rows)) and rows[-1] - rows[0] >= 365 * _DAY


def closures_of(gaps: pd.DatetimeIndex, rows: pd.DatetimeIndex, freq: str) -> str:
    """``every one an XSTO closure: --freq XSTO keeps its sessions`` when the weekdays
    filled in business-day data (``freq`` B) are all one exchange's closures and no row
    falls on another of them: under a year of data infers no exchange (``_holiday_like``),
    so eight months of Stockholm sessions had 4 holidays filled and Christmas forecast,
    with no word of the exchange whose calendar fits. Korea's calendar (2 s to build) is
    not tried; every exchange that fits is named (several that explain eight months alike:
    ``_one_ahead``)."""
    if freq != "B" or not 2 <= len(gaps) <= 30 or not isinstance(rows, pd.DatetimeIndex):
        return ""  # more than 30 filled weekdays are more than a year of any exchange's holidays
    days = rows.normalize().tz_localize(None) if rows.tz is not None else rows.normalize()
    missing = gaps.normalize().tz_localize(None) if gaps.tz is not None else gaps.normalize()
    fits = []
    for exchange in (e for e in (*DAILY_CANDIDATES, *MORE_CANDIDATES) if e != "XKRX"):
        closed = _closed_weekdays(exchange, days[0].year, days[-1].year)
        if closed is None:
            continue
        closed = closed[(closed >= days[0]) & (closed <= days[-1])]
        if missing.isin(closed).all() and not days.isin(closed).any():
            fits.append(exchange)
    if len(fits) == 1:
        article = "an" if fits[0][0] in "AEFHILMNORSX" else "a"  # an XSTO, a BVMF
        return f"every one {article} {fits[0]} closure: --freq {fits[0]} keeps its sessions"
    if fits:
        return f"every one a closure of {', '.join(fits)}: --freq with the data's exchange keeps its sessions"
    return ""


@functools.lru_cache(maxsize=256)
def _closed_weekdays(exchange: str, first_year: int, last_year: int) -> pd.DatetimeIndex | None:
    """The weekdays ``exchange`` is closed on in whole years ``first_year`` .. ``last_year``
    (None: its calendar does not reach them): once per exchange and years, as a panel's
    series share their years far more often than their first and last days (keyed by
    days, 40 series starting on different days built 800 calendars: 90 s to load)."""
    first, last = pd.Timestamp(first_year, 1, 1), pd.Timestamp(last_year, 12, 31)
    try:
        return pd.bdate_range(first, last).difference(Calendar(exchange).sessions(first, last))
    except DataError:
        return None
