"""Controls with known answers: commuting layers, a 2x2 closed form, the
H0 + δR family against BCH, Trotter 1/n decay, and certified digits."""

import math

import pytest
import torch

from isingformer.layers import (
    bch2_relative,
    boltzmann_product,
    boltzmann_sum,
    certified_product_vs_sum,
    commutator_norms,
    commuting_family,
    perturbed_family,
    product_vs_sum,
    rollout_tv,
    trotter_bound_log10,
    trotter_product,
    two_level_error,
    two_level_pair,
)
from isingformer.layers.operators import relative_error


def _rel(H, beta):
    return 10 ** float(product_vs_sum(H, beta)[0])


def _dense(op):
    log_s, M = op
    return torch.exp(log_s)[..., None, None] * M


@pytest.mark.parametrize("beta", [0.1, 1.0, 5.0])
def test_commuting_layers_have_zero_error(beta):
    H = commuting_family(4, 12, seed=3)
    assert float(commutator_norms(H)[0].max()) == 0.0
    assert _rel(H, beta) < 1e-13
    assert float(bch2_relative(H, beta)) < 1e-13


@pytest.mark.parametrize(("a", "b", "beta"), [(1.0, 0.5, 0.3), (0.7, -1.3, 1.0), (2.0, 2.0, 2.5)])
def test_two_level_pair_matches_closed_form(a, b, beta):
    H = two_level_pair(a, b)
    assert float(commutator_norms(H)[0][0, 1]) == pytest.approx(2 * abs(a * b), rel=1e-12)
    exact = two_level_error(a, b, beta)
    assert exact > 1e-3  # a genuinely non-commuting case
    assert _rel(H, beta) == pytest.approx(exact, rel=1e-10)
    # the raw (matrix_exp) path on a symmetric input agrees with the eigen path
    assert 10 ** float(product_vs_sum(H, beta, symmetric=False)[0]) == pytest.approx(
        exact, rel=1e-9
    )


def test_products_match_direct_matrix_exp():
    H = perturbed_family(3, 10, 0.3, seed=1)
    P = torch.linalg.multi_dot([torch.matrix_exp(-0.8 * h) for h in H])
    S = torch.matrix_exp(-0.8 * H.sum(0))
    torch.testing.assert_close(_dense(boltzmann_product(H, 0.8)), P, rtol=1e-11, atol=1e-13)
    torch.testing.assert_close(_dense(boltzmann_sum(H, 0.8)), S, rtol=1e-11, atol=1e-13)


def test_perturbed_family_error_vanishes_linearly_in_delta():
    assert _rel(perturbed_family(4, 16, 0.0, seed=2), 1.0) < 1e-13
    e1 = _rel(perturbed_family(4, 16, 1e-3, seed=2), 1.0)
    e2 = _rel(perturbed_family(4, 16, 5e-4, seed=2), 1.0)
    assert e1 / e2 == pytest.approx(2.0, rel=0.01)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perturbed_family_matches_bch_to_second_order(seed):
    """measured/BCH2 − 1 = O(β): halving β halves the deviation, and the
    product equals exp(A + C) up to O(β³)."""
    H = perturbed_family(4, 16, 0.5, seed=seed)
    dev = []
    for beta in (0.02, 0.01):
        dev.append(abs(_rel(H, beta) / float(bch2_relative(H, beta)) - 1))
    assert dev[1] < 0.03
    assert dev[0] / dev[1] == pytest.approx(2.0, rel=0.2)
    # third-order residual: ‖P − e^(A+C)‖/‖S‖ scales as β³
    res = []
    Hs = H.sum(0)
    C0 = sum(H[a] @ H[b] - H[b] @ H[a] for a in range(H.shape[0]) for b in range(a + 1, H.shape[0]))
    for beta in (0.04, 0.02):
        P = torch.linalg.multi_dot([torch.matrix_exp(-beta * h) for h in H])
        B = torch.matrix_exp(-beta * Hs + 0.5 * beta**2 * C0)
        S = torch.matrix_exp(-beta * Hs)
        res.append(
            float(torch.linalg.matrix_norm(P - B, ord=2) / torch.linalg.matrix_norm(S, ord=2))
        )
    assert math.log2(res[0] / res[1]) == pytest.approx(3.0, abs=0.15)


def test_trotter_error_decays_as_one_over_n_and_respects_the_bound():
    H = perturbed_family(3, 12, 0.5, seed=4)
    beta = 0.7
    S = boltzmann_sum(H, beta)
    errs = {n: 10 ** float(relative_error(trotter_product(H, beta, n), S)[0]) for n in (16, 32, 64)}
    assert errs[16] / errs[32] == pytest.approx(2.0, rel=0.05)
    assert errs[32] / errs[64] == pytest.approx(2.0, rel=0.03)
    for n, e in errs.items():
        assert math.log10(e) <= float(trotter_bound_log10(H, beta, n))
    # n = 1 is the plain product, whatever n "tends to"
    one = relative_error(trotter_product(H, beta, 1), S)[0]
    assert float(one) == pytest.approx(float(product_vs_sum(H, beta)[0]), abs=1e-12)


