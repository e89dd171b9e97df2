"""The closed sets of values options take, as StrEnums: completion, help and validation
read them from here."""

from __future__ import annotations

from enum import StrEnum


class Agg(StrEnum):
    mean = "mean"
    sum = "sum"
    last = "last"
    first = "first"
    min = "min"
    max = "max"
    median = "median"
    ohlc = "ohlc"


class Fill(StrEnum):
    interpolate = "interpolate"
    ffill = "ffill"
    zero = "zero"
    drop = "drop"
    error = "error"


class ScalerKind(StrEnum):
    auto = "auto"
    standard = "standard"
    shared = "shared"
    minmax = "minmax"
    robust = "robust"
    none = "none"


class TransformKind(StrEnum):
    auto = "auto"
    none = "none"
    log = "log"
    diff = "diff"
    logdiff = "logdiff"


DIFFERENCING = frozenset({TransformKind.diff.value, TransformKind.logdiff.value})  # first row undefined


class Drift(StrEnum):
    auto = "auto"
    on = "on"
    off = "off"


class Combine(StrEnum):
    auto = "auto"
    damped = "damped"
    none = "none"


class Cell(StrEnum):
    lstm = "lstm"
    gru = "gru"
    rnn = "rnn"


class Strategy(StrEnum):
    direct = "direct"
    recursive = "recursive"


class Loss(StrEnum):
    mae = "mae"
    mse = "mse"
    huber = "huber"


class Device(StrEnum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class WindowKind(StrEnum):
    expanding = "expanding"
    sliding = "sliding"


class Interval(StrEnum):
    m1 = "1m"
    m5 = "5m"
    m15 = "15m"
    m30 = "30m"
    m90 = "90m"
    h1 = "1h"
    d1 = "1d"
    wk1 = "1wk"
    mo1 = "1mo"
