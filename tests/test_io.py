"""The one atomic writer every output goes through (models, cache, data files, plots)."""

from __future__ import annotations

import pytest

from forecast_cli.io import atomic_write


def test_success_replaces_the_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with atomic_write(target) as handle:
        handle.write("new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
