"""Heavier checks: the default verification suite and the report section."""

from types import SimpleNamespace

import pytest

from isingformer.quantum import quantum_section, verify_summary


@pytest.mark.slow
def test_default_verification_passes():
    d = verify_summary(seeds=(0, 1, 2, 3, 4), n_samples=20000)
    assert d["passed"], [(r["name"], r["passed"]) for r in d["specs"]]
    names = [r["name"] for r in d["specs"]]
    assert "random_N50_n8_L4_sparse" in names
    assert d["example_closed_form_ok"]


@pytest.mark.slow
def test_report_section_builds():
    sec = quantum_section(SimpleNamespace(seed=0, quick=True, out=None, store=None))
    assert sec.data["cptp"] and sec.data["vocab50_cptp"]
    assert sec.data["example_max_abs_error"] < 1e-14
    assert sec.data["joint_max_abs_diff"] <= 1e-12
    assert len(sec.figures) == 1 and len(sec.tables) == 3
