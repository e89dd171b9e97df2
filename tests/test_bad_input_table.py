"""docs/bad-input.md is generated from the tests' docstrings and must match them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("bad_input_table", ROOT / "tools" / "bad_input_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bad_input_table_matches_the_tests():
    assert (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8") == _tool().table(), (
        "docs/bad-input.md is stale: run `python tools/bad_input_table.py --write`"
    )


def test_a_bad_input_docstring_without_an_answer_is_refused(tmp_path):
    (tmp_path / "test_x.py").write_text('def test_a():\n    """bad input: a thing with no arrow"""\n')
    with pytest.raises(ValueError, match=r"test_x.py::test_a: the docstring must read"):
        _tool().table(tmp_path)


def test_rows_keep_file_order_and_escape_pipes(tmp_path):
    (tmp_path / "test_x.py").write_text(
        '"""Cases."""\n\n'
        'def test_b():\n    """bad input: b | c -> exit 2"""\n\n'
        'def test_a():\n    """bad input: a\n    on two lines -> exit 3\n\n    More."""\n'
    )
    lines = _tool().table(tmp_path).splitlines()
    assert lines[-2:] == ["| b \\| c | exit 2 | `test_b` |", "| a on two lines | exit 3 | `test_a` |"]
