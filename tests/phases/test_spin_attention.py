"""The attention projections as bonds (``bonds="mlp+attention"``): block structure
against a hand-built GPT, the layered closed form on the tree of spin layers (exact
for couplings of constant magnitude), and the MLP-only map unchanged."""

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from isingformer.errors import InputError
from isingformer.phases.spin import (
    gpt_bond_matrix,
    gpt_layer_graph,
    layered_bond_matrix,
    tc_closed_form,
    tc_layered,
    tc_squared_bonds,
)
from isingformer.phases.spin_study import _gpt2_init_tc


def _linear(n_in: int, n_out: int, std: float, rng, signs: bool) -> torch.nn.Linear:
    """A Linear layer with weights ±std (``signs``) or N(0, std²), zero bias."""
    lin = torch.nn.Linear(n_in, n_out, dtype=torch.float64)  # ±std exactly
    w = rng.choice([-std, std], (n_out, n_in)) if signs else rng.normal(0, std, (n_out, n_in))
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(w))
        lin.bias.zero_()
    return lin


def _gpt(d: int, n_layer: int, hidden: int, stds: dict, seed: int, signs: bool = True):
    """A hand-built GPT (only what the bond map reads): per block ``attn.qkv``
    (q, k, v rows with their own std), ``attn.out``, ``mlp.fc``, ``mlp.proj``."""
    rng = np.random.default_rng(seed)
    blocks = []
    for _ in range(n_layer):
        qkv = _linear(d, 3 * d, 1.0, rng, signs)
        with torch.no_grad():
            for i, part in enumerate(("q", "k", "v")):
                qkv.weight[i * d : (i + 1) * d] *= stds[part]
        attn = SimpleNamespace(qkv=qkv, out=_linear(d, d, stds["out"], rng, signs))
        mlp = SimpleNamespace(
            fc=_linear(d, hidden, stds["fc"], rng, signs),
            proj=_linear(hidden, d, stds["proj"], rng, signs),
        )
        blocks.append(SimpleNamespace(attn=attn, mlp=mlp))
    return SimpleNamespace(blocks=blocks)


STDS = {"q": 0.3, "k": 0.5, "v": 0.2, "out": 0.4, "fc": 0.25, "proj": 0.15}


def _graph_variances(names: list[str], stds: dict) -> list[float]:
    return [stds[n.removeprefix("qkv.")] ** 2 for n in names]


def test_block_structure_of_a_hand_built_gpt():
    d, h = 4, 6
    model = _gpt(d, 2, h, STDS, seed=0)
    J, sizes = gpt_bond_matrix(model, "mlp+attention")
    assert sizes == [d, 3 * d, d, h, d, 3 * d, d, h, d]
    off = np.concatenate([[0], np.cumsum(sizes)])
    assert J.shape == (off[-1], off[-1]) and np.array_equal(J, J.T)

    def blk(a: int, b: int) -> np.ndarray:
        return J[off[a] : off[a + 1], off[b] : off[b + 1]]

    for b, block in enumerate(model.blocks):
        x, a, y, hh, x1 = 4 * b, 4 * b + 1, 4 * b + 2, 4 * b + 3, 4 * b + 4
        w = block.attn.qkv.weight.detach().double().numpy()  # [3d, d]: q, k, v rows
        np.testing.assert_array_equal(blk(x, a), w.T)
        np.testing.assert_array_equal(blk(a, y)[: 2 * d], 0.0)  # q, k do not feed out
        np.testing.assert_array_equal(
            blk(a, y)[2 * d :], block.attn.out.weight.detach().double().numpy().T
        )
        np.testing.assert_array_equal(blk(y, hh), block.mlp.fc.weight.detach().double().numpy().T)
        np.testing.assert_array_equal(
            blk(hh, x1), block.mlp.proj.weight.detach().double().numpy().T
        )
    # only neighbouring layers of the chain are coupled; no layer couples to itself
    for a in range(len(sizes)):
        for b in range(len(sizes)):
            if abs(a - b) != 1:
                assert not blk(a, b).any(), (a, b)


def test_mlp_only_map_is_unchanged():
    model = _gpt(5, 3, 7, STDS, seed=1, signs=False)
    J, sizes = gpt_bond_matrix(model)
    old = [w for blk in model.blocks for w in (blk.mlp.fc, blk.mlp.proj)]
    ref = layered_bond_matrix([w.weight.detach().double().numpy().T for w in old])
    assert sizes == [5, 7, 5, 7, 5, 7, 5] and np.array_equal(J, ref)
    assert np.array_equal(gpt_bond_matrix(model, "mlp")[0], J)
    # the GPT-2 initialization's closed form is the old chain formula
    for n_layer in (1, 2, 4):
        std_proj = 0.02 / math.sqrt(2 * n_layer)
        chain = [32] + [128, 32] * n_layer
        old_tc = tc_layered(chain, [0.02**2, std_proj**2] * n_layer)
        assert _gpt2_init_tc(32, n_layer, "mlp") == old_tc


