"""How many torch threads a fit uses, so torch's intra-op threads and Dask's workers do not
fight over the cores.

Measured on the 2-core development machine (``benchmarks/threads.py``, results in
``benchmarks/RESULTS.md``): for the small recurrent networks here (64 hidden units by
default) a second intra-op thread is 1.3x to 1.5x faster on an idle machine, but 2x slower
when another process holds a core, because the two threads then wait on each other at
every operation; and its results are not always bit-identical to one thread's. Hence:
- a small network: 1 thread, in one process and on every worker alike, so a result does
  not depend on the worker count. Measured on a 16-core machine before this rule: 2
  workers gave each fit 8 threads and 8 workers 2, which changed the M1 ``--local``
  metrics in their last digits, for no speed (2 workers: 41.9 s at 8 threads, 41.1 s at 1);
- a larger network: in one process the cores free to it (its CPU affinity, less the cores
  the load average says are busy); on N workers sharing C cores ``max(1, C // N)`` each;
- ``--threads`` overrides both (``--threads 2`` for speed on a machine that is yours).
"""

from __future__ import annotations

import os

SMALL_NETWORK_UNITS = 128
"""Hidden units x layers up to which one thread is the default (see the module docstring)."""


def available_cores() -> int:
    """Cores this process may run on (its affinity mask, which containers and ``taskset`` set)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def free_cores() -> int:
    """Available cores less those the 1-minute load average says other work keeps busy."""
    cores = available_cores()
    try:
        busy = int(os.getloadavg()[0])
    except (AttributeError, OSError):
        busy = 0
    return max(1, cores - busy)


def worker_threads(workers: int, cores: int | None = None) -> int:
    """Threads per worker when ``workers`` processes share ``cores``: ``max(1, C // N)``."""
    return max(1, (cores or available_cores()) // max(1, workers))


def default_threads(hidden: int, layers: int) -> int:
    """Threads for a fit in this process when nothing says otherwise."""
    if hidden * layers <= SMALL_NETWORK_UNITS:
        return 1
    return free_cores()


def fit_threads(explicit: int | None, hidden: int, layers: int) -> int | None:
    """Threads every fit task of this network sets, wherever it runs: ``--threads``, else 1
    for a small network, else None (a worker then takes its host's cores divided by the
    host's task slots; the serial executor keeps what ``default_threads`` set)."""
    if explicit:
        return explicit
    return 1 if hidden * layers <= SMALL_NETWORK_UNITS else None


def set_torch_threads(threads: int) -> None:
    """Set torch's intra-op thread count (imports torch: call only when a network will run)."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
