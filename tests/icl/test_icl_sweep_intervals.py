"""The per-k intervals of `icl sweep`: a quantity that cannot be negative
(an error, a squared distance) gets no interval reaching below 0."""

from __future__ import annotations

import pytest

from isingformer.icl.sweep import _interval
from isingformer.stats import t_interval

SPREAD = [0.001, 0.002, 0.09]  # three seeds, one far out: the raw t-interval dips below 0


def test_non_negative_quantity_is_clipped_at_zero() -> None:
    raw = t_interval(SPREAD)
    assert raw is not None and raw[0] < 0  # the case this guards against
    iv = _interval(SPREAD, non_negative=True)
    assert iv["ci"][0] == 0.0 and iv["ci"][1] == pytest.approx(raw[1])
    assert iv["clipped_at_zero"] is True
    assert iv["mean"] == pytest.approx(sum(SPREAD) / 3) and iv["n"] == 3


def test_signed_quantity_and_positive_intervals_are_untouched() -> None:
    raw = t_interval(SPREAD)
    signed = _interval(SPREAD)  # e.g. an overlap or a difference: may be negative
    assert signed["ci"][0] == pytest.approx(raw[0]) and signed["clipped_at_zero"] is False
    tight = _interval([1.0, 1.1, 1.2], non_negative=True)
    assert tight["ci"] == pytest.approx(t_interval([1.0, 1.1, 1.2]))
    assert tight["clipped_at_zero"] is False


def test_sweep_points_clip_errors_not_overlaps() -> None:
    from isingformer.icl.sweep import _NON_NEGATIVE

    assert {"ood_error", "id_error", "dist_to_ridge", "dist_to_pool"} <= _NON_NEGATIVE
    assert "overlap" not in _NON_NEGATIVE and "linear_r2" not in _NON_NEGATIVE
