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
