"""Tables round numbers for the eye, but never to zero and never below 4 significant digits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from forecast_cli.cli.render import display_number, frame_table


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1e-7, "1.000e-07"),
        (-1e-7, "-1.000e-07"),
        (0.00012345, "0.0001234"),
        (0.012345, "0.01235"),
        (0.8123, "0.8123"),
        (5.0, "5.000"),
        (123.456, "123.5"),
        (12345.6, "12,346"),
        (98765432.1, "98,765,432"),
        (1.5e20, "1.500e+20"),
        (0.0, "0"),
        (-0.0, "0"),
        (float("nan"), "-"),
        (float("inf"), "inf"),
    ],
)
def test_numbers_keep_significant_digits(value, shown):
    """bad input: a metric of 1e-7 in a table -> 1.000e-07, not 0.000"""
    assert display_number(value) == shown


def test_table_cells_use_the_display_rounding():
    frame = pd.DataFrame({"mae": [1e-7, 98765432.1], "n": [1, 2]}, index=pd.Index(["a", "b"], name="model"))
    frame["f32"] = np.array([0.25, 1e-6], dtype=np.float32)
    console = Console(width=120, record=True)
    console.print(frame_table(frame))
    text = console.export_text()
    assert "1.000e-07" in text and "98,765,432" in text and "1.000e-06" in text and "0.000 " not in text


def test_a_wide_table_prints_in_blocks_of_whole_columns_that_fit(tmp_path):
    """bad input: predict --wide -f table on 60 series, to a pipe (160 characters) -> blocks
    of whole columns, each with the timestamps and a title saying which columns; it was 60
    columns one character wide, every name and number an ellipsis"""
    from forecast_cli.cli.render import emit

    stamps = pd.Index(pd.date_range("2024-01-01", periods=3, freq="MS"), name="timestamp")
    frame = pd.DataFrame({f"store_{i:02d}": [1234.5 + i, 2.0, 3.0] for i in range(60)}, index=stamps)
    out = tmp_path / "table.txt"
    emit("table", str(out), frame=frame, title="sales forecast")
    text = out.read_text()
    lines = text.splitlines()
    assert "…" not in text and max(len(line) for line in lines) <= 160
    titles = [line.strip() for line in lines if line.startswith("sales forecast")]
    assert titles[0] == "sales forecast (columns 1-13 of 60)" and titles[-1].endswith("of 60)")
    spans = [tuple(map(int, t.split("columns ")[1].split(" of")[0].split("-"))) for t in titles]
    assert spans[0][0] == 1 and spans[-1][1] == 60
    assert all(b[0] == a[1] + 1 for a, b in zip(spans, spans[1:], strict=False))  # each column once, in order
    assert text.count("2024-01-01") == len(titles) and all(f"store_{i:02d}" in text for i in range(60))
    assert "1,234" in text or "1,235" in text  # a number whole, not an ellipsis
