"""README and docs/layers.md numbers, recomputed at reduced size.

The README figures come from 16 Shakespeare passages x 128 tokens (medians
over passages, with the range over passages). Here the first two of those
passages (the same texts: ``default_texts(2) == default_texts(16)[:2]``) are
analyzed again; each quantity must fall inside the stated range over
passages, which is the error the README states.
"""

import math

import pytest

pytestmark = pytest.mark.regression


def _at(r, units):
    return next(e for e in r["errors"] if math.isclose(e["beta"] / r["beta_model"], units))


def test_assumptions_are_far_from_the_documents_regime(minilm):
    r = minilm[0]
    a = r["assumptions"]
    # README: β·M·L = 2.4·10⁴ [2.3–2.5·10⁴], β²L²ε = 1.1·10⁸ [0.9–1.3·10⁸], ε/2M² = 0.099 [0.079–0.109]
    assert 2.30e4 <= r["a3_product"] <= 2.49e4
    assert 0.87e8 <= a["beta2_l2_epsilon"]["median"] <= 1.28e8
    assert 0.078 <= a["epsilon_over_2m2"]["median"] <= 0.110
    assert r["verdict"]["a1"].startswith("fails") and r["verdict"]["a3"].startswith("fails")


def test_product_vs_sum_error_and_its_validity_edge(minilm):
    r = minilm[0]
    # README: 10^279 [10^213–10^305] at β_model
    assert 213 <= r["at_model"]["log10_product_vs_sum"] <= 306
    # README: within 10 % only up to β ≈ 4·10⁻⁴ β_model (between 2 and 6·10⁻⁴ here)
    valid = r["assumptions"]["beta_valid"]
    assert valid is not None and 2e-4 <= valid / r["beta_model"] <= 6e-4
    # README: BCH to second order predicts it there (within 1 % at 10⁻⁶ β_model, 10 % at the edge)
    assert _at(r, 1e-6)["bch2_ratio"]["median"] == pytest.approx(1.0, abs=0.01)
    assert _at(r, 2e-4)["bch2_ratio"]["median"] == pytest.approx(1.0, abs=0.1)


def test_trotter_does_not_rescue_the_model_beta(minilm):
    r = minilm[0]
    t = r["trotter"]
    # README: at β_model even n = 256 leaves a relative error above 10^40
    assert t["ns"][-1] == 256 and t["log10_error"][0][-1] > 40
    # README: at the validity edge the Trotter error falls like 1/n
    assert len(t["betas"]) == 2
    slope = (t["log10_error"][1][-1] - t["log10_error"][1][3]) / math.log10(256 / 8)
    assert slope == pytest.approx(-1.0, abs=0.05)


def test_model_attention_rollout_is_not_one_gibbs_measure(minilm):
    r = minilm[0]
    # README: TV 0.76 [0.68–0.83] between the heads' rollout and the one-model softmax
    assert 0.68 <= r["at_model"]["rollout_tv_heads"] <= 0.83
