"""A sweep point's thread count does not depend on how many points are left.

Torch's float reductions depend on the intra-op thread count (a tiny
``isingformer compare`` run at ``--threads 2``: final loss 4.017752140760422
alone, 4.017752110958099 in the pool). Pool workers run with one thread; the
last point left of a ``process`` sweep (or every point on one CPU) ran in the
driver with the driver's ``--threads``, so resuming a sweep, or running it
with fewer seeds, changed the numbers of the very same stored point.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from isingformer.runs import run_sweep
from isingformer.threads import ENV_VAR, current_threads, one_thread, set_threads

sys.path.insert(0, str(Path(__file__).parent))
import repro_points

torch = pytest.importorskip("torch")


@pytest.fixture
def two_threads(monkeypatch: pytest.MonkeyPatch):
    for var in (ENV_VAR, "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, os.environ.get(var, "1"))
    before, saved = torch.get_num_threads(), current_threads()
    set_threads(2)
    yield
    set_threads(saved or before)
    torch.set_num_threads(before)


def test_the_last_point_left_runs_with_one_thread_like_a_worker(two_threads) -> None:
    configs = [{"x": 0}, {"x": 1}]
    alone = run_sweep(repro_points.thread_counts, configs[:1], sweep="t", progress=False)
    one_cpu = run_sweep(
        repro_points.thread_counts, configs, sweep="t", max_workers=1, progress=False
    )
    assert alone == [{"torch": 1, "pools": 1}] and one_cpu == alone * 2
    # the driver keeps its own count, and an explicit serial sweep uses it
    assert torch.get_num_threads() == 2 and os.environ["OMP_NUM_THREADS"] == "2"
    serial = run_sweep(
        repro_points.thread_counts, configs[:1], sweep="t", executor="serial", progress=False
    )
    assert serial[0]["torch"] == 2


@pytest.mark.slow
def test_pool_workers_run_with_one_torch_and_one_blas_thread(two_threads) -> None:
    configs = [{"x": 0}, {"x": 1}]
    pool = run_sweep(repro_points.thread_counts, configs, sweep="t", progress=False)
    assert pool == [{"torch": 1, "pools": 1}] * 2


def test_one_thread_restores_count_and_environment(two_threads) -> None:
    with one_thread():
        assert torch.get_num_threads() == 1 and os.environ[ENV_VAR] == "1"
        assert current_threads() == 1
    assert torch.get_num_threads() == 2 and os.environ[ENV_VAR] == "2"
    assert current_threads() == 2


@pytest.mark.slow
def test_dask_workers_run_points_with_one_thread(two_threads) -> None:
    pytest.importorskip("dask.distributed")
    configs = [{"x": 0}, {"x": 1}]
    got = run_sweep(repro_points.thread_counts, configs, sweep="t", executor="dask", progress=False)
    assert got == [{"torch": 1, "pools": 1}] * 2
