"""Regression tier: the joint laws docs/quantum.md quotes for the worked
Example — the document's (0.0463, 0.3776, 0.4212, 0.1549) at β = 1 and
(0.0701, 0.4264, 0.3372, 0.1663) with its own formula's β = 1/sqrt(2), with
P(x0) = 0.4965 — as the Fock-space model computes them (exact: the stated
decimals must be the rounded values). The closed forms behind them are
tested in tests/quantum/test_quantum_measurement.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.regression

ORDER = ("x0,x0", "x0,x1", "x1,x0", "x1,x1")


def test_example_joint_laws_as_quoted():
    from isingformer.quantum import example_spec, sequential_measurement, spec_from_dict

    spec = example_spec()
    joint = sequential_measurement(spec).named()
    assert [round(joint[k], 4) for k in ORDER] == [0.0463, 0.3776, 0.4212, 0.1549]
    raw = spec.to_dict()
    for block in raw["blocks"]:
        del block["beta"]  # a block without beta uses 1/sqrt(d)
    scaled = sequential_measurement(spec_from_dict(raw))
    assert [round(scaled.named()[k], 4) for k in ORDER] == [0.0701, 0.4264, 0.3372, 0.1663]
    assert round(scaled.marginal(0)["x0"], 4) == 0.4965
