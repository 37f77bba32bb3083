"""Regression tier: the numbers of README.md's "Formal verification" bullet.

- "43 machine-checked theorems": the count README.md states is the theorem
  table's, every one of which the Coq build proves (needs coqc, which CI
  installs; test_proofs.py checks the table against the sources);
- the certified constants (T_c, u(T_c) = −√2, the REM β_c) are stated to 12
  decimals and the package's constants meet them;
- eq. 13's counterexample: for P = diag(1, 0) and Q = ½[[1, 1], [1, 1]] the
  product e^(−βP) e^(−βQ) has off-diagonal entries differing by
  (e^(−β) − 1)²/2 ≠ 0 while e^(−β(P+Q)) is symmetric — recomputed here
  numerically with scipy's matrix exponential, independently of the proof.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from scipy.linalg import expm

from isingformer.ensemble import rem_beta_c
from isingformer.physics.ising import onsager
from isingformer.verify import THEOREMS, certified_bounds, default_proofs_dir

pytestmark = pytest.mark.regression

PROOFS = default_proofs_dir()
README = " ".join((PROOFS.parent / "README.md").read_text().split())


def _stated_count() -> int:
    m = re.search(r"(\d+) machine-checked theorems", README)
    assert m, "README.md no longer states the number of machine-checked theorems"
    return int(m.group(1))


def test_readme_theorem_count_is_the_table() -> None:
    assert _stated_count() == len(THEOREMS)


def test_readme_theorem_count_is_proved_by_coq(verified: dict) -> None:
    proved = [r for r in verified["theorems"] if r["status"] == "proved"]
    assert verified["all_proved"] and len(proved) == _stated_count()


def test_certified_constants_to_12_decimals_and_the_package_meets_them() -> None:
    bounds = certified_bounds(PROOFS / "Constants.v")
    values = {
        "onsager_tc_bounds": onsager.CRITICAL_TEMPERATURE,
        "onsager_energy_tc_bounds": float(onsager.energy([onsager.CRITICAL_TEMPERATURE])[0]),
        "rem_beta_c_1024": rem_beta_c(1024),
    }
    exact = {
        "onsager_tc_bounds": 2 / math.log(1 + math.sqrt(2)),
        "onsager_energy_tc_bounds": -math.sqrt(2),  # README: u(T_c) = −√2
        "rem_beta_c_1024": math.sqrt(2 * math.log(1024)),
    }
    for name, value in values.items():
        lo, _, hi = bounds[name]
        assert hi - lo == Fraction(1, 10**12), name  # "to 12 decimals"
        assert lo <= Fraction(value) <= hi, (name, value)
        assert lo <= Fraction(exact[name]) <= hi, name


@pytest.mark.parametrize("beta", [-2.0, -0.3, 1e-3, 0.5, 1.0, 3.0])
def test_eq13_counterexample_asymmetry(beta: float) -> None:
    P = np.diag([1.0, 0.0])
    Q = np.full((2, 2), 0.5)
    prod = expm(-beta * P) @ expm(-beta * Q)
    whole = expm(-beta * (P + Q))
    stated = (math.exp(-beta) - 1) ** 2 / 2
    assert prod[0, 1] - prod[1, 0] == pytest.approx(stated, rel=1e-10, abs=1e-15)
    assert stated > 0
    assert whole[0, 1] == pytest.approx(whole[1, 0], rel=1e-12)
    assert not np.allclose(prod, whole, rtol=1e-12, atol=0)