@pytest.mark.parametrize("bonds", ["mlp", "mlp+attention"])
@pytest.mark.parametrize("seed", [0, 1])
def test_constant_magnitude_couplings_give_the_closed_form_exactly(bonds, seed):
    """J∘J is constant on every block (±σ couplings), so its Perron vector is constant
    per layer and ρ(J∘J) = λ_max(Λ) on the graph of layers, to rounding."""
    d, h, n_layer = 6, 10, 2
    J, _ = gpt_bond_matrix(_gpt(d, n_layer, h, STDS, seed), bonds)
    sizes, edges, names = gpt_layer_graph(d, n_layer, bonds, hidden=h)
    theory = tc_layered(sizes, _graph_variances(names, STDS), edges)
    assert tc_squared_bonds(J) == pytest.approx(theory, rel=1e-10)
    if bonds == "mlp+attention":  # the q, k layers do couple: the tree is not the chain
        chain_sizes = [d] + [3 * d, d, h, d] * n_layer
        chain_var = [STDS["q"] ** 2, STDS["out"] ** 2, STDS["fc"] ** 2, STDS["proj"] ** 2]
        assert abs(tc_layered(chain_sizes, chain_var * n_layer) - theory) > 1e-3


def test_identical_square_layers_with_dangling_q_and_k():
    """With W_q = W_k = 0 and an MLP of width d, every block is the chain x–v–y–h–x' of
    four identical square layers: the paper's [2C cos(π/(L+2))]^½ with L = 4 n_layer,
    exactly for ±σ couplings, to O(N^-½) for Gaussian ones (width 100)."""
    for n_layer, c in ((1, 1.0), (2, 0.5)):
        stds = {"q": 0.0, "k": 0.0} | dict.fromkeys(("v", "out", "fc", "proj"), 1.0)
        sizes, edges, names = gpt_layer_graph(6, n_layer, "mlp+attention", hidden=6)
        var = [c / 6 * stds[n.removeprefix("qkv.")] ** 2 for n in names]
        closed = tc_closed_form(c, 4 * n_layer)
        assert tc_layered(sizes, var, edges) == pytest.approx(closed, rel=1e-12)
        sigma = {k: v * math.sqrt(c / 6) for k, v in stds.items()}
        J, _ = gpt_bond_matrix(_gpt(6, n_layer, 6, sigma, seed=n_layer), "mlp+attention")
        assert tc_squared_bonds(J) == pytest.approx(closed, rel=1e-10)
    n = 100
    stds = {"q": 0.0, "k": 0.0} | dict.fromkeys(("v", "out", "fc", "proj"), 1 / math.sqrt(n))
    for seed in (0, 1, 2):
        J, _ = gpt_bond_matrix(_gpt(n, 1, n, stds, seed, signs=False), "mlp+attention")
        assert tc_squared_bonds(J) == pytest.approx(tc_closed_form(1.0, 4), rel=0.02)


def test_gpt_at_initialization_with_attention():
    from isingformer.lm import GPT

    model = GPT(65, n_layer=2, n_head=2, d_model=32, context=32, seed=0)
    J, sizes = gpt_bond_matrix(model, "mlp+attention")
    assert sizes == [32, 96, 32, 128, 32, 96, 32, 128, 32] and J.shape == (608, 608)
    theory = _gpt2_init_tc(32, 2, "mlp+attention")
    assert tc_squared_bonds(J) == pytest.approx(theory, rel=0.03)


def test_bad_bonds():
    model = _gpt(3, 1, 4, STDS, seed=0)
    with pytest.raises(InputError):
        gpt_bond_matrix(model, "attention")
    with pytest.raises(InputError):
        gpt_layer_graph(3, 1, "all")
    with pytest.raises(InputError):
        gpt_bond_matrix(SimpleNamespace(blocks=[SimpleNamespace(attn=None)]), "mlp+attention")
    with pytest.raises(InputError):
        tc_layered([2, 2], [1.0], [(0, 0)])


@pytest.mark.regression
def test_attention_bonds_on_the_docs_gpt(gpt_series):
    """docs/phases.md, README: with the attention projections the closed-form T_c at
    initialization is 0.167 (MLP only 0.171) and the TAP instability (eigenvalue
    criterion) of the trained docs GPT 0.577 at step 25 and 0.879 at step 300
    (MLP only: 0.61 and 0.87); the TAP T_c is deterministic (no sampling)."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.spin import tc_tap

    assert _gpt2_init_tc(32, 2, "mlp+attention") == pytest.approx(0.1674, abs=0.0001)
    assert _gpt2_init_tc(32, 2, "mlp") == pytest.approx(0.1713, abs=0.0001)
    for step, want, mlp_only in ((25, 0.577, 0.61), (300, 0.879, 0.87)):
        model = load_trained(gpt_series / f"step{step:05d}.pt").model
        t_att = tc_tap(gpt_bond_matrix(model, "mlp+attention")[0])[0]
        assert t_att == pytest.approx(want, abs=0.001)
        assert tc_tap(gpt_bond_matrix(model)[0])[0] == pytest.approx(mlp_only, rel=0.02)
