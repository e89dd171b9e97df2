"""`--ids-file`: a file of series ids (comments and blank lines ignored) restricts any
command that takes --ids, merged with --ids; unknown ids are named with the series count."""

from __future__ import annotations

import os
import unicodedata

import pandas as pd
import pytest
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import DataConfig
from forecast_cli.errors import UsageError
from forecast_cli.panel import prepare_panel
from forecast_cli.panel_ids import read_ids_file

from .conftest import FAST_TRAIN
from .test_panel import long_panel

runner = CliRunner()
IDS_TEXT = "\ufeff# stores to check\n\nS2   \n  S0\n#S1\n"


@pytest.fixture
def panel_csv(tmp_path):
    path = tmp_path / "panel.csv"
    long_panel().to_csv(path, index=False)
    return path


def test_ids_file_skips_blank_lines_comments_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text(IDS_TEXT, encoding="utf-8")
    assert [i.strip() for i in read_ids_file(path)] == ["S2", "S0"]  # spaces kept, matched around
    assert prepare_panel(long_panel(), DataConfig(ids_file=str(path))).ids == ("S2", "S0")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_an_ids_file_in_utf16_is_read_as_the_data_files_are(tmp_path, encoding):
    """A list saved as Excel's "Unicode Text" (UTF-16 with a byte order mark) was refused as
    not UTF-8, while a data file saved the same way was read."""
    path = tmp_path / "ids.txt"
    body = IDS_TEXT.lstrip("\ufeff")
    path.write_bytes(("\ufeff" + body).encode(encoding))
    assert [i.strip() for i in read_ids_file(path)] == ["S2", "S0"]
    path.write_bytes(b"\xff\xfeS\x00\xd8")  # a cut UTF-16 file: a lone surrogate half
    with pytest.raises(UsageError, match="is not UTF-8 or UTF-16 text"):
        read_ids_file(path)


def test_a_hash_inside_a_line_is_part_of_the_id_not_a_comment(tmp_path):
    """`Store #5` was cut at ` #` to `Store`, and predict forecast that other series with
    exit 0; only a line starting with # is a comment."""
    path = tmp_path / "ids.txt"
    path.write_text("Store #5\n# a comment\n  Aisle # 3  \n")
    assert read_ids_file(path) == ["Store #5", "  Aisle # 3  "]  # as written; as_written matches it


def test_ids_and_ids_file_together_keep_each_series_once_ids_first(tmp_path, panel_csv):
    path = tmp_path / "ids.txt"
    path.write_text("S0\nS2\n")
    preds = tmp_path / "folds.csv"
    args = ["backtest", str(panel_csv), "-H", "6", "-k", "2", "--models", "naive", "-q"]
    result = runner.invoke(
        app, [*args, "--ids", "S1,S0", "--ids-file", str(path), "--predictions-out", str(preds)]
    )
    assert result.exit_code == 0, result.stderr
    assert list(pd.unique(pd.read_csv(preds)["unique_id"])) == ["S1", "S0", "S2"]


def test_unknown_id_in_the_file_is_named_with_the_number_of_series(tmp_path, panel_csv):
    path = tmp_path / "ids.txt"
    path.write_text("S0\nS9\nS7\n")
    out = tmp_path / "m.fcst"
    result = runner.invoke(
        app, ["train", str(panel_csv), "--ids-file", str(path), *FAST_TRAIN, "-o", str(out)]
    )
    assert result.exit_code == 2 and not out.exists()
    assert (
        f"--ids-file {path} names 2 series not in the data: 'S9', 'S7' (the data has 3 series)"
        in result.stderr
    )


