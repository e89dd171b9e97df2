"""Run a list of independent tasks in this process, on a local Dask cluster, or on a
remote Dask scheduler, with one interface.

A task is a module-level function of one payload (the data it needs and nothing more: a
series, or a fold's rows), so the same call runs serially or on any worker. Its seed, if
it has one, is in the payload and derives from the base seed and the task's identity
(``task_seed``), never from the order tasks happen to run in; 1 worker, N workers and a
cluster therefore give the same results.

- ``--workers 1`` (the default) runs the tasks here, one after another, and never imports
  Dask: today's behaviour and speed.
- ``--workers N`` starts ``dask.distributed.LocalCluster`` with N single-threaded worker
  processes on loopback; ``--scheduler ADDRESS`` (or ``$FORECAST_SCHEDULER``) connects to a
  running cluster instead. Payloads are scattered once each, results gathered as they
  finish; tasks travel in batches (``batches``), since one short fit costs about what
  Dask spends on a task. A worker that dies has its tasks rerun elsewhere by Dask (up to the scheduler's
  ``allowed-failures``).
- A task that raises does not stop the others: ``Outcome.failures`` names it with a
  one-line reason, and the caller decides (skip the series and exit ``PARTIAL``, or raise).
- Ctrl-C cancels the outstanding futures and closes the client and any local cluster.
- Each task sets torch's intra-op threads before it runs (``threads.fit_threads``): the
  ``--threads`` value, else 1 for a small network, else the worker host's cores divided
  by the task slots on it.
"""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from .errors import ForecastError, Terminated, UsageError
from .run_config import ComputeConfig
from .threads import available_cores, fit_threads, set_torch_threads

if TYPE_CHECKING:
    from .dask_executor import DaskExecutor

DASK_MISSING = "--workers and --scheduler need Dask: pip install 'forecast-cli[dask]'"


def task_seed(base: int, identity: str) -> int:
    """The seed of the task named ``identity``: CRC-32 of its name started from ``base``.

    Stable across processes and Python versions (unlike ``hash``); the empty identity (a
    single unnamed series) keeps the base seed itself.
    """
    return zlib.crc32(identity.encode("utf-8"), base & 0xFFFFFFFF) & 0xFFFFFFFF


@dataclass(frozen=True)
class Task:
    """One unit of independent work: ``fn(payload)``; ``key`` names it in messages."""

    key: str
    fn: Callable[..., Any]
    payload: Any
    torch: bool = True  # set torch threads before running (False: downloads, baselines)


@dataclass
class TaskProgress:
    """Counts for the aggregated progress line."""

    total: int
    done: int = 0
    failed: int = 0
    running: int = 0
    elapsed: float = 0.0

    @property
    def seconds_left(self) -> float | None:
        finished = self.done + self.failed
        if not finished:
            return None
        return self.elapsed / finished * (self.total - finished)


@dataclass
class Outcome:
    """Results by task key (in task order), failures by key with their one-line reason."""

    results: dict[str, Any] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    errors: dict[str, BaseException] = field(default_factory=dict)  # the exception, when it travelled
    seconds: float = 0.0

    def raise_first(self) -> None:
        """For all-or-nothing callers: re-raise the first failure as it was raised."""
        for key, reason in self.failures.items():
            exc = self.errors.get(key)
            if isinstance(exc, ForecastError):
                raise exc
            raise ForecastError(f"{key}: {reason}")


@dataclass(frozen=True)
class Failed:
    reason: str
    error: BaseException | None


def one_line(exc: BaseException) -> str:
    """The exception as one line: our messages as they are, others with their type."""
    text = str(exc) if isinstance(exc, ForecastError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split()) or type(exc).__name__


BATCHES_PER_SLOT = 64
MIN_TASKS_PER_BATCH = 4
"""Batching (``batches``): one Dask task per small fit cost as much as the fit (617
M1 series on 2 workers ran 2.3x slower than on 1), while 8 batches per slot left one worker
idle at the end (worker CPU 7.9 s against 6.8 s); 64 per slot, of at least 4 tasks each,
kept both busy to the end (6.1 s each; benchmarks/RESULTS.md, "Dask")."""
_TORCH_LOCK = threading.Lock()
"""torch's random generator is per process: two fits seeding it at once in two threads of
one worker would draw from each other's stream. Fits in one process therefore take turns
(a worker gets its parallelism from processes and torch's intra-op threads instead)."""


def run_task(fn: Callable[..., Any], payload: Any, threads: int | None, slots: dict[str, int], torch: bool):
    """What a worker runs: set the thread count, call ``fn``, turn an exception into ``Failed``."""
    try:
        if not torch:
            return fn(payload)
        with _TORCH_LOCK:
            set_torch_threads(threads or _threads_here(slots))
            return fn(payload)
    except Exception as exc:  # reported per task; KeyboardInterrupt still stops everything
        return Failed(one_line(exc), exc if _travels(exc) else None)


