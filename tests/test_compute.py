"""The executor: serial without Dask, the same results on a Dask cluster, failures per task,
Ctrl-C cancels; per-task seeds; the thread policy."""

from __future__ import annotations

import math
import os
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forecast_cli import compute
from forecast_cli.compute import DASK_MISSING, SerialExecutor, Task, open_executor, task_seed
from forecast_cli.config import ModelConfig
from forecast_cli.dask_executor import DaskExecutor
from forecast_cli.errors import UsageError
from forecast_cli.run_config import ComputeConfig
from forecast_cli.threads import default_threads, fit_threads, worker_threads


def _tasks():
    return [Task(str(i), math.sqrt, float(i), torch=False) for i in range(6)] + [
        Task("bad", math.sqrt, -1.0, torch=False)
    ]


def test_task_seed_comes_from_base_seed_and_identity_only():
    assert task_seed(7, "") == 7  # a single unnamed series keeps the base seed
    assert task_seed(0, "MRF1") == task_seed(0, "MRF1") != task_seed(0, "MRF2")
    assert task_seed(0, "MRF1") != task_seed(1, "MRF1")
    assert task_seed(2**32 - 1, "x") < 2**32


def test_a_failing_task_is_reported_and_the_others_finish():
    out = SerialExecutor().run(_tasks())
    assert list(out.results) == [str(i) for i in range(6)]
    assert out.failures == {"bad": "ValueError: math domain error"}


def test_dask_gives_the_serial_results_in_task_order(dask_client):
    seen = []
    out = DaskExecutor(dask_client).run(_tasks(), on_progress=lambda p: seen.append((p.done, p.failed)))
    serial = SerialExecutor().run(_tasks())
    assert list(out.results.items()) == list(serial.results.items())
    assert out.failures == serial.failures
    assert seen[-1] == (6, 1)


def test_ctrl_c_cancels_the_outstanding_tasks(dask_client):
    def interrupt(progress):
        raise KeyboardInterrupt

    tasks = [Task(str(i), time.sleep, 0.3, torch=False) for i in range(8)]
    with pytest.raises(KeyboardInterrupt):
        DaskExecutor(dask_client).run(tasks, on_progress=interrupt)
    time.sleep(0.2)
    assert not dask_client.futures
    assert not any(dask_client.processing().values())


def test_asking_for_workers_without_dask_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with (
        pytest.raises(UsageError, match=r"pip install 'forecast-cli\[dask\]'"),
        open_executor(ComputeConfig(workers=2)),
    ):
        pass
    assert DASK_MISSING.count("\n") == 0


def test_one_worker_is_serial():
    with open_executor(ComputeConfig()) as executor:
        assert isinstance(executor, SerialExecutor)


def test_workers_share_the_cores_and_small_networks_get_one_thread():
    assert worker_threads(1, 2) == 2
    assert worker_threads(2, 2) == 1
    assert worker_threads(3, 2) == 1
    assert worker_threads(2, 16) == 8
    assert default_threads(hidden=64, layers=1) == 1


def _interrupt_handler(_payload) -> str:
    import signal

    handler = signal.getsignal(signal.SIGINT)
    return "SIG_IGN" if handler == signal.SIG_IGN else str(handler)


def test_a_small_network_fits_on_one_thread_on_every_worker_count():
    """On 16 cores, 2 workers used to give each small fit 8 threads, and results that
    differed from 1 worker's in the last digits. Now its fits set 1 thread wherever
    they run; a large network takes the host's share, and --threads wins over both."""
    assert fit_threads(None, hidden=64, layers=2) == 1
    assert fit_threads(None, hidden=256, layers=1) is None
    assert fit_threads(3, hidden=64, layers=1) == 3
    with open_executor(ComputeConfig(workers=2), warm=False, network=ModelConfig(hidden=64)) as executor:
        assert executor.threads == 1
        seen = executor.run([Task(str(i), _torch_threads, None) for i in range(2)])
        assert list(seen.results.values()) == [1, 1]
        # a terminal's Ctrl-C reaches every process of the group: the workers leave it to
        # this one, which cancels and closes (each printed its own tracebacks)
        handlers = executor.run([Task(str(i), _interrupt_handler, None) for i in range(2)])
        assert list(handlers.results.values()) == ["SIG_IGN", "SIG_IGN"]
    with open_executor(ComputeConfig(), network=ModelConfig(hidden=512)) as executor:
        assert executor.threads is None
    with open_executor(ComputeConfig(threads=2), network=ModelConfig(hidden=64)) as executor:
        assert executor.threads == 2