def test_predict_from_stored_history_names_ids_the_model_lacks(tmp_path, panel_csv):
    model = tmp_path / "m.fcst"
    trained = runner.invoke(app, ["train", str(panel_csv), "-H", "3", *FAST_TRAIN, "-o", str(model)])
    assert trained.exit_code == 0, trained.stderr
    path = tmp_path / "ids.txt"
    path.write_text("# only these\nS1\n")
    ok = runner.invoke(app, ["predict", "-m", str(model), "--ids-file", str(path), "-f", "csv"])
    assert ok.exit_code == 0, ok.stderr
    assert [line.split(",")[0] for line in ok.stdout.splitlines()[1:]] == ["S1"] * 3
    bad = runner.invoke(app, ["predict", "-m", str(model), "--ids", "S1,Q", "--ids-file", str(path)])
    assert bad.exit_code == 2 and bad.stdout == ""
    assert (
        f"--ids and --ids-file {path} names 1 series the model has no history for: 'Q' (the model has 3"
        in bad.stderr
    )


def test_an_id_with_a_comma_given_to_ids_is_named_in_parts_and_sent_to_ids_file(tmp_path):
    """bad input: --ids 'New York, NY' where the id has a comma -> exit 2, the parts quoted ('New York', 'NY') and --ids-file named as the fix"""
    raw = long_panel().replace({"unique_id": {"S0": "New York, NY"}})
    data, model = tmp_path / "p.csv", tmp_path / "m.fcst"
    raw.to_csv(data, index=False)
    assert runner.invoke(app, ["train", str(data), "-H", "3", *FAST_TRAIN, "-o", str(model)]).exit_code == 0
    bad = runner.invoke(app, ["predict", "-m", str(model), "--ids", "New York, NY"])
    assert bad.exit_code == 2
    assert "no history for: 'New York', 'NY' (the model has 3 series)" in bad.stderr
    assert "give an id with a comma in --ids-file" in bad.stderr
    ids = tmp_path / "ids.txt"
    ids.write_text("New York, NY\n")
    ok = runner.invoke(app, ["predict", "-m", str(model), "--ids-file", str(ids), "-f", "csv"])
    assert ok.exit_code == 0 and '"New York, NY"' in ok.stdout


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("-", None, "cannot read stdin"),
        ("missing.txt", None, "no such file"),
        ("empty.txt", "# nothing yet\n\n", "names no series"),
    ],
)
def test_unusable_ids_files_are_refused_in_one_line(tmp_path, name, content, message):
    path = tmp_path / name if name != "-" else "-"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError, match=message):
        read_ids_file(path)


def test_ids_written_with_spaces_around_them_can_be_chosen():
    """--ids and --ids-file strip what they read, so an id the data writes ' A' is matched by
    'A' when no other id is 'A' once stripped; an exact id always wins."""
    from forecast_cli.panel_ids import as_written

    assert as_written(["A", "B", "C"], [" A", "B ", "C", " C"]) == [" A", "B ", "C"]


def test_an_id_that_several_ids_equal_but_for_spaces_and_none_exactly_is_refused():
    """bad input: --ids D where the data has series ' D' and 'D ' and no 'D' -> exit 2 naming both (was: 'not in the data', though both are)"""
    from forecast_cli.panel_ids import as_written

    with pytest.raises(
        UsageError, match=r"--ids 'D' could be any of 2 series whose ids differ only by spaces"
    ):
        as_written(["D"], [" D", "D "])


def test_a_panel_says_when_ids_differ_only_by_spaces_around_them(tmp_path):
    frame = long_panel()
    frame.loc[frame["unique_id"] == frame["unique_id"].iloc[0], "unique_id"] = "S0 "
    frame.loc[frame["unique_id"] == frame["unique_id"].iloc[-1], "unique_id"] = "S0"
    panel = prepare_panel(frame, DataConfig())
    assert (
        "1 id(s) differ only by spaces around them or Unicode form ('S0' and 'S0 '): kept as separate "
        "series; --ids chooses one written exactly without spaces around it" in panel.notes
    )
    assert len(panel.ids) == len(long_panel()["unique_id"].unique())


