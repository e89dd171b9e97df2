"""What a model was trained on and with, as ``info`` shows it: the options as a config
file that repeats the run, and the --ticker bars it learned from."""

from __future__ import annotations

from pathlib import Path


def model_config_toml(meta: dict, model: Path) -> str:
    """The options a model was trained with, as a flat TOML file (see ``config_file``)."""
    from ..config import ForecastConfig
    from ..config_file import option_values, to_toml
    from ..interval_config import typed

    config = ForecastConfig.from_dict(meta["config"])
    values = option_values(config, "train")
    for key in ("level", "quantiles"):  # numbers, as the file's other values are typed
        if key in values:
            values[key] = typed(values[key])
    source = ticker_source(config.data)
    if source:  # the bars it learned from, downloaded again (DATA would be refused beside them)
        values.update(source)
    header = (
        f"forecast train options of {model} (package {meta.get('package_version')}, {meta.get('created')}).\n"
        + (
            "Repeat the run: forecast train --config THIS_FILE (add --offline to use only the cache)"
            if source
            else "Repeat the run: forecast train DATA --config THIS_FILE"
        )
    )
    return to_toml(values, header)


def ticker_source(data) -> dict:
    """The --ticker options that fetch a model's bars again ({} for a model of DATA):
    a model trained on "the last 10 years" of MSFT repeated as the same ten years."""
    if not data.ticker:
        return {}
    source = {"ticker": data.ticker, "interval": data.interval}
    if data.ticker_span:  # files from before the span was recorded have the symbols alone
        source.update(start=data.ticker_span[0], end=data.ticker_span[1])
    if data.adjusted:
        source["adjusted"] = True
    return source


def source_line(cfg: dict) -> dict:
    """``{"source": "ticker MSFT, 1d bars from 2015-01-02 until 2017-11-11"}`` for a model
    trained on --ticker bars (the symbols were in no field info showed); {} otherwise."""
    from ..config import ForecastConfig

    source = ticker_source(ForecastConfig.from_dict(cfg).data)
    if not source:
        return {}
    span = f" from {source['start']} until {source['end']}" if "start" in source else ""
    adjusted = ", with Adj Close" if source.get("adjusted") else ""
    return {"source": f"ticker {source['ticker']}, {source['interval']} bars{span}{adjusted}"}
