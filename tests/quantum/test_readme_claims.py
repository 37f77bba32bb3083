"""Regression tier: the README's quantum-model statements, as stated."""

from __future__ import annotations

import pytest

from isingformer.quantum.api import example_summary
from isingformer.quantum.verify import check_cptp


@pytest.mark.regression
def test_example_is_exact_and_cptp_coverage_is_as_stated() -> None:
    """README: the Example (F^(6)(C²), dim 127) comes out exactly (closed forms
    and autoregressive transformer to 1e-15); CPTP is checked on the sectors
    the blocks act on (all 8 three-token inputs of block 1, all 16 four-token
    inputs of block 2; QuTiP's iscptp on 7 of each), not on the whole space."""
    ex = example_summary("dense")
    assert ex["dim"] == 127 and ex["M"] == 6
    assert ex["max_abs_error"] < 1e-15 and ex["classical_joint_max_abs_diff"] < 1e-15
    cp = ex["cptp_checks"]
    assert cp["cptp"] and not cp["full_space"]
    keys = ("block", "sectors", "n_inputs", "qutip_iscptp", "qutip_inputs")
    got = [tuple(c[k] for k in keys) for c in cp["checks"]]
    assert got == [(1, [3], 8, True, 7), (2, [4], 16, True, 7)]
    assert all(c["choi_min_eigenvalue"] > -1e-14 and c["tp_residual"] < 1e-12 for c in cp["checks"])
    # the full-space check is done only for small spaces
    from isingformer.quantum.spec import random_spec

    assert check_cptp(random_spec(2, 2, 2, M=4, seed=7), "dense").full_space
