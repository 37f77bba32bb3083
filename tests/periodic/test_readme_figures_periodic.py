"""Regression tier: figures of README.md's "Periodic self-attention" bullet
that test_periodic_regression.py and test_periodic_training.py use only as
tolerances or bounds, recomputed on the same documented study (the
``doc_result`` fixture: 4 bias rows x 2 β policies x 3 seeds, 40 steps;
shared with those tests, so this file adds no training).

- the ± of the decay rates 1/ξ = 0.054 ± 0.002 (periodic), 0.046 ± 0.003
  (ALiBi), 0.018 ± 0.010 (none) per token: half-widths of 95 % Student-t
  intervals, n = 3 seeds, stated to 3 decimals;
- "9–26 % of the trained models' attention mass" at lags > N/2: the smallest
  and largest seed-mean share over the trained rows, in whole percent.

The tiny models' training is deterministic on a machine, so each figure must
round to its stated digits (half a unit of the last one).
"""

import pytest

pytestmark = pytest.mark.regression

STATED_HALF_WIDTH = {"periodic": 0.002, "alibi": 0.003, "none": 0.010}


def test_decay_rate_half_widths(doc_result):
    by = {b["name"]: b for b in doc_result["biases"]}
    for name, half in STATED_HALF_WIDTH.items():
        d = by[name]["decay_rate"]
        assert d["n"] == 3 and d["method"] == "Student t", d
        got = 0.5 * (d["ci"][1] - d["ci"][0])
        assert abs(got - half) <= 5e-4 + 1e-12, (name, got, half)


def test_attention_mass_range_in_percent(doc_result):
    shares = [100 * r["wrap_mass_fraction"]["mean"] for r in doc_result["training"].values()]
    assert len(shares) == 8
    assert abs(min(shares) - 9) <= 0.5 and abs(max(shares) - 26) <= 0.5, sorted(shares)
