"""Safe outputs: atomic replacement, honest permissions, and refusals before any work.

Each regression test's docstring starts with "bad input: <what> -> <answer>", from which
the table of bad inputs is generated.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from forecast_cli.errors import ExitCode, OutputError
from forecast_cli.outputs import atomic_write, check_output_paths, current_umask

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


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


def test_ctrl_c_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    """bad input: Ctrl-C while an output is being written -> old file intact, no temporary left"""
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as handle:
        handle.write("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_ctrl_c_dropped_inside_a_finaliser_still_ends_the_command_with_130(tmp_path, monkeypatch):
    """Ctrl-C raised inside Dask's garbage-collection hook was printed and dropped, and
    `train --local --workers 2` saved its model and exited 0. The CLI's handler notes it:
    the write keeps the old file and the command ends as interrupted."""
    import gc
    import signal

    import typer

    from forecast_cli import errors
    from forecast_cli.cli.guard import guarded, raise_on_termination

    monkeypatch.setattr(errors, "_RECEIVED", [])
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        # Ctrl-C as a terminal's process has it: a shell's background job (`pytest &`) starts
        # with it ignored, which raise_on_termination rightly leaves so, and nothing is noted
        signal.signal(signal.SIGINT, signal.default_int_handler)
        raise_on_termination()

        class Finalised:
            def __del__(self):
                signal.raise_signal(signal.SIGINT)  # the handler runs here: its exception is dropped

        target = tmp_path / "model.fcst"
        target.write_text("old")
        with pytest.raises(typer.Exit) as ended, guarded(quiet=True, debug=False):
            Finalised()
            gc.collect()
            with atomic_write(target) as handle:
                handle.write("new")
        assert ended.value.exit_code == ExitCode.INTERRUPTED
        assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["model.fcst"]
        assert errors.take_termination() is None  # acted on: the next command starts clean
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def test_the_entry_point_leaves_the_callers_signal_handlers_and_no_old_ctrl_c(monkeypatch, capsys):
    """A program calling the CLI's entry point twice: a Ctrl-C in its own code between the
    calls ended the second call at once (130, nothing written), and its own Ctrl-C handler
    was replaced for good."""
    import signal
    import sys

    from forecast_cli import errors
    from forecast_cli.cli.entry import main

    monkeypatch.setattr(errors, "_RECEIVED", [])
    mine = lambda signum, frame: None  # noqa: E731  (the caller's own handler)
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        errors.note_termination(signal.SIGINT)  # noted by a previous call's handler, after it ended
        monkeypatch.setattr(sys, "argv", ["forecast", "--version"])
        with pytest.raises(SystemExit) as ended:
            main()
        assert ended.value.code == 0 and "forecast " in capsys.readouterr().out
        assert errors.take_termination() is None
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # ours, taken back
        signal.signal(signal.SIGINT, mine)
        with pytest.raises(SystemExit):
            main()
        assert signal.getsignal(signal.SIGINT) is mine  # left as the caller set it
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a job started with Ctrl-C ignored
        with pytest.raises(SystemExit):
            main()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, saved)


def test_a_stop_whose_exception_was_lost_still_keeps_the_old_file(tmp_path, monkeypatch):
    """A SIGTERM handled inside a finaliser has its exception dropped by Python, and the
    command went on to replace the file and exit 0. The signal is kept: the write refuses
    to replace the target, and the command ends as terminated."""
    import typer

    from forecast_cli import errors
    from forecast_cli.cli.guard import guarded

    monkeypatch.setattr(errors, "_RECEIVED", [])
    target = tmp_path / "model.fcst"
    target.write_text("old")
    errors.note_termination(15)
    with pytest.raises(errors.Terminated), atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["model.fcst"]
    errors.note_termination(15)  # the write acted on the last one
    with pytest.raises(typer.Exit) as ended, guarded(quiet=True, debug=False):
        pass  # a command body that finished: the kept signal still ends it
    assert ended.value.exit_code == ExitCode.TERMINATED
    errors.note_termination(15)
    with pytest.raises(typer.Exit) as ended, guarded(quiet=True, debug=False):
        raise typer.Exit(int(ExitCode.PARTIAL))  # a command's own code: the stop outranks it
    assert ended.value.exit_code == ExitCode.TERMINATED
    errors.note_termination(1)
    with pytest.raises(errors.Terminated), atomic_write("/dev/null") as handle:  # a stream: nothing goes out
        handle.write("data")
    # acted on once: the next command in this process (an application calling the entry
    # point again) writes as usual
    with guarded(quiet=True, debug=False), atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text() == "new"


def test_umask_is_read_without_changing_it():
    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        assert current_umask() == 0o027
    finally:
        os.umask(old)


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_file_gets_the_mode_open_would_give_it(tmp_path, umask, expected):
    """bad input: an output file written by forecast -> mode 0o666 & ~umask, not 0o600"""
    old = os.umask(umask)
    try:
        with atomic_write(tmp_path / "new.csv") as handle:
            handle.write("x\n")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.csv") == expected


@pytest.mark.parametrize("mode", [0o600, 0o664, 0o640])
def test_replaced_file_keeps_its_mode(tmp_path, umask_022, mode):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(mode)
    with atomic_write(target) as handle:
        handle.write("new\n")
    assert _mode(target) == mode and target.read_text() == "new\n"


def test_read_only_file_is_refused_and_kept(tmp_path):
    """bad input: -o names a read-only file (chmod 444) -> exit 2, "is read-only", file unchanged"""
    target = tmp_path / "out.csv"
    target.write_text("precious\n")
    target.chmod(0o444)
    with (
        pytest.raises(OutputError, match="read-only; make it writable") as caught,
        atomic_write(target) as handle,
    ):
        handle.write("new\n")
    assert caught.value.exit_code == ExitCode.USAGE
    assert target.read_text() == "precious\n" and _mode(target) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_the_suggested_mkdir_and_chmod_run_as_printed_on_awkward_names(tmp_path):
    """bad input: -o into a missing folder, or onto a read-only file, whose names hold a
    space and a quote -> the fix in the message is a shell command that works when pasted
    (it was printed unquoted: mkdir -p made two folders)"""
    folder = tmp_path / "my runs" / "it's new"
    with pytest.raises(OutputError) as caught:
        check_output_paths({"-o": folder / "out.csv"})
    command = str(caught.value).split("(", 1)[1].split(")", 1)[0]
    assert command.startswith("mkdir -p ")
    subprocess.run(["sh", "-c", command], check=True)
    assert folder.is_dir() and sorted(p.name for p in tmp_path.iterdir()) == ["my runs"]
    target = folder / "a b.csv"
    target.write_text("kept\n")
    target.chmod(0o444)
    with pytest.raises(OutputError) as caught:
        check_output_paths({"-o": target})
    command = str(caught.value).split("(", 1)[1].split(")", 1)[0]
    assert command.startswith("chmod u+w ")
    subprocess.run(["sh", "-c", command], check=True)
    assert _mode(target) & 0o200


def test_symlink_is_written_through_and_kept(tmp_path):
    """bad input: -o names a symlink -> its target is replaced atomically, the link stays a link"""
    real = tmp_path / "real" / "out.csv"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with atomic_write(link) as handle:
        handle.write("new\n")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n" and _mode(real) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["out.csv"]


def test_dangling_symlink_creates_its_target(tmp_path, umask_022):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "later.csv")
    with atomic_write(link) as handle:
        handle.write("x\n")
    assert link.is_symlink() and (tmp_path / "later.csv").read_text() == "x\n"


def test_dev_null_is_written_in_place_and_stays_a_device():
    """bad input: -o /dev/null -> the output is discarded; /dev/null stays a character device"""
    with atomic_write("/dev/null") as handle:
        handle.write("discarded\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dev_stdout_appends_to_a_redirected_file(tmp_path):
    """bad input: -o /dev/stdout with stdout appended to a file (>> log) -> appended, earlier lines kept"""
    log = tmp_path / "log.csv"
    log.write_text("earlier\n")
    code = "from forecast_cli.outputs import atomic_write\nwith atomic_write('/dev/stdout') as h: h.write('new\\n')"
    with open(log, "a") as stdout:
        subprocess.run([sys.executable, "-c", code], stdout=stdout, check=True, cwd=ROOT, timeout=60)
    assert log.read_text() == "earlier\nnew\n" and not log.is_symlink()


def test_fifo_is_written_in_place(tmp_path):
    """bad input: -o names a FIFO (or a pipe from >(...)) -> written into the pipe, never replaced"""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    with atomic_write(fifo) as handle:
        handle.write("through the pipe\n")
    reader.join(timeout=10)
    assert received == ["through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_full_device_gives_one_line_error_naming_the_path():
    """bad input: the disk fills up while writing (here /dev/full) -> exit 2, "No space left", the path"""
    message = r"cannot write /dev/full: No space left on device; free some space"
    with pytest.raises(OutputError, match=message), atomic_write("/dev/full") as handle:
        handle.write("x" * 100_000)


def test_disk_full_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch):
    """bad input: ENOSPC while writing a file -> exit 2 naming the path; old file intact, no temporary"""
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with (
        pytest.raises(OutputError, match=f"cannot write {target}: No space left") as caught,
        atomic_write(target) as handle,
    ):
        handle.write("new\n")
    assert caught.value.exit_code == ExitCode.USAGE and "\n" not in str(caught.value)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_broken_pipe_passes_through_for_the_cli_to_end_quietly(tmp_path):
    with pytest.raises(BrokenPipeError), atomic_write(tmp_path / "out.csv") as handle:
        handle.write("x")
        raise BrokenPipeError
    assert list(tmp_path.iterdir()) == []


def test_directory_is_never_replaced(tmp_path):
    """bad input: -o names a directory -> exit 2, "is a directory"; the directory is untouched"""
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "keep.csv").write_text("x")
    with pytest.raises(OutputError, match="is a directory"), atomic_write(folder) as handle:
        handle.write("x")
    assert (folder / "keep.csv").read_text() == "x"


def test_socket_is_never_replaced(tmp_path):
    """bad input: -o names a socket -> exit 2, "is a socket, not a file\""""
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="is a socket, not a file"), atomic_write(path):
            pass
        assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_missing_folder_is_refused(tmp_path):
    """bad input: -o into a folder that does not exist -> exit 2, "does not exist; create it\""""
    with (
        pytest.raises(OutputError, match=r"folder .*nope does not exist; create it"),
        atomic_write(tmp_path / "nope" / "out.csv") as handle,
    ):
        handle.write("x")


