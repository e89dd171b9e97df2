"""Reading predict's --future-data table: the known-future features a model was trained with.

A file without the panel's id column holds values shared by every series (one national
index for every store); the file is read with predict's own options first, then with the
options the model's training data was read with (``predict_reading``).
"""

from __future__ import annotations

import dataclasses

from ..errors import DataError, UsageError
from .config_option import options_given
from .predict_reading import models_reading, read_either


def future_table_of(path, forecaster, reading, wide_target, reporter):
    """``_future_table`` read with the options that read DATA (predict's own without it),
    else with the model's (``predict_reading``)."""
    trained = models_reading(reading, forecaster.config.data, options_given())
    return read_either(
        lambda cfg: _future_table(path, forecaster, cfg, wide_target, reporter),
        reading,
        trained,
        path,
        reporter.info,
    )[0]


def _future_table(path, forecaster, data_cfg, wide_target=None, reporter=None):
    """The --future-data table for a model with known-future features (None without a path);
    refuses a path the model has no use for. A file without the panel's id column holds
    values shared by every series: for a wide table's model the shared columns the melt gave
    each series; for a long panel's, one national index or calendar for every store (said
    on stderr, since a forgotten id column would look the same; rows of one step that
    disagree are refused, naming the column that may be the ids)."""
    if path is None:
        return None
    if not forecaster.future_features_:
        raise UsageError("--future-data is for models trained with --future-features; this model has none")
    from ..future_data import read_future
    from ..io import read_data
    from ..panel_layout import with_compound_id

    # the model's id column, read as written (store 001 stays 001, not the number 1)
    raw = read_data(path, dataclasses.replace(data_cfg, id_col=forecaster.id_col_))
    raw, id_col = with_compound_id(raw, forecaster.id_col_)  # State,Region: both columns, as trained
    if id_col is not None and id_col not in {str(c).strip() for c in raw.columns}:
        if wide_target is None and reporter is not None:
            reporter.info(f"{path} has no {id_col} column: its values are given to every series")
        id_col = None
    time_col = data_cfg.time_col if data_cfg.time_col is not None else forecaster.config.data.time_col
    try:
        table = read_future(
            raw,
            forecaster.future_features_,
            id_col,
            time_col,
            data_cfg.time_format,
            str(path),
            numbers=(data_cfg.decimal, data_cfg.thousands),
            freq=forecaster.freq_,
            layout=forecaster.time_labels_,
        )
    except DataError as exc:  # rows of several series read as shared: say how to key them
        from ..data_columns import resolve_time_column

        if id_col is not None or forecaster.id_col_ is None or "different values for" not in str(exc):
            raise
        try:
            stamps = resolve_time_column(
                raw.rename(columns=lambda c: str(c).strip()), time_col, data_cfg.time_format
            )
        except (DataError, UsageError):
            raise exc from None
        others = [
            c for c in map(str, raw.columns) if c.strip() not in {*forecaster.future_features_, stamps or ""}
        ]
        if len(others) != 1:
            raise
        raise DataError(
            f"{exc}; if {others[0]!r} names the series, call that column {forecaster.id_col_!r}"
        ) from None
    table.refuse_kind(forecaster.freq_ is None)  # here, so that the file can be read again
    return table