def test_on_a_many_core_host_only_a_large_network_takes_the_hosts_share(dask_client, monkeypatch):
    """8 cores, 2 task slots (the thread-based test cluster, so the patch reaches its
    workers): a large network's fits take 8 // 2 threads, a small one's 1, as
    ``open_executor`` chooses for each; the 2-core machine alone could not tell them apart."""
    from forecast_cli.threads import set_torch_threads

    monkeypatch.setattr(compute, "available_cores", lambda: 8)
    try:
        for hidden, expected in ((64, 1), (512, 4)):
            executor = DaskExecutor(dask_client, fit_threads(None, hidden=hidden, layers=1))
            seen = executor.run([Task(str(i), _torch_threads, None) for i in range(2)])
            assert list(seen.results.values()) == [expected, expected]
    finally:
        set_torch_threads(1)  # torch's thread count is per process: restore the suite's


def _torch_threads(_payload) -> int:
    import torch

    return torch.get_num_threads()


@given(st.integers(0, 3000), st.integers(1, 200))
def test_batches_cover_tasks_in_order_and_keep_every_slot_busy(n_tasks, slots):
    groups = compute.batches(n_tasks, slots)
    assert [i for g in groups for i in g] == list(range(n_tasks))
    assert len(groups) >= min(n_tasks, slots)  # two big fits still run side by side
    assert len(groups) <= max(min(n_tasks, slots), slots * compute.BATCHES_PER_SLOT)
    if len(groups) > slots:  # extra batches only when each still holds a few tasks
        assert min(len(g) for g in groups) >= compute.MIN_TASKS_PER_BATCH


def test_local_cluster_workers_run_without_the_profiler_and_on_a_free_port(monkeypatch):
    """Dask's per-worker profiler samples every 10 ms and took CPU from the fits; our local
    cluster turns it off in the worker processes themselves. Nor do its workers get Dask's
    MALLOC_TRIM_THRESHOLD_, with which the same fits ran 35% slower."""
    import dask

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with open_executor(ComputeConfig(workers=2), warm=False) as executor:
        assert isinstance(executor, DaskExecutor)
        seen = executor.client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
        assert len(seen) == 2 and not any(seen.values())
        trim = executor.client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        assert list(trim.values()) == [None, None]
    assert dask.config.get("distributed.worker.profile.enabled")  # this process's config is untouched


def test_a_run_that_repeats_the_last_runs_payloads_loses_nothing(dask_client):
    """Payloads scattered by content share a key with the previous run's copy, whose release
    can reach the scheduler after the new scatter: the run then failed on "lost data"
    (seen once in the suite). Each scatter has its own keys now."""
    executor = DaskExecutor(dask_client, 1)
    for _ in range(25):
        seen = executor.run([Task(str(i), _torch_threads, None) for i in range(2)])
        assert not seen.failures and len(seen.results) == 2


def test_an_interrupt_while_the_cluster_starts_mutes_dask_for_the_rest_of_the_process(monkeypatch):
    """Half-started nannies log their failures as they are collected at exit, after our one
    line: Dask, tornado and asyncio stay muted once a start-up is interrupted (the mute was
    undone by the quiet context around it, which put the levels back)."""
    import logging

    from forecast_cli import dask_executor

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(dask_executor, "local_cluster", interrupted)
    names = ("distributed", "tornado", "asyncio")
    before = {n: logging.getLogger(n).level for n in names}
    try:
        with pytest.raises(KeyboardInterrupt), open_executor(ComputeConfig(workers=2)):
            pass
        assert {n: logging.getLogger(n).level for n in names} == dict.fromkeys(names, logging.CRITICAL + 1)
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


def test_a_scheduler_address_where_nothing_listens_is_refused_at_once():
    """bad input: --scheduler at a port where nothing listens -> the one-line usage error at
    once, from our check before Dask's client (which retried the refused connection for its
    whole 10 s timeout)"""
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    refused = rf"cannot reach the Dask scheduler at {address} \(.*nothing listens there\); check --scheduler"
    with pytest.raises(UsageError, match=refused), open_executor(ComputeConfig(scheduler=address)):
        pass
