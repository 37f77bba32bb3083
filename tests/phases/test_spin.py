"""The spin map at initialization: the closed-form T_c against the replica-symmetric
criterion on the actual bond matrix and the TAP instability."""

import math

import numpy as np
import pytest

from isingformer.phases.spin import (
    gpt_bond_matrix,
    layered_bond_matrix,
    tc_closed_form,
    tc_layered,
    tc_squared_bonds,
    tc_tap,
)


def test_closed_form_is_the_layered_criterion_for_identical_layers():
    for L in (1, 2, 3, 6):
        for c in (0.5, 1.0, 2.0):
            assert tc_layered([40] * (L + 1), [c / 40] * L) == pytest.approx(tc_closed_form(c, L))
    assert tc_closed_form(1.0, 1) == pytest.approx(1.0)  # one bipartite SK layer: T_c = sqrt(C)


def test_bond_matrix_is_symmetric_and_chained():
    rng = np.random.default_rng(0)
    J = layered_bond_matrix([rng.normal(size=(3, 5)), rng.normal(size=(5, 2))])
    assert J.shape == (10, 10) and np.array_equal(J, J.T)
    assert np.all(J[:3, 8:] == 0) and np.all(J[:3, :3] == 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_identical_layers_match_the_closed_form(seed):
    N, L = 100, 3
    rng = np.random.default_rng(seed)
    J = layered_bond_matrix([rng.normal(0, 1 / math.sqrt(N), (N, N)) for _ in range(L)])
    tc = tc_closed_form(1.0, L)
    assert tc_squared_bonds(J) == pytest.approx(tc, rel=0.01)
    t_tap, lam = tc_tap(J)
    # the TAP instability approaches it from above, slowly in N (1.340 at N = 100,
    # 1.299 at N = 300 for seed 0); the Hessian comes close to singular
    assert tc < t_tap < 1.08 * tc and 0.85 < lam <= 1.0 + 1e-9


def test_gpt_at_initialization():
    from isingformer.lm import GPT

    model = GPT(65, n_layer=2, n_head=2, d_model=32, context=32, seed=0)
    J, sizes = gpt_bond_matrix(model)
    assert sizes == [32, 128, 32, 128, 32] and J.shape == (352, 352)
    std_proj = 0.02 / math.sqrt(2 * 2)  # GPT-2 init: residual projections scaled by depth
    theory = tc_layered(sizes, [0.02**2, std_proj**2] * 2)
    assert tc_squared_bonds(J) == pytest.approx(theory, rel=0.03)
    assert tc_tap(J)[0] == pytest.approx(theory, rel=0.06)
