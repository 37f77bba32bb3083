"""The main-job table of the spin map at initialization: Monte Carlo T_c against the
closed form and TAP, seed-deterministic."""

import pytest

from isingformer.phases.report import mc_init_table
from isingformer.phases.spin import tc_closed_form


def test_monte_carlo_table_at_initialization():
    kw = dict(samples=8, sweeps=120, width=16)
    t = mc_init_table([0, 1, 2], **kw)
    assert [r[0] for r in t.rows] == [
        "closed form [2C cos(π/4)]^½",
        "Monte Carlo, seed 0",
        "Monte Carlo, seed 1",
        "Monte Carlo, seed 2",
        "Monte Carlo, mean over seeds",
        "TAP instability (eigenvalue), N = 16",
        "ρ(J∘J)^½, N = 16",
    ]
    tc = tc_closed_form(1.0, 2)
    assert t.rows[0][1] == tc
    for row in t.rows[1:]:
        assert row[2] == pytest.approx(row[1] / tc)
    mean = sum(r[1] for r in t.rows[1:4]) / 3
    assert t.rows[4][1] == pytest.approx(mean) and "(t, n = 3)" in t.rows[4][3]
    lo, hi = (float(x) for x in t.rows[4][3].split("]")[0].strip("[").split(","))
    assert lo < mean < hi
    assert ("yes" if lo <= tc <= hi else "no") in t.caption.split("interval: ")[1]
    one = mc_init_table([0], **kw)  # a seed's numbers are its own, whatever runs beside it
    assert one.rows[1] == t.rows[1]
    assert one.rows[2][3].startswith("values") and "no." in one.caption  # no interval below 3


@pytest.mark.regression
def test_main_job_monte_carlo_seed_0():
    """docs/phases.md: the main job's Monte Carlo T_c at initialization (quick mode:
    widths 32 and 64, 16 disorder samples, 600 sweeps), seed 0: 1.161 ± 0.037
    (bootstrap sd), 0.976 of the closed form; its width-64 instance: TAP 1.248,
    ρ(J∘J)^½ 1.220 (deterministic linear algebra)."""
    t = mc_init_table([0], samples=16, sweeps=600)
    seed0 = t.rows[1]
    sd = float(seed0[3].split()[1])
    # as the other Monte Carlo regressions: ratio to ±0.005, sd to ±0.004 (in T_c units)
    assert seed0[2] == pytest.approx(0.976, abs=0.005) and sd == pytest.approx(0.0371, abs=0.004)
    assert abs(seed0[1] - t.rows[0][1]) <= 2 * sd  # within 2 sd of the closed form
    assert t.rows[3][1] == pytest.approx(1.248, abs=0.001)
    assert t.rows[4][1] == pytest.approx(1.220, abs=0.001)


@pytest.mark.slow
def test_main_job_monte_carlo_four_seeds():
    """docs/phases.md: over seeds 0-3 the main job's Monte Carlo T_c is 0.986 of the
    closed form, Student-t 95 % interval 1.127-1.217 (n = 4), which contains it; TAP
    1.243 (1.211-1.276), ρ(J∘J)^½ 1.215 (1.194-1.236), both above it."""
    t = mc_init_table([0, 1, 2, 3], samples=16, sweeps=600)
    assert t.rows[5][2] == pytest.approx(0.986, abs=0.005)
    lo, hi = (float(x) for x in t.rows[5][3].split("]")[0].strip("[").split(","))
    assert lo == pytest.approx(1.127, abs=0.006) and hi == pytest.approx(1.217, abs=0.006)
    assert t.caption.endswith("interval: yes.")
    for row, mean, lo, hi in ((t.rows[6], 1.243, 1.211, 1.276), (t.rows[7], 1.215, 1.194, 1.236)):
        assert row[1] == pytest.approx(mean, abs=0.001)
        assert row[3].startswith(f"[{lo:.4g}, {hi:.4g}]")


def test_main_job_series_parts_over_the_docs_run(gpt_series):
    """The main job's training-series part on the docs GPT's snapshots: the detector
    over the training step and the spin-map section (short Monte Carlo)."""
    from isingformer.phases.report import series_parts

    over_steps, spin = series_parts(gpt_series, seed=0, sweeps=40)
    assert over_steps["parameter"] == "step"
    assert over_steps["grid"] == [25, 50, 100, 200, 300]
    assert len(over_steps["indicators"]["linear"]) == 3
    # the output changes fastest early in training (docs/phases.md): falling indicator
    lin = over_steps["indicators"]["linear"]
    assert lin[0] > lin[1] > lin[2]
    (table,) = spin.tables
    assert [row[0] for row in table.rows] == [0, 25, 50, 100, 200, 300]
    assert len(spin.figures) == 2
