"""Options declared once: every command's options have help, choices complete, flags mean
one thing, --config files apply under flags, environment defaults show, start-up is light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from enum import Enum
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from forecast_cli.cli import app
from forecast_cli.config import ForecastConfig, ModelConfig
from forecast_cli.errors import UsageError

from .conftest import FAST_TRAIN

runner = CliRunner()
COMMANDS = ("train", "predict", "backtest", "fetch", "info")


def _command(name: str):
    return typer.main.get_command(app).commands[name]


def _choices(param) -> list[str] | None:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [member.value for member in annotation]
    return None


def test_help_lists_the_commands_in_the_workflow_order():
    assert tuple(typer.main.get_command(app).commands) == COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help_and_every_choice_completes(name):
    command = _command(name)
    ctx = typer.Context(command)
    for param in command.params:
        if param.hidden:
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{name} {param.name} has no help"
        if _choices(param) is not None:
            offered = [item.value for item in param.shell_complete(ctx, "")]
            assert offered == _choices(param), f"{name} {param.name} does not complete its choices"


def test_the_models_list_completes_after_a_comma():
    param = next(p for p in _command("backtest").params if p.name == "models")
    offered = [item.value for item in param.shell_complete(typer.Context(_command("backtest")), "lstm,se")]
    assert offered == ["lstm,seasonal-naive"]


@pytest.mark.parametrize("name", COMMANDS)
def test_no_flag_is_declared_twice_and_h_is_help(name):
    flags = [opt for p in _command(name).params for opt in (*p.opts, *p.secondary_opts)]
    assert len(flags) == len(set(flags))
    result = runner.invoke(app, [name, "-h"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_model_means_a_file_and_cell_means_the_network_kind():
    train_flags = {opt for p in _command("train").params if not p.hidden for opt in p.opts}
    assert "--cell" in train_flags and "--model" not in train_flags
    assert "--model" in {opt for p in _command("predict").params for opt in p.opts}


def test_deprecated_model_and_stride_still_work_with_a_warning(tmp_path, sample):
    out = tmp_path / "m.fcst"
    args = ["train", str(sample / "airpassengers.csv"), "--model", "gru", "--stride", "2", "-o", str(out)]
    result = runner.invoke(app, [*args, *FAST_TRAIN[:-1]])
    assert result.exit_code == 0, result.stderr
    assert "--model is deprecated; use --cell" in result.stderr
    assert "--stride is deprecated; use --window-stride" in result.stderr
    info = runner.invoke(app, ["info", str(out), "--format", "config"])
    config = tomllib.loads(info.stdout)
    assert config["cell"] == "gru" and config["window-stride"] == 2


def test_backtest_origin_stride_no_longer_resets_the_training_stride(sample):
    args = ["backtest", str(sample / "airpassengers.csv"), "--models", "naive", "-f", "json", "-q"]
    result = runner.invoke(app, [*args, "--origin-stride", "3", "--window-stride", "2"])
    assert result.exit_code == 0, result.stderr
    import json

    payload = json.loads(result.stdout)
    assert payload["config"]["origin_stride"] == 3


def test_config_file_applies_and_flags_override_it(tmp_path, sample):
    config = tmp_path / "run.toml"
    config.write_text('horizon = 6\nlookback = 12\ncell = "gru"\nfeatures = []\nhidden = 8\nepochs = 2\n')
    out = tmp_path / "m.fcst"
    data = str(sample / "airpassengers.csv")
    result = runner.invoke(
        app, ["train", data, "--config", str(config), "--horizon", "3", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.stderr
    info = tomllib.loads(runner.invoke(app, ["info", str(out), "-f", "config"]).stdout)
    assert (info["horizon"], info["lookback"], info["cell"], info["hidden"]) == (3, 12, "gru", 8)


def test_a_true_in_the_config_file_is_turned_off_by_its_no_flag(tmp_path, sample):
    """`local = true` (or quiet, offline...) in a file could not be overridden: there was no
    --no-local, though flags beat the file."""
    config = tmp_path / "run.toml"
    config.write_text("local = true\nhidden = 8\nepochs = 2\n")
    out = tmp_path / "m.fcst"
    args = ["train", str(sample / "airpassengers.csv"), "--config", str(config), "--no-local", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "--no-local overrides local = true" in result.stderr
    info = tomllib.loads(runner.invoke(app, ["info", str(out), "-f", "config"]).stdout)
    assert info["local"] is False


def test_stderr_says_which_config_keys_a_flag_or_the_environment_overrode(tmp_path, sample):
    """The documented order (flag > environment > file) took ``--horizon 3`` over the
    file's ``horizon = 6`` without a word, so the file read as what ran. A key overridden
    with a different value gets one line naming both; one given the same value, none."""
    config = tmp_path / "run.toml"
    config.write_text("horizon = 6\nlevel = [80, 90]\nseed = 3\nbaselines = false\nhidden = 8\nepochs = 1\n")
    args = ["backtest", str(sample / "airpassengers.csv"), "--config", str(config), "-k", "1"]
    result = runner.invoke(
        app,
        [*args, "--horizon", "3", "--level", "80,90", "--baselines"],
        env={"FORECAST_SEED": "4"},
    )
    assert result.exit_code == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if " overrides " in line]
    assert sorted(said) == sorted(
        [
            f"--horizon 3 overrides horizon = 6 in {config}",
            f"FORECAST_SEED=4 in the environment overrides seed = 3 in {config}",
            f"--baselines overrides baselines = false in {config}",
        ]
    )
    quiet = runner.invoke(app, [*args, "--horizon", "3", "-q"])
    assert quiet.exit_code == 0 and " overrides " not in quiet.stderr


def test_info_config_repeats_the_run_exactly(tmp_path, sample):
    data = str(sample / "airpassengers.csv")
    first, second = tmp_path / "a.fcst", tmp_path / "b.fcst"
    assert runner.invoke(app, ["train", data, *FAST_TRAIN, "--cell", "gru", "-o", str(first)]).exit_code == 0
    (tmp_path / "run.toml").write_text(runner.invoke(app, ["info", str(first), "-f", "config"]).stdout)
    result = runner.invoke(
        app, ["train", data, "--config", str(tmp_path / "run.toml"), "-q", "-o", str(second)]
    )
    assert result.exit_code == 0, result.stderr
    a = runner.invoke(app, ["predict", "-m", str(first), "-f", "csv"]).stdout
    b = runner.invoke(app, ["predict", "-m", str(second), "-f", "csv"]).stdout
    assert a == b and a.count("\n") == 13


@pytest.mark.parametrize(
    "text, message",
    [
        ("horizonn = 3\n", "unknown option 'horizonn'"),
        ("[train]\nhorizon = 3\n", "write flat keys"),
        ("horizon = \n", "not valid TOML"),
        ("epochs = true\n", "run.toml: epochs = true must be a value, not true or false"),  # was 1 epoch
        ('epochs = "two"\n', "run.toml: epochs = 'two' is not a whole number"),
        ('lr = "fast"\n', "run.toml: lr = 'fast' is not a number"),
        ("quiet = 1\n", "run.toml: quiet = 1 must be true or false"),
        ('cell = "xyz"\n', "run.toml: cell = 'xyz'"),
        ('config = "other.toml"\n', "a config file does not name another"),  # was silently ignored
        # an array's items were joined and split again at commas: one id became two
        (
            'ids = ["Store 1,2", "B"]\n',
            "run.toml: ids item 'Store 1,2' holds a comma, which separates values; "
            "list such ids one per line in an --ids-file",
        ),
        (
            'features = ["a,b"]\n',
            "run.toml: features item 'a,b' holds a comma, which separates values; rename that column",
        ),
    ],
)
def test_bad_config_files_are_usage_errors(tmp_path, sample, text, message):
    config = tmp_path / "run.toml"
    config.write_text(text)
    args = ["train", str(sample / "airpassengers.csv"), "--config", str(config)]
    result = runner.invoke(app, args, env={"COLUMNS": "400"})
    assert result.exit_code == 2 and message in result.stderr


def test_config_from_standard_input_is_refused_saying_so(sample):
    """bad input: --config - -> exit 2, "reads a file, not standard input" (it said "cannot read -: No such file or directory")"""
    args = ["train", str(sample / "airpassengers.csv"), "--config", "-"]
    result = runner.invoke(app, args, input="horizon = 3\n", env={"COLUMNS": "400"})
    assert result.exit_code == 2 and "reads a file, not standard input (which is for DATA)" in result.stderr


def test_config_keys_of_other_commands_are_accepted(tmp_path, sample):
    config = tmp_path / "run.toml"
    config.write_text('folds = 2\nmodels = ["naive"]\ncell = "gru"\n')  # cell is train's; harmless here
    result = runner.invoke(
        app, ["backtest", str(sample / "airpassengers.csv"), "--config", str(config), "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("model,") and "naive" in result.stdout


def test_a_config_files_cell_is_the_network_backtest_runs_unless_it_names_models(tmp_path, sample):
    """A file written for train (cell = "gru") backtested an lstm: backtest has no --cell and
    its --models defaulted to lstm. The file's cell is now the model; --models still wins."""
    config = tmp_path / "run.toml"
    config.write_text('folds = 1\ncell = "gru"\nepochs = 2\nhidden = 8\n')
    args = ["backtest", str(sample / "airpassengers.csv"), "--config", str(config), "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    echoed = json.loads(result.stdout)["config"]
    assert echoed["models"][0] == "gru"
    # the echo named the base cell (lstm) beside models = gru; the cells are in models only
    assert "cell" not in echoed["model"] and echoed["model"]["hidden"] == 8
    result = runner.invoke(app, [*args, "--models", "naive"])
    assert result.exit_code == 0 and json.loads(result.stdout)["config"]["models"][0] == "naive"


def test_a_config_files_models_is_the_network_train_fits_and_a_bom_is_read(tmp_path, sample):
    """The other direction: a file written for backtest (models = "gru") trained an LSTM, as
    train has no --models; its first network is now train's cell, and --cell still wins. A
    file saved with a byte-order mark (Notepad) was 'Invalid statement (line 1, column 1)'."""
    config = tmp_path / "run.toml"
    config.write_bytes('models = ["naive", "gru", "lstm"]\nepochs = 1\nhidden = 8\n'.encode("utf-8-sig"))
    model = tmp_path / "m.fcst"
    args = ["train", str(sample / "airpassengers.csv"), "--config", str(config), "-o", str(model), "-q"]
    assert runner.invoke(app, args).exit_code == 0
    info = runner.invoke(app, ["info", str(model), "-f", "json"])
    assert json.loads(info.stdout)["cell"] == "gru"
    assert runner.invoke(app, [*args, "--cell", "rnn"]).exit_code == 0
    assert json.loads(runner.invoke(app, ["info", str(model), "-f", "json"]).stdout)["cell"] == "rnn"


def test_environment_defaults_are_shown_in_help_and_used():
    help_text = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200"}).stdout
    assert "FORECAST_SEED" in help_text and "FORECAST_DEVICE" in help_text
    assert "FORECAST_CACHE_DIR" in runner.invoke(app, ["fetch", "--help"], env={"COLUMNS": "200"}).stdout


def test_environment_seed_out_of_range_is_one_line_exit_2(sample):
    result = runner.invoke(app, ["train", str(sample / "airpassengers.csv")], env={"FORECAST_SEED": "-1"})
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --seed must be at least 0 and at most 4294967295, got -1 "
        "(set by FORECAST_SEED in the environment)"
    )


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_learning_rate_is_refused_before_training(sample, value):
    result = runner.invoke(app, ["train", str(sample / "airpassengers.csv"), "--lr", value])
    assert result.exit_code == 2 and "--lr must be a finite number" in result.stderr