@pytest.mark.parametrize("given", [" pad", "pad ", " pad,x"])
def test_an_id_written_with_spaces_around_it_is_never_read_as_its_twin(tmp_path, given):
    """bad input: --ids ' pad' (or an --ids-file line ' pad') where the data has 'pad', ' pad'
    and 'pad ' -> exit 2 naming the three; the spaces were dropped and the series 'pad'
    forecast instead, exit 0. 'pad' alone is that series, and 'a, x' still reads as a, x."""
    frame = long_panel()
    frame["unique_id"] = frame["unique_id"].map({"S0": "pad", "S1": "x", "S2": "y"})
    twins = [frame[frame["unique_id"] == "pad"].assign(unique_id=name) for name in (" pad", "pad ")]
    frame = pd.concat([frame.dropna(subset=["unique_id"]), *twins])
    with pytest.raises(
        UsageError,
        match=f"--ids '{given.split(',')[0]}' could be any of 3 series whose ids differ only by spaces",
    ):
        prepare_panel(frame, DataConfig(ids=tuple(given.split(","))))
    (tmp_path / "ids.txt").write_text(given.split(",")[0] + "\n")
    with pytest.raises(UsageError, match="could be any of 3 series"):
        prepare_panel(frame, DataConfig(ids_file=str(tmp_path / "ids.txt")))
    assert prepare_panel(frame, DataConfig(ids=("pad", " x"))).ids == ("pad", "x")


def test_an_id_in_another_unicode_form_is_matched():
    """An --ids-file written on macOS holds 'Zu' + a combining diaeresis + 'rich' where the data
    has 'Zürich'; both print alike, and the id was refused as unknown."""
    from forecast_cli.panel_ids import as_written

    composed = "Z\u00fcrich/Ost"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert as_written([decomposed], [composed, "Bern"]) == [composed]


def test_a_model_records_the_ids_its_file_named_not_the_path(tmp_path, panel_csv):
    """info -f config repeats a run: it wrote ids-file = "ids.txt", so the run failed from
    another folder, and after the file was edited it trained on other series (exit 0). The
    model records the ids the file named."""
    import json

    ids = tmp_path / "ids.txt"
    ids.write_text("S2\n")
    model = tmp_path / "m.fcst"
    trained = runner.invoke(
        app, ["train", str(panel_csv), "--ids", "S1", "--ids-file", str(ids), *FAST_TRAIN, "-o", str(model)]
    )
    assert trained.exit_code == 0, trained.output
    config = runner.invoke(app, ["info", str(model), "-f", "config"]).stdout
    assert 'ids = ["S1", "S2"]' in config and "ids-file" not in config
    ids.unlink()  # gone (or edited): the recorded run does not change
    (tmp_path / "run.toml").write_text(config)
    again = tmp_path / "a.fcst"
    rerun = runner.invoke(
        app, ["train", str(panel_csv), "--config", str(tmp_path / "run.toml"), "-o", str(again)]
    )
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(runner.invoke(app, ["info", str(again), "-f", "json"]).stdout)["series_ids"] == [
        "S1",
        "S2",
    ]


def test_an_indented_comment_line_is_ignored(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("S2\n   # the stores we keep\nS0\n")
    assert read_ids_file(path) == ["S2", "S0"]


def test_an_ids_file_that_is_a_pipe_is_read_once_and_its_ids_kept(tmp_path):
    """`train --ids-file <(echo Victoria)`: training reads the ids twice, and a pipe
    holds them once; the second read said "names no series"."""
    read, write = os.pipe()
    os.write(write, b"Victoria\nTasmania\n")
    os.close(write)  # what bash's <(...) gives: a pipe whose writer has finished
    try:
        piped = f"/dev/fd/{read}"
        first = read_ids_file(piped)
        assert first == ["Victoria", "Tasmania"] and read_ids_file(piped) == first
    finally:
        os.close(read)
    plain = tmp_path / "plain.txt"
    plain.write_text("A\n")
    assert read_ids_file(plain) == ["A"]
    plain.write_text("B\n")
    assert read_ids_file(plain) == ["B"]  # a regular file is read each time