def run_batch(items: list[tuple[Callable[..., Any], Any, bool]], threads: int | None, slots: dict[str, int]):
    """Several tasks in one Dask task, each with its own outcome: a fit of one short series
    takes tens of milliseconds, about what Dask spends to schedule and ship one task."""
    return [run_task(fn, payload, threads, slots, torch) for fn, payload, torch in items]


def batches(
    n_tasks: int, slots: int, per_slot: int = BATCHES_PER_SLOT, least: int = MIN_TASKS_PER_BATCH
) -> list[range]:
    """Task index ranges: about ``per_slot`` batches for each task slot (enough for the
    fast ones to take more while a slow one finishes), each of at least ``least`` tasks
    where there are that many, so Dask's cost per task stays small beside the work; but
    never fewer batches than slots while there are tasks for them (two big fits, such as
    ``--models lstm,gru``, still run side by side)."""
    count = max(1, min(n_tasks, slots), min(n_tasks // max(1, least), slots * per_slot))
    bounds = [round(k * n_tasks / count) for k in range(count + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _threads_here(slots: dict[str, int]) -> int:
    """This worker host's cores divided by the task slots the cluster has on it."""
    try:
        from distributed import get_worker

        host = get_worker().address.rsplit(":", 1)[0]
    except (ImportError, ValueError):
        return 1
    return max(1, available_cores() // max(1, slots.get(host, 1)))


def _travels(exc: BaseException) -> bool:
    """Whether the exception pickles (so it can come back from a worker as it was)."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True


class SerialExecutor:
    """Runs tasks here, in order. Imports nothing it does not need."""

    workers = 1
    startup_seconds = 0.0
    description = "in this process"

    def __init__(self, threads: int | None = None):
        self.threads = threads

    def run(
        self,
        tasks: list[Task],
        on_progress: Callable[[TaskProgress], None] | None = None,
    ) -> Outcome:
        out, progress, t0 = Outcome(), TaskProgress(len(tasks)), time.perf_counter()
        for task in tasks:
            progress.running = 1
            if task.torch and self.threads:
                set_torch_threads(self.threads)
            try:
                value = task.fn(task.payload)
            except Exception as exc:
                value = Failed(one_line(exc), exc)
            store_result(out, task.key, value)
            count_result(progress, value)
            progress.running, progress.elapsed = 0, time.perf_counter() - t0
            if on_progress:
                on_progress(progress)
        out.seconds = time.perf_counter() - t0
        return out


def store_result(out: Outcome, key: str, value: Any) -> None:
    """A task's result, or its failure (the one-line reason, and the error if it travelled)."""
    if isinstance(value, Failed):
        out.failures[key] = value.reason
        if value.error is not None:
            out.errors[key] = value.error
    else:
        out.results[key] = value


def count_result(progress: TaskProgress, value: Any) -> None:
    if isinstance(value, Failed):
        progress.failed += 1
    else:
        progress.done += 1


Executor: TypeAlias = "SerialExecutor | DaskExecutor"


@contextlib.contextmanager
def open_executor(compute: ComputeConfig, warm: bool = True, network: Any = None) -> Iterator[Executor]:
    """The executor ``compute`` asks for; a local cluster is closed on the way out, Ctrl-C
    included. ``warm``: import the model code on every worker before any task runs.
    ``network``: the ``ModelConfig`` of the fits it will run, whose size sets their threads
    (``threads.fit_threads``); None: ``--threads`` alone."""
    threads = (
        compute.threads if network is None else fit_threads(compute.threads, network.hidden, network.layers)
    )
    if not compute.distributed:
        yield SerialExecutor(threads)
        return
    try:
        import distributed
    except ImportError:
        raise UsageError(DASK_MISSING) from None
    from .dask_executor import DaskExecutor, local_cluster, mute_dask, quiet_dask, refuse_closed_port, warm_up

    t0 = time.perf_counter()
    cluster = None
    with _muting_on_interrupt(mute_dask), quiet_dask():  # muted after quiet_dask restores levels
        if compute.scheduler:
            try:
                refuse_closed_port(compute.scheduler)
                client = distributed.Client(compute.scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise UsageError(
                    f"cannot reach the Dask scheduler at {compute.scheduler} ({one_line(exc)}); "
                    "check --scheduler or FORECAST_SCHEDULER"
                ) from None
        else:
            cluster = local_cluster(distributed, compute.workers)
            client = distributed.Client(cluster)
        if warm:
            client.run(warm_up)
    try:
        with _muting_on_interrupt(mute_dask):
            yield DaskExecutor(client, threads, time.perf_counter() - t0)
    finally:
        with quiet_dask():
            client.close()
            if cluster is not None:
                cluster.close()


@contextlib.contextmanager
def _muting_on_interrupt(mute: Callable[[], None]) -> Iterator[None]:
    """``mute`` (Dask's logs, for good) when Ctrl-C or a stop signal ends the work: what
    Dask logs while it is torn down is not the user's business, our one line is."""
    try:
        yield
    except (KeyboardInterrupt, Terminated):
        mute()
        raise
