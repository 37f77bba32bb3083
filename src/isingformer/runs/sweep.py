"""Run a sweep of points through an executor and the results store.

Only the driver writes the store: workers return results, the driver commits
each one in its own transaction as soon as it arrives. Points already in the
store for the same sweep and config are not run again.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import nullcontext, suppress

from isingformer.errors import InputError
from isingformer.runs.store import ResultsStore, config_key
from isingformer.threads import one_thread, set_threads
from isingformer.validate import check_float, check_int

__all__ = ["EXECUTORS", "run_sweep", "set_time_budget", "time_left"]

EXECUTORS = ("serial", "process", "dask")
PointFn = Callable[[dict], dict]
_BUDGET: dict[str, float | None] = {"deadline": None}


def set_time_budget(seconds: float | None) -> None:
    """A wall-clock budget for every sweep started from now on (``None``: no
    budget); the CLI sets it from ``isingformer --max-seconds S``. When it runs
    out, no new point starts, points in flight finish and are stored, and
    :func:`run_sweep` raises :class:`InputError` saying how many points are
    stored (a re-run resumes)."""
    _BUDGET["deadline"] = None if seconds is None else time.monotonic() + float(seconds)


def time_left(max_seconds: float | None = None) -> float | None:
    """Seconds left of the budget set by :func:`set_time_budget` and of
    ``max_seconds`` from now, whichever ends first (``None``: no budget)."""
    deadline = _deadline(max_seconds)
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


def _deadline(max_seconds: float | None) -> float | None:
    ends = [d for d in (_BUDGET["deadline"],) if d is not None]
    if max_seconds is not None:
        ends.append(time.monotonic() + max_seconds)
    return min(ends) if ends else None


def _expired(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _timed(fn: PointFn, config: dict) -> tuple[dict, float, float]:
    started = time.time()
    result = fn(config)
    return result, started, time.time()


def _timed_one_thread(fn: PointFn, config: dict) -> tuple[dict, float, float]:
    # a Dask worker inherits the driver's thread count (or its cluster's): a
    # point runs with one thread there too, as in the process pool
    with one_thread():
        return _timed(fn, config)


def _worker_init(driver_pid: int | None = None) -> None:
    # one BLAS/torch thread per worker: the pool supplies the parallelism (the
    # driver's count is in the inherited environment: set_threads overrides it)
    if driver_pid is not None:
        _die_with(driver_pid)
    with suppress(ImportError):
        import torch  # noqa: F401  (loaded now, so set_threads sets its count)
    set_threads(1)


def _die_with(driver_pid: int) -> None:
    """Exit this worker as soon as the sweep's driver process is gone.

    A worker's parent is the forkserver, not the driver, so
    ``PR_SET_PDEATHSIG`` alone cannot see the driver die: a daemon thread
    waits on a pidfd of the driver (no PID-reuse race) and falls back to
    polling every 0.5 s where pidfds are missing. ``PR_SET_PDEATHSIG`` is set
    too, for the case where the forkserver itself is killed.
    """
    import threading

    _set_pdeathsig()
    try:
        fd = os.pidfd_open(driver_pid)
    except (AttributeError, OSError):
        fd = None
    if fd is None and not _alive(driver_pid):
        os._exit(1)

    def watch() -> None:
        if fd is not None:
            import select

            poller = select.poll()
            poller.register(fd, select.POLLIN)
            poller.poll()  # readable once the driver has exited
        else:  # pragma: no cover - kernels before 5.3
            while _alive(driver_pid):
                time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="isingformer-driver-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's reused pid
        return True
    return True


def _set_pdeathsig() -> None:
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover
        pass


def _progress(enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)


def run_sweep(
    fn: PointFn,
    configs: Iterable[dict],
    *,
    sweep: str,
    store: ResultsStore | None = None,
    executor: str = "process",
    max_workers: int | None = None,
    progress: bool = True,
    dask_address: str | None = None,
    max_seconds: float | None = None,
) -> list[dict]:
    """Evaluate ``fn`` on every config, skipping points already stored.

    Args:
        fn: top-level (picklable) function ``config -> result`` (JSON-able).
        configs: JSON-able config dicts; a ``seed`` key is recorded.
        sweep: name of the sweep (e.g. ``"ensemble.rem"``).
        store: where finished points go (default: a fresh in-memory store).
        executor: ``"process"`` (local process pool, default), ``"serial"``
            (in this process) or ``"dask"`` (a Dask cluster: ``dask_address``
            or ``$ISINGFORMER_DASK_ADDRESS``, else a local cluster).
        max_workers: pool size (default: number of CPUs, at most the points).
        max_seconds: wall-clock budget (also :func:`set_time_budget`): past
            it no new point starts; finished points stay stored and
            :class:`InputError` says how many (re-run to resume).

    Returns:
        The results, in the order of ``configs``.
    """
    if executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r}; use one of {', '.join(EXECUTORS)}")
    if max_workers is not None:
        check_int(max_workers, "max_workers", ge=1)
    if max_seconds is not None:
        check_float(max_seconds, "max_seconds", ge=0)
    configs = list(configs)
    store = store if store is not None else ResultsStore.open(None)
    keys = [config_key(c) for c in configs]
    done = store.finished_keys(sweep)
    todo = [i for i, k in enumerate(keys) if k not in done]
    # the same config twice in one sweep is computed once
    seen: dict[str, int] = {}
    unique_todo = []
    for i in todo:
        if keys[i] not in seen:
            seen[keys[i]] = i
            unique_todo.append(i)
    workers = max_workers or os.cpu_count() or 1
    # a process sweep with one point left (or one CPU) runs it here, with the
    # workers' one thread: a point's numbers never depend on how many are left
    pool_threads = executor == "process"
    if len(unique_todo) <= 1 or workers <= 1:
        executor = "serial" if executor == "process" else executor

    with _progress(progress) as bar:
        task = bar.add_task(sweep, total=len(unique_todo)) if bar is not None else None

        def record(i: int, out: tuple[dict, float, float]) -> None:
            result, started, finished = out
            store.put(sweep, configs[i], result, started=started, finished=finished)
            if bar is not None:
                bar.advance(task)

        deadline = _deadline(max_seconds)
        stopped = False
        if executor == "serial":
            with one_thread() if pool_threads else nullcontext():
                for i in unique_todo:
                    if _expired(deadline):
                        stopped = True
                        break
                    record(i, _timed(fn, configs[i]))
        elif executor == "process":
            ctx = multiprocessing.get_context("forkserver")
            with ProcessPoolExecutor(
                min(workers, len(unique_todo)),
                mp_context=ctx,
                initializer=_worker_init,
                initargs=(os.getpid(),),
            ) as pool:
                pending = {pool.submit(_timed, fn, configs[i]): i for i in unique_todo}
                while pending:
                    left = None if deadline is None else max(0.0, deadline - time.monotonic())
                    finished, _ = wait(pending, timeout=left, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        record(pending.pop(fut), fut.result())
                    if pending and _expired(deadline) and not stopped:
                        stopped = True
                        for fut in [f for f in pending if f.cancel()]:
                            pending.pop(fut)  # not started: dropped; running: finish
        else:
            stopped = _run_dask(fn, configs, unique_todo, record, workers, dask_address, deadline)

    if stopped:
        stored = len(store.finished_keys(sweep) & set(keys))
        raise InputError(
            f"--max-seconds: the time budget ran out; {stored} of {len(set(keys))} points of "
            f"sweep {sweep!r} are stored; re-run the same command to finish the rest"
        )
    return [store.get(sweep, c) for c in configs]


def _run_dask(fn, configs, todo, record, workers, address, deadline=None) -> bool:
    from dask.distributed import Client, LocalCluster, as_completed

    address = address or os.environ.get("ISINGFORMER_DASK_ADDRESS")
    if address:
        cluster_cm = nullcontext(address)
    else:
        cluster_cm = LocalCluster(
            n_workers=min(workers, len(todo)) or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    with cluster_cm as cluster, Client(cluster) as client:
        futures = {client.submit(_timed_one_thread, fn, configs[i], pure=False): i for i in todo}
        for fut in as_completed(list(futures)):
            record(futures[fut], fut.result())
            if _expired(deadline) and len(futures) > 1:
                # queued points are dropped; the stored ones stay
                client.cancel([f for f in futures if not f.done()])
                return True
    return False
