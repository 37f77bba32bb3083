"""The numbers report section and the main-job entry (smoke-sized study)."""

import pytest

from isingformer.numbers.report import numbers_section, verdict_rows
from isingformer.numbers.study import numbers_study


@pytest.fixture(scope="module")
def study():
    return numbers_study(smoke=True, seed=0)


def test_section_has_figures_and_verdict_table(study):
    sec = numbers_section(study)
    assert len(sec.figures) == 5 and all(f.png[:4] == b"\x89PNG" for f in sec.figures)
    table = sec.tables[0]
    assert table.columns == ["claim (seed 001)", "what was computed", "verdict", "number"]
    assert len(table.rows) == 8
    assert "2D Ising row cut" in sec.tables[1].columns


def test_study_is_consistent(study):
    assert all(r["on_unit_circle"] for r in study["leeyang_tc"].values())
    assert study["leeyang_af"]["n_certified_off_circle"] > 0
    assert study["zeta"]["all_on_critical_line"] is True
    assert study["gaps"]["n_primes"] == 78498
    rows = verdict_rows(study)
    assert any("Hagedorn" in r[2] for r in rows)
    ks = next(r[3] for r in rows if r[0] == "ζ zeros resemble random matrices")
    assert "Kolmogorov band" in ks and "percentile" not in ks  # the interval's method
