"""The shell around a command: closed or full streams, readers that leave early, and
signals. Each case ran as a real process, since what is tested is what the interpreter
and the shell hand the command (None for a closed stream, EPIPE, SIGTERM)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE

AIR = SAMPLE / "airpassengers.csv"
CLI = f"{sys.executable} -m forecast_cli"
ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def _bash(script: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=300, cwd=cwd, env=ENV
    )


@pytest.fixture(scope="module")
def air_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("streams") / "air.fcst"
    done = _bash(f"{CLI} train {AIR} --epochs 2 -q -o {path}", path.parent)
    assert done.returncode == 0, done.stderr
    return path


def test_a_reader_of_stderr_that_leaves_does_not_stop_the_model_being_written(tmp_path):
    """`2>&1 | head -1`: train exited 0 and wrote no model (the stderr console's closed pipe
    was taken for stdout's). Messages after the reader left are dropped; the work is done."""
    done = _bash(f"set -o pipefail; {CLI} train {AIR} --epochs 2 -o m.fcst 2>&1 | head -1", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("data:")
    assert (tmp_path / "m.fcst").stat().st_size > 0


def test_a_closed_predictions_pipe_still_writes_the_leaderboard_file(tmp_path):
    """`--predictions-out - | head -1` ended the command before `-o board.csv` was written:
    files are written first, stdout last."""
    done = _bash(
        f"{CLI} backtest {AIR} --models naive -q -o board.csv --predictions-out - | head -1", tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("origin,")
    assert (tmp_path / "board.csv").read_text().startswith("model,")


@pytest.mark.parametrize(
    "command",
    ["predict -m {model} -H 2", "info {model}", "backtest {air} --models naive"],
)
def test_a_closed_stdout_is_refused_before_any_work(air_model, tmp_path, command):
    """bad input: stdout closed (>&-) -> exit 2, "standard output is closed (>&-); redirect it to a file ..."
    (it was an unexpected AttributeError of None, exit 1)"""
    done = _bash(f"{CLI} {command.format(model=air_model, air=AIR)} >&-", tmp_path)
    assert done.returncode == 2, done.stderr
    assert "standard output is closed (>&-); redirect it to a file" in done.stderr
    assert "unexpected" not in done.stderr


def test_a_closed_stdin_or_stderr_reads_as_empty_and_drops_messages(air_model, tmp_path):
    """`<&-`: predict continues from the stored history (stdin had nothing for it); `2>&-`:
    train writes its model without saying so (it failed with exit 1)."""
    given = _bash(f"{CLI} predict -m {air_model} -H 1 -f csv <&-", tmp_path)
    assert given.returncode == 0 and given.stdout.count("\n") == 2, given.stderr
    quiet = _bash(f"{CLI} train {AIR} --epochs 2 -o m.fcst 2>&-", tmp_path)
    assert quiet.returncode == 0 and (tmp_path / "m.fcst").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_behind_stdout_is_exit_2_naming_standard_output(air_model, tmp_path):
    """bad input: stdout on a full disk (> /dev/full) -> exit 2, "cannot write standard
    output: No space left on device" (it was an unexpected OSError, exit 1)"""
    done = _bash(f"{CLI} predict -m {air_model} -H 2 > /dev/full", tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot write standard output: No space left on device" in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("stderr", ["2>/dev/full", "2</dev/null"])
def test_a_stderr_that_cannot_be_written_drops_messages_not_the_work(air_model, tmp_path, stderr):
    """bad input: stderr on a full disk or opened read-only -> the model is still written and predict still prints, exit 0 (every command was exit 1, the model unsaved)"""
    done = _bash(f"{CLI} train {AIR} --epochs 2 -o m.fcst {stderr}", tmp_path)
    assert done.returncode == 0 and (tmp_path / "m.fcst").stat().st_size > 0
    done = _bash(f"{CLI} predict -m {air_model} -H 2 -f csv {stderr}", tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("timestamp,passengers")


@pytest.mark.parametrize("redirect", [">> data.csv", "1<>data.csv", "-o /dev/stdout >> data.csv"])
def test_stdout_redirected_to_the_input_file_is_refused_and_leaves_it_intact(air_model, tmp_path, redirect):
    """bad input: stdout redirected to the data file read (>> data.csv, 1<>data.csv) -> exit 2,
    "standard output is redirected to an input file" (it appended a second header to the data)"""
    data = tmp_path / "data.csv"
    data.write_bytes(AIR.read_bytes())
    done = _bash(f"{CLI} predict -m {air_model} data.csv -H 1 -q {redirect}", tmp_path)
    assert done.returncode == 2, done.stderr
    assert "standard output is redirected to an input file" in done.stderr
    assert data.read_bytes() == AIR.read_bytes()


@pytest.mark.parametrize(
    ("name", "code", "said"), [("SIGTERM", 143, "terminated"), ("SIGHUP", 129, "hung up")]
)
def test_sigterm_and_sighup_end_like_ctrl_c_and_leave_no_file_behind(tmp_path, name, code, said):
    """A killed train (a scheduler's timeout, a closed terminal) died by the signal's default
    action: a save in progress left its temporary file. Now: one line, the shell's code,
    the old model intact, nothing else in the folder."""
    old = tmp_path / "m.fcst"
    old.write_bytes(b"the old model")
    proc = subprocess.Popen(
        [*CLI.split(), "train", str(AIR), "--epochs", "1000", "--patience", "1000", "-o", str(old)],
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=tmp_path,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the data line: training starts next
    assert first.startswith("data:"), first
    time.sleep(0.5)
    proc.send_signal(getattr(signal, name))
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == code, rest
    assert f"{said} ({name}); nothing was written" in rest
    assert old.read_bytes() == b"the old model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.fcst"]