# -- check_output_paths: refusals before any work -------------------------------------


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data.csv"
    path.write_text("t,y\n1,2\n")
    return path


@pytest.mark.parametrize("spelling", ["data.csv", "./data.csv", "sub/../data.csv", "ABS"])
def test_output_that_is_the_input_is_refused_however_spelt(data, spelling):
    """bad input: -o names the input file (data.csv, ./data.csv, an absolute path) -> exit 2 before training"""
    (data.parent / "sub").mkdir()
    output = str(data) if spelling == "ABS" else spelling
    with pytest.raises(OutputError, match=f"-o {output} is also an input file; write the output elsewhere"):
        check_output_paths({"-o": output}, ["data.csv"])
    assert data.read_text() == "t,y\n1,2\n"


def test_output_through_a_symlink_or_hard_link_to_the_input_is_refused(data):
    """bad input: -o names a symlink or hard link to the input -> exit 2 before training"""
    os.symlink(data, "alias.csv")
    os.link(data, "hard.csv")
    for name in ("alias.csv", "hard.csv"):
        with pytest.raises(OutputError, match="is also an input file"):
            check_output_paths({"-o": name}, [data])


def test_model_output_over_the_model_input_is_refused(data):
    """bad input: predict -m model.fcst -o model.fcst -> exit 2, the model is not overwritten"""
    Path("model.fcst").write_bytes(b"PK")
    with pytest.raises(OutputError, match="-o model.fcst is also an input file"):
        check_output_paths({"-o": "model.fcst"}, [data, "model.fcst"], model=True)
    with pytest.raises(OutputError, match="-o model.fcst: .fcst names a model file"):
        check_output_paths({"-o": "model.fcst"}, [data, "model.fcst"])


