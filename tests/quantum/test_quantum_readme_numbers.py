"""Regression tier: README.md's "the whole Fock space ... is checked only for
spaces of dimension ≤ 31" — both sides of the bound (test_readme_claims.py
checks the Example's sectors and one full-space case)."""

from __future__ import annotations

import pytest

from isingformer.quantum.fock import FockSpace
from isingformer.quantum.spec import random_spec
from isingformer.quantum.verify import check_cptp


@pytest.mark.regression
@pytest.mark.parametrize(("m", "dim", "full"), [(4, 31, True), (5, 63, False)])
def test_full_space_cptp_check_stops_above_dimension_31(m: int, dim: int, full: bool) -> None:
    assert FockSpace(2, m).dim == dim  # F^(M)(C²)
    report = check_cptp(random_spec(2, 2, 2, M=m, seed=7), "dense")
    assert report.full_space is full and report.cptp
