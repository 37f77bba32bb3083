"""Mutation-strength test of the REM sweep point's normalized entropy."""

from __future__ import annotations

import pytest

from isingformer.ensemble import rem_point


def test_entropy_per_log_n_is_one_at_infinite_temperature():
    """At β = 0 every one of the n states is equally likely: S = ln n, so the
    entropy per ln n is 1 exactly; it falls as β grows."""
    out = rem_point({"n": 64, "samples": 4, "seed": 0, "betas": [0.0, 0.5, 1.0], "n_boot": 0})
    assert out["entropy_per_log_n"][0] == pytest.approx(1.0, rel=1e-12)
    assert out["entropy_per_log_n"][2] < out["entropy_per_log_n"][1] < 1.0