def test_a_table_written_under_a_model_files_name_is_refused(data):
    """bad input: predict -o forecast.fcst (a table under a model file's name) -> exit 2,
    asking for a .csv name; train's model file keeps the name"""
    with pytest.raises(OutputError, match=r"\.fcst names a model file, and this writes a table"):
        check_output_paths({"-o": "forecast.fcst"}, [data])
    with pytest.raises(OutputError, match="--predictions-out p.FCST"):
        check_output_paths({"--predictions-out": "p.FCST"}, [data])
    check_output_paths({"-o": "forecast.fcst"}, [data], model=True)


def test_two_outputs_naming_one_file_are_refused(data):
    """bad input: backtest -o X --predictions-out X -> exit 2, "name the same file\""""
    with pytest.raises(OutputError, match="-o x.csv and --predictions-out ./x.csv name the same file"):
        check_output_paths({"-o": "x.csv", "--predictions-out": "./x.csv", "--plot": None}, [data])


def test_stdout_stdin_and_devices_never_conflict(data):
    check_output_paths({"-o": "-", "--predictions-out": "-"}, ["-", None])
    check_output_paths({"-o": "/dev/null", "--predictions-out": "/dev/null"}, [data])
    check_output_paths({"-o": "/dev/stdout"}, ["/dev/stdin"])