def test_config_validation_names_the_flag():
    cfg = ForecastConfig(model=ModelConfig(cell="transformer"))
    with pytest.raises(UsageError, match="--cell 'transformer' is not one of: lstm, gru, rnn"):
        cfg.validate()


def test_completion_script_is_offered(monkeypatch):
    # typer finds the shell from the process tree (shellingham), which a test run started
    # outside a shell does not have: name it, so the test checks our CLI, not its parent
    monkeypatch.setattr(typer.completion, "_get_shell_name", lambda: "bash")
    result = runner.invoke(app, ["--show-completion"])
    assert result.exit_code == 0 and "_FORECAST_COMPLETE" in result.stdout


def test_shell_completion_answers_with_choices():
    env = {
        **os.environ,
        "_FORECAST_COMPLETE": "complete_bash",
        "COMP_WORDS": "forecast train --cell ",
        "COMP_CWORD": "3",
    }
    script = Path(sys.executable).parent / "forecast"  # completion keys on the program's name
    out = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["lstm", "gru", "rnn"]


@pytest.mark.parametrize("args", [[name, "--help"] for name in COMMANDS] + [["info", "MODEL"]])
def test_help_and_info_start_without_torch(args, tmp_path, sample):
    """--help of every command, and info on a real model file, never import torch or matplotlib."""
    if args == ["info", "MODEL"]:
        model = tmp_path / "m.fcst"
        runner.invoke(app, ["train", str(sample / "airpassengers.csv"), *FAST_TRAIN, "-o", str(model)])
        args = ["info", str(model), "-f", "json"]
    code = (
        "import sys; from typer.testing import CliRunner; from forecast_cli.cli import app;"
        f"r = CliRunner().invoke(app, {args!r});"
        "print(r.exit_code, 'torch' in sys.modules, 'matplotlib' in sys.modules, 'dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["0", "False", "False", "False"], out.stderr


def test_baseline_only_backtest_does_not_import_torch(sample):
    code = (
        "import sys; from typer.testing import CliRunner; from forecast_cli.cli import app;"
        f"r = CliRunner().invoke(app, ['backtest', {str(sample / 'airpassengers.csv')!r}, '--models', 'naive', '-f', 'csv']);"
        "print(r.exit_code, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["0", "False"], out.stderr


def test_bracketed_words_in_option_help_survive_the_terminal_markup():
    """'Needs the [dask] extra' was shown as 'Needs the  extra': rich read [dask] as markup."""
    result = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "300", "TERMINAL_WIDTH": "300"})
    assert "Needs the [dask] extra" in result.stdout
