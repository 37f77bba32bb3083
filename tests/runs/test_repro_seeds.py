"""The store keeps runs of different seeds apart, once each, with the seed
column docs/runs.md states (``ensemble.rem``: seed·1000003 + N; ``ising.tc``:
seed·1000003 + 101 i + j)."""

from __future__ import annotations

import pytest

from isingformer.ensemble import rem_study
from isingformer.physics.ising.study import tc_study
from isingformer.runs import ResultsStore


def _seeds(st: ResultsStore, sweep: str) -> list[int]:
    return sorted(r.seed for r in st.records(sweep))


@pytest.mark.regression
def test_rem_seeds_are_kept_apart_and_stored_once(tmp_path) -> None:
    kw = dict(samples=4, n_boot=2, executor="serial", progress=False)
    with ResultsStore.open(tmp_path / "runs.sqlite") as st:
        a = rem_study([16, 32], seed=5, store=st, **kw)
        b = rem_study([16, 32], seed=6, store=st, **kw)
        assert _seeds(st, "ensemble.rem") == [5 * 1000003 + 16, 5 * 1000003 + 32,
                                              6 * 1000003 + 16, 6 * 1000003 + 32]  # fmt: skip
        assert [p.c_max for p in a.points] != [p.c_max for p in b.points]
        again = rem_study([16, 32], seed=5, store=st, **kw)  # read back, not added
        assert len(list(st.records("ensemble.rem"))) == 4
        assert [p.c_max for p in again.points] == [p.c_max for p in a.points]


class _StopError(Exception):
    pass


@pytest.mark.regression
def test_tc_point_seeds_follow_the_documented_rule(monkeypatch) -> None:
    seen: list[dict] = []

    def capture(fn, configs, **kw):
        seen.extend(configs)
        raise _StopError

    monkeypatch.setattr("isingformer.runs.run_sweep", capture)
    temps = [2.1, 2.2, 2.3, 2.4, 2.5]
    with pytest.raises(_StopError):
        tc_study([4, 6], temps, sweeps=10, seed=3, store=None, progress=False)
    got = {(c["L"], c["T"]): c["seed"] for c in seen}
    want = {(L, T): 3 * 1000003 + 101 * i + j for i, L in enumerate([4, 6])
            for j, T in enumerate(temps)}  # fmt: skip
    assert got == want