def test_good_outputs_pass_and_nothing_is_created(data):
    check_output_paths({"-o": "new.csv", "--plot": "plot.png", "--predictions-out": None}, [data])
    assert sorted(p.name for p in data.parent.iterdir()) == ["data.csv"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "-o out is a directory"),
        (lambda p: (p.write_text("x"), p.chmod(0o444)), "-o out is read-only"),
    ],
    ids=["directory", "read-only"],
)
def test_unusable_existing_target_is_refused(data, make, message):
    """bad input: -o names a directory or a read-only file -> exit 2 before training, naming option and path"""
    make(Path("out"))
    with pytest.raises(OutputError, match=message):
        check_output_paths({"-o": "out"}, [data])


def test_missing_folder_is_refused_before_work(data):
    """bad input: --plot into a missing folder -> exit 2 before training, with the mkdir fix"""
    with pytest.raises(
        OutputError, match=r"--plot figs/p.png: folder .*figs does not exist; create it \(mkdir"
    ):
        check_output_paths({"--plot": "figs/p.png"}, [data])


def test_unwritable_folder_is_refused_before_work(data, monkeypatch):
    """bad input: -o into a folder the user may not write -> exit 2 before training, "is not writable\""""
    locked = data.parent / "locked"
    locked.mkdir()
    real_access = os.access
    # Root may write anywhere, so the permission check is faked for this folder alone.
    monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == locked else real_access(p, m))
    with pytest.raises(OutputError, match=r"-o locked/f.csv: folder .*locked is not writable"):
        check_output_paths({"-o": "locked/f.csv"}, [data])


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_unwritable_folder_is_refused_for_real(data):
    locked = data.parent / "locked"
    locked.mkdir(mode=0o555)
    with pytest.raises(OutputError, match="is not writable"):
        check_output_paths({"-o": "locked/f.csv"}, [data])