def test_a_vector_of_betas_matches_scalar_calls():
    H = perturbed_family(3, 9, 0.5, seed=9)
    betas = torch.tensor([0.1, 0.5, 2.0], dtype=torch.float64)
    vec = product_vs_sum(H, betas)[0]
    bch = bch2_relative(H, betas)
    bnd = trotter_bound_log10(H, betas, 4)
    trot = relative_error(trotter_product(H, betas, 4), boltzmann_sum(H, betas))[0]
    raw = product_vs_sum(H, betas, symmetric=False)[0]
    for i, b in enumerate(betas.tolist()):
        assert float(vec[i]) == pytest.approx(float(product_vs_sum(H, b)[0]), abs=1e-12)
        assert float(bch[i]) == pytest.approx(float(bch2_relative(H, b)), rel=1e-12)
        assert float(bnd[i]) == pytest.approx(float(trotter_bound_log10(H, b, 4)), rel=1e-12)
        one = relative_error(trotter_product(H, b, 4), boltzmann_sum(H, b))[0]
        assert float(trot[i]) == pytest.approx(float(one), abs=1e-12)
        assert float(raw[i]) == pytest.approx(float(vec[i]), abs=1e-9)


def test_relative_error_survives_huge_beta_norm():
    """β‖H‖ ~ 10^4: nothing overflows, and the log error is finite."""
    H = perturbed_family(3, 8, 1.0, seed=5) * 1000
    log_rel, shape = product_vs_sum(H, 5.0)
    assert math.isfinite(float(log_rel)) and float(log_rel) > 3
    assert 0 <= float(shape) <= 2


@pytest.mark.parametrize("seed", [0, 1])
def test_certified_digits_with_ball_arithmetic(seed):
    pytest.importorskip("flint")
    H = perturbed_family(3, 6, 0.4, seed=seed)
    beta = 1.3
    mid, rad = certified_product_vs_sum(H, beta)
    assert rad < 1e-15 * mid
    P, S = _dense(boltzmann_product(H, beta)), _dense(boltzmann_sum(H, beta))
    ours = float(torch.linalg.matrix_norm(P - S) / torch.linalg.matrix_norm(S))
    assert abs(ours - mid) <= rad + 1e-12 * mid


def test_rollout_is_exact_at_depth_one_and_at_infinite_temperature():
    H = perturbed_family(3, 10, 1.0, seed=6)
    tv = rollout_tv(-H, 2.0)
    assert float(tv[0]) == 0.0 and float(tv[-1]) > 0.01
    assert float(rollout_tv(-H, 1e-9)[-1]) < 1e-8
    causal = torch.tril(torch.ones(10, 10, dtype=torch.bool))
    tvc = rollout_tv(-H, 2.0, causal)
    assert float(tvc[0]) == 0.0 and 0 < float(tvc[-1]) <= 1


def test_residual_rollout_at_infinite_temperature_keeps_the_identity_part():
    H = perturbed_family(4, 10, 1.0, seed=7)
    tv = rollout_tv(-H, 1e-12, residual=True)
    exact = torch.tensor([2.0**-d * (1 - 1 / 10) for d in range(1, 5)], dtype=torch.float64)
    torch.testing.assert_close(tv, exact, rtol=1e-9, atol=0)


def test_per_head_rollout_reduces_to_head_summed_for_one_head():
    H = perturbed_family(3, 8, 1.0, seed=8)
    one = rollout_tv(-H[:, None], 1.5, per_head=True)
    torch.testing.assert_close(one, rollout_tv(-H, 1.5))
    two = rollout_tv(-torch.stack([H, 0.5 * H], dim=1), 1.5, per_head=True)
    assert float(two[0]) > 0  # a head average is not the softmax of the head sum


def test_causal_rollout_at_infinite_temperature_is_not_one_softmax():
    """Causal averages do not compose into one: at β → 0 each layer is the
    uniform causal average U, the rollout of depth 2 is U², the summed softmax U."""
    n = 12
    causal = torch.tril(torch.ones(n, n, dtype=torch.bool))
    U = causal.double() / causal.sum(-1, keepdim=True)
    exact = float(0.5 * (U @ U - U).abs().sum(-1).mean())
    tv = rollout_tv(-perturbed_family(2, n, 1.0, seed=10), 1e-12, causal)
    assert exact > 0.1
    assert float(tv[1]) == pytest.approx(exact, rel=1e-9)
