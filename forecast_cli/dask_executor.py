"""Tasks on a Dask cluster: the executor ``compute.open_executor`` returns for ``--workers
N`` (a local cluster of N single-threaded worker processes) or ``--scheduler ADDRESS``.
Imported only when one is asked for, so a serial run never imports Dask.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from .compute import (
    Failed,
    Outcome,
    Task,
    TaskProgress,
    batches,
    count_result,
    one_line,
    run_batch,
    store_result,
)


class DaskExecutor:
    """Runs tasks on a ``distributed.Client``: payloads scattered once, results as they finish."""

    def __init__(self, client: Any, threads: int | None = None, startup_seconds: float = 0.0):
        self.client, self.threads, self.startup_seconds = client, threads, startup_seconds
        workers = client.scheduler_info().get("workers", {})
        self.slots: dict[str, int] = {}
        for address, info in workers.items():
            host = address.rsplit(":", 1)[0]
            self.slots[host] = self.slots.get(host, 0) + int(info.get("nthreads", 1))
        self.workers = max(1, sum(self.slots.values()))
        self.description = f"on {len(workers)} Dask worker(s) ({self.workers} task slots)"

    def run(
        self,
        tasks: list[Task],
        on_progress: Callable[[TaskProgress], None] | None = None,
    ) -> Outcome:
        from distributed import as_completed

        out, progress, t0 = Outcome(), TaskProgress(len(tasks)), time.perf_counter()
        if not tasks:
            return out
        groups = batches(len(tasks), self.workers)
        # one scattered payload per batch: each task's data travels once, with its batch.
        # hash=False: keys by content would let a run that repeats an earlier run's payloads
        # meet the release of the earlier copy ("computation on lost data"), and fail.
        payloads = self.client.scatter(
            [[(tasks[i].fn, tasks[i].payload, tasks[i].torch) for i in g] for g in groups], hash=False
        )
        futures = [
            self.client.submit(run_batch, data, self.threads, self.slots, pure=False) for data in payloads
        ]
        group_of = {f.key: g for f, g in zip(futures, groups, strict=True)}
        values: dict[str, Any] = {}
        try:
            progress.running = min(self.workers, len(groups))
            for future in as_completed(futures):
                group = group_of[future.key]
                try:
                    got = future.result()
                except Exception as exc:  # KilledWorker after repeated worker deaths, lost data
                    got = [Failed(one_line(exc), None)] * len(group)
                for i, value in zip(group, got, strict=True):
                    values[tasks[i].key] = value
                    count_result(progress, value)  # results are stored in task order below
                progress.running = min(self.workers, len(groups) - sum(f.done() for f in futures))
                progress.elapsed = time.perf_counter() - t0
                if on_progress:
                    on_progress(progress)
        except BaseException:
            self.client.cancel([*futures, *payloads], force=True)
            raise
        for task in tasks:
            store_result(out, task.key, values[task.key])
        out.seconds = time.perf_counter() - t0
        return out


_LOCAL_CLUSTER_CONFIG = {
    # Each worker samples its own stack every 10 ms for Dask's profiler, and every process
    # polls its CPU and memory twice a second for the dashboard we do not start: on the
    # 2-core machine both took CPU from the fits (worker CPU 8.1 against 8.4 s, wall 8.8
    # against 9.6 s, three interleaved runs of the M1 monthly --local backtest).
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (to hand freed memory
    # back to the OS). Setting it at all turns off glibc's adaptive mmap threshold, so every
    # tensor over 128 KiB is mapped and unmapped anew at each step of a fit: the same fits
    # ran 35% slower in one plain process (M1 monthly, 200 series: 9.2 against 12.4 s, and
    # 12.2-13.3 s with a 1 GiB threshold), most of what a worker cost beyond the serial path.
    # A value the user exported still reaches the workers: they inherit this environment.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.preload": [__name__],  # dask_setup below: Ctrl-C is ours alone
}


def local_cluster(distributed: Any, workers: int) -> Any:
    """N single-threaded worker processes on loopback, quiet and without a dashboard.

    Each worker ignores Ctrl-C from its first moments (``dask_setup``, its preload): a
    terminal's Ctrl-C reaches the whole process group, and each worker printed its own
    tracebacks, 4 to 6 and up to 93 lines, above our one line. This process takes the
    Ctrl-C, cancels the tasks and closes the cluster, which ends the workers."""
    import dask

    with dask.config.set(_LOCAL_CLUSTER_CONFIG):  # the nannies hand it to their workers
        return distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # the scheduler's HTTP server (health routes) starts even without a dashboard,
            # on 8787 unless told: a free loopback port, so no "Port 8787 is already in
            # use" warning when another cluster holds it
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


def dask_setup(worker: Any) -> None:
    """A local worker's preload (run in its main thread as it starts): Ctrl-C ignored, as
    the process that started the cluster handles it. Not set by blocking or ignoring the
    signal in that process while it spawns them: a blocked mask did not reach the workers,
    and an ignored signal lost a Ctrl-C pressed during the start-up."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def warm_up() -> None:
    """Import torch and the model code in a worker, so the first task does not pay for it
    and start-up is reported apart from work."""
    from . import forecaster  # noqa: F401  (the import is the point)


@contextlib.contextmanager
def quiet_dask() -> Iterator[None]:
    """Dask logs connection chatter at INFO/WARNING on stderr; ours is the only voice there."""
    loggers = [logging.getLogger(name) for name in ("distributed", "tornado")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def mute_dask() -> None:
    """Silence Dask, tornado and asyncio for the rest of this process: an interrupt in the
    cluster's start-up leaves half-started nannies whose failures ("Nanny failed to start",
    "Task exception was never retrieved") are logged as they are collected at exit, after
    our one line."""
    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def refuse_closed_port(address: str) -> None:
    """Raise ``ConnectionRefusedError`` at once where nothing listens at a TCP scheduler's
    address: Dask's client retried a refused connection for its whole 10 s timeout. A host
    that does not answer, or another protocol, is left to Dask's own timeout."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname:
        return
    try:
        with socket.create_connection((parts.hostname, parts.port or 8786), timeout=1.0):
            return
    except ConnectionRefusedError:
        raise ConnectionRefusedError("nothing listens there") from None
    except (OSError, ValueError):  # a timeout, an unknown host, a bad port: Dask says what it finds
        return
