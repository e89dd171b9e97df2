"""The data options of a model: which columns, series and rows it reads, and how the file
is parsed, with the defaults the loader falls back to. The first section of ``config``'s
``ForecastConfig``, declared the same way (see ``config``'s docstring)."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import Agg, Fill
from .option_spec import FIT, opt

DATA = "Data"
LOAD = frozenset({"train", "backtest", "predict"})  # the commands that read a data file

DEFAULT_FILL = "interpolate"
DEFAULT_AGG = "mean"  # --agg not given (a panel then refuses to average rows of different series)

# Column names taken as a long panel's series id without --id-col (matched ignoring case),
# and read as written like an --id-col (see ``io.read_data``).
ID_NAMES = ("unique_id", "series_id", "id", "series", "item_id", "ticker", "symbol")


@dataclass
class DataConfig:
    """How to read and regularise the series."""

    target: str | None = opt(
        None, "Column to forecast (needed when several are numeric).", DATA, commands=FIT, short="-t"
    )
    id_col: str | None = opt(
        None,
        "Column naming the series of a long panel (detected when unambiguous, such as unique_id); "
        "several, comma-separated, when they name it together (State,Purpose); '' for one series, "
        "nothing detected.",
        DATA,
    )
    ids: tuple[str, ...] = opt(
        (),
        "Only these series of a panel, comma-separated.",
        DATA,
        commands=LOAD,
        is_list=True,
        keeps_spaces=True,  # --ids ' D' must not choose 'D' where the data has both
    )
    ids_file: str | None = opt(
        None,
        "Only the series named in this file, one id per line (blank lines and lines starting "
        "with # ignored); adds to --ids.",
        DATA,
        commands=LOAD,
    )
    time_col: str | None = opt(
        None, "Timestamp column (auto-detected; '' for an integer step index).", DATA, commands=LOAD
    )
    features: tuple[str, ...] = opt(
        (), "Extra numeric input columns, comma-separated (observed in the past).", DATA, is_list=True
    )
    future_features: tuple[str, ...] = opt(
        (),
        "Known-future input columns, comma-separated: also read over the forecast steps "
        "(predict takes their future values from --future-data).",
        DATA,
        is_list=True,
    )
    static_cols: tuple[str, ...] = opt(
        (),
        "Per-series categorical columns of a panel (one value per series), one-hot inputs: region,category.",
        DATA,
        is_list=True,
    )
    calendar: tuple[str, ...] = opt(
        ("auto",),
        "Calendar inputs from the timestamps: auto (hour,dow below a day; dow for daily data "
        "with a weekly cycle; holiday too with --country; none for weekly and coarser), none, "
        "or a list of hour,dow,month,holiday.",
        DATA,
        is_list=True,
        list_choices=("auto", "none", "hour", "dow", "month", "holiday"),
    )
    country: str | None = opt(
        None,
        "Country for the holiday feature (ISO code such as AU, GB, US; default: no holidays).",
        DATA,
    )
    subdiv: str | None = opt(
        None, "State or region within --country for its holidays, e.g. VIC or ENG.", DATA
    )
    freq: str | None = opt(
        None,
        "Granularity: a pandas alias (5min, 1h, 1D, B, W-SUN, MS, QS) or an exchange calendar "
        "(XNYS trading days, XNYS@30min trading hours); default: the data's own.",
        DATA,
    )
    agg: str | None = opt(
        None,
        "How rows within one period combine (default: mean; last for prices, sum for totals).",
        DATA,
        choices=Agg,
    )
    fill: str | None = opt(
        None,
        "How missing periods and empty cells are filled (default: interpolate, refusing to invent more than 20% of the rows).",
        DATA,
        choices=Fill,
    )
    delimiter: str | None = opt(
        None, "CSV field separator: , ; tab or | (default: detected).", DATA, commands=LOAD
    )
    decimal: str = opt(
        ".",
        "Decimal mark in numbers, e.g. , for 1,5 (a column of 1,5 without it is refused; with it, a cell 1.5 is).",
        DATA,
        commands=LOAD,
    )
    thousands: str | None = opt(
        None,
        "Thousands separator in numbers, e.g. . for 1.234,5 or , for 1,234.5 (digits grouped in threes: 24278,89 is refused).",
        DATA,
        commands=LOAD,
    )
    time_format: str | None = opt(
        None,
        "strftime format of the time column, e.g. %d/%m/%Y, or %s for Unix time (default: detected).",
        DATA,
        commands=LOAD,
    )
    ticker: str | None = None  # set when the series came from --ticker (recorded in the model)
    interval: str | None = None  # the yfinance interval of that ticker data
    ticker_span: tuple[str, ...] = ()  # (--start, --end) that fetch those bars again
    adjusted: bool = False  # whether they were fetched with Adj Close (--adjusted)

    def selected_ids(self) -> tuple[str, ...]:
        """The series asked for: ``--ids`` then ``--ids-file``'s, each once, in that order
        (read when called, so a model file never depends on the ids file)."""
        if self.ids_file is None:
            return tuple(dict.fromkeys(self.ids))
        from .panel_ids import read_ids_file

        return tuple(dict.fromkeys((*self.ids, *read_ids_file(self.ids_file))))

    def ids_label(self) -> str:
        """How messages name the options that chose the series."""
        given = (["--ids"] if self.ids else []) + ([f"--ids-file {self.ids_file}"] if self.ids_file else [])
        return " and ".join(given) or "--ids"
