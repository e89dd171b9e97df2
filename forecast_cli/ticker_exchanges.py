"""Which exchange a Yahoo Finance symbol trades on, for its calendar of sessions.

The symbol's suffix says it where there is one (``VOD.L`` -> XLON); a plain symbol is
placed by the time zone Yahoo reports for it (``MSFT`` in America/New_York -> XNYS).

Currency pairs and futures are not stocks of the exchange in their zone: Yahoo reports
``EURUSD=X`` in London's zone and ``GC=F`` in New York's, and their stock exchanges'
hours held a third of the pair's hourly bars (the rest were dropped) and closed it on
London's bank holidays. A pair (``=X``) trades round the clock on weekdays, which is
exchange_calendars' ``24/5``; a future (``=F``, Yahoo's US futures) trades on CME
Globex, its ``CMES`` calendar (sessions of 17:00-17:00 Chicago time, Sunday to Friday,
and the exchange's holidays). Cryptocurrencies (``BTC-USD``) trade every day in UTC:
no exchange, and the data's own step (``D``, ``h``).
"""

from __future__ import annotations

from .clock import exchange_for_zone
from .finished_bars import PANDAS_STEP

# Yahoo Finance symbol suffixes and the exchange calendar each trades on.
YAHOO_SUFFIX_EXCHANGE = {
    ".L": "XLON",
    ".IL": "XLON",
    ".DE": "XETR",
    ".F": "XFRA",
    ".PA": "XPAR",
    ".AS": "XAMS",
    ".BR": "XBRU",
    ".LS": "XLIS",
    ".MI": "XMIL",
    ".MC": "XMAD",
    ".SW": "XSWX",
    ".VI": "XWBO",
    ".ST": "XSTO",
    ".CO": "XCSE",
    ".HE": "XHEL",
    ".OL": "XOSL",
    ".IR": "XDUB",
    ".WA": "XWAR",
    ".T": "XTKS",
    ".HK": "XHKG",
    ".KS": "XKRX",
    ".KQ": "XKRX",
    ".SI": "XSES",
    ".TW": "XTAI",
    ".BO": "XBOM",
    ".AX": "XASX",
    ".NZ": "XNZE",
    ".TO": "XTSE",
    ".V": "XTSX",
    ".MX": "XMEX",
    ".SA": "BVMF",
    ".JO": "XJSE",
    ".IS": "XIST",
    ".NS": "XBOM",  # the National Stock Exchange of India closes on the Bombay exchange's holidays
    ".SS": "XSHG",
    ".SZ": "XSHG",  # Shenzhen closes on Shanghai's holidays
    ".TWO": "XTAI",
    ".BK": "XBKK",
    ".JK": "XIDX",
    ".KL": "XKLS",
    ".SN": "XSGO",
    ".BA": "XBUE",
    ".PR": "XPRA",
    ".BD": "XBUD",
    ".SR": "XSAU",  # Saudi Exchange (Tadawul): Sunday to Thursday
}


# Yahoo's suffixes for instruments that are not listed on an exchange's stock market.
MARKET_SUFFIX = {"=X": "24/5", "=F": "CMES"}


def exchange_for_symbol(symbol: str | None, exchange_tz: str | None) -> str | None:
    """The ``exchange_calendars`` code for a Yahoo symbol (suffix first, then time zone)."""
    for suffix, market in MARKET_SUFFIX.items():
        if symbol and symbol.upper().endswith(suffix):
            return market
    if symbol and "." in symbol:
        suffix = "." + symbol.rsplit(".", 1)[1].upper()
        if suffix in YAHOO_SUFFIX_EXCHANGE:
            return YAHOO_SUFFIX_EXCHANGE[suffix]
    return exchange_for_zone(exchange_tz)


def calendar_for(interval: str, exchange_tz: str | None, symbol: str | None = None) -> str | None:
    """The step calendar of a ticker's bars: the exchange's sessions for daily bars
    (``XLON``), its trading hours for intraday bars (``XLON@5min``), ``None`` (infer from
    the data) for longer bars or an exchange we cannot place.

    The exchange comes from the symbol's Yahoo suffix (``VOD.L`` -> XLON), else from the
    exchange's time zone (a plain ``MSFT`` in America/New_York -> XNYS).
    """
    exchange = exchange_for_symbol(symbol, exchange_tz)
    if exchange is None:
        return None
    if interval == "1d":
        return exchange
    if interval in PANDAS_STEP:
        return f"{exchange}@{PANDAS_STEP[interval]}"
    return None
