"""Sequential measurement: the document's Example exactly, agreement with the
autoregressive transformer (exact and χ² over seeds), dense = sparse, scale."""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qutip import Qobj
from qutip.measurement import measurement_statistics_povm

from isingformer.quantum import (
    DenseBackend,
    SparseBackend,
    autoregressive_joint,
    autoregressive_sample,
    chi_square,
    example_closed_form,
    example_spec,
    fisher_combined,
    random_spec,
    sample_by_measurement,
    sequential_measurement,
    spec_from_dict,
)

E = mp.e
EXACT = {
    "x0,x0": 2 / ((E + 2) * (3 * E + 1)),
    "x0,x1": 6 * E / ((E + 2) * (3 * E + 1)),
    "x1,x0": E**2 / ((E + 2) * (E + 1)),
    "x1,x1": E / ((E + 2) * (E + 1)),
}


@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_document_example_exact(mode):
    jd = sequential_measurement(example_spec(), mode)
    joint = jd.named()
    assert set(joint) == set(EXACT)
    for key, value in EXACT.items():
        assert abs(joint[key] - float(value)) < 1e-15, key
    m = jd.marginal(0)
    assert abs(m["x0"] - float(2 / (E + 2))) < 1e-15
    assert abs(m["x1"] - float(E / (E + 2))) < 1e-15
    # conditional laws of the second measurement, as in the document
    assert jd.tree[(0,)].children[0] == pytest.approx(float(1 / (3 * E + 1)), abs=1e-15)
    assert jd.tree[(0,)].children[1] == pytest.approx(float(3 * E / (3 * E + 1)), abs=1e-15)
    assert jd.tree[(1,)].children[0] == pytest.approx(float(E / (E + 1)), abs=1e-15)
    assert jd.tree[(1,)].children[1] == pytest.approx(float(1 / (E + 1)), abs=1e-15)
    assert all(node.diamond == 0.0 for node in jd.tree.values())


def test_closed_form_helper_matches_mpmath():
    cf = example_closed_form()
    for key, value in EXACT.items():
        assert cf["joint"][key] == pytest.approx(float(value), rel=1e-15)
    assert sum(cf["joint"].values()) == pytest.approx(1.0, abs=1e-15)


def test_example_needs_beta_one():
    """With the document's own 1/sqrt(d) the Example's numbers do not come out."""
    raw = example_spec().to_dict()
    for b in raw["blocks"]:
        del b["beta"]
    joint = sequential_measurement(spec_from_dict(raw)).named()
    assert abs(joint["x0,x0"] - float(EXACT["x0,x0"])) > 1e-2
    # closed form with β = 1/√2: P(x0) = 2/(e^β + 2)
    b = 1 / math.sqrt(2)
    assert sequential_measurement(spec_from_dict(raw)).marginal(0)["x0"] == pytest.approx(
        2 / (math.exp(b) + 2), abs=1e-15
    )


def test_luders_reduction_gives_document_states():
    spec = example_spec()
    be = DenseBackend(spec)
    rho1 = be.evolve(be.initial(), 0)
    sp = be.space
    for x in (0, 1):
        red = be.reduce(rho1, 0, x)
        expect = np.zeros_like(red)
        i = sp.index((0, 1, 0, x))
        expect[i, i] = 1.0  # ρ_red(t1)_x = |x0 x1 x0 x><x0 x1 x0 x|
        np.testing.assert_allclose(red, expect, atol=1e-15)


def test_outcome_probabilities_agree_with_qutip_povm():
    spec = example_spec()
    be = DenseBackend(spec)
    rho1 = be.evolve(be.initial(), 0)
    ops = [Qobj(np.diag(be.projector_mask(0, x).astype(float))) for x in (-1, 0, 1)]
    total = sum(op.full() for op in ops)
    np.testing.assert_array_equal(total, np.eye(be.space.dim))  # X({⋄}) + Σ_x X({x}) = I
    _, probs = measurement_statistics_povm(Qobj(rho1), ops)
    ours, diamond = be.outcome_probabilities(rho1, 0)
    np.testing.assert_allclose(probs, [diamond, *ours], atol=1e-15)


SPECS = [
    random_spec(2, 2, 2, M=4, seed=1),
    random_spec(3, 3, 2, seed=2),
    random_spec(3, 2, 3, seed=3, beta=1.0),
    random_spec(3, 3, 2, seed=5, d=5, d_attn=2, beta=2.5),
]


@pytest.mark.parametrize("spec", SPECS, ids=["N2", "N3", "N3L3", "N3d5"])
def test_joint_equals_autoregressive_exactly(spec):
    ref = autoregressive_joint(spec)
    assert sum(ref.values()) == pytest.approx(1.0, abs=1e-13)
    for mode in ("dense", "sparse"):
        jd = sequential_measurement(spec, mode)
        assert set(jd.joint) == set(ref)
        assert max(abs(jd.joint[k] - ref[k]) for k in ref) <= 1e-12


def test_dense_and_sparse_states_agree_along_the_tree():
    spec = SPECS[1]
    d, s = DenseBackend(spec), SparseBackend(spec)
    from isingformer.quantum import sparse_to_dense

    rd, rs = d.initial(), s.initial()
    for block, outcome in enumerate((0, 2)):
        rd, rs = d.evolve(rd, block), s.evolve(rs, block)
        np.testing.assert_allclose(sparse_to_dense(d.space, rs), rd, atol=1e-15)
        pd, _ = d.outcome_probabilities(rd, block)
        ps, _ = s.outcome_probabilities(rs, block)
        np.testing.assert_allclose(pd, ps, atol=1e-15)
        x = outcome if pd[outcome] > 0 else int(np.argmax(pd))
        rd, rs = d.reduce(rd, block, x), s.reduce(rs, block, x)


SEEDS = [0, 1, 2, 3, 4]


@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_measurement_samples_pass_chi_square_over_seeds(mode):
    spec = example_spec()
    exact = sequential_measurement(spec, mode).joint
    ps = [chi_square(sample_by_measurement(spec, 4000, s, mode), exact)[2] for s in SEEDS]
    assert fisher_combined(ps) > 1e-3, ps


def test_autoregressive_samples_pass_chi_square_over_seeds():
    spec = SPECS[1]
    exact = sequential_measurement(spec, "sparse").joint
    ps = [chi_square(autoregressive_sample(spec, 4000, s), exact)[2] for s in SEEDS]
    assert fisher_combined(ps) > 1e-3, ps
    qs = [chi_square(sample_by_measurement(spec, 4000, s, "sparse"), exact)[2] for s in SEEDS]
    assert fisher_combined(qs) > 1e-3, qs


def test_chi_square_has_power():
    """Samples of the Example tested against a slightly wrong law are rejected."""
    spec = example_spec()
    exact = sequential_measurement(spec).joint
    wrong = dict(exact)
    wrong[(0, 0)] += 0.02
    wrong[(1, 0)] -= 0.02
    ps = [chi_square(sample_by_measurement(spec, 20000, s), wrong)[2] for s in SEEDS]
    assert fisher_combined(ps) < 1e-6


def test_sampling_is_deterministic_per_seed():
    spec = SPECS[0]
    a = sample_by_measurement(spec, 500, 3, "sparse")
    b = sample_by_measurement(spec, 500, 3, "sparse")
    np.testing.assert_array_equal(a, b)
    assert a.shape == (500, spec.L)


def test_sparse_mode_at_vocabulary_50():
    """Vocabulary 50, text of 8 tokens, 4 blocks: exact and in (well under) seconds."""
    spec = random_spec(50, 8, 4, injective=True, seed=1)
    jd = sequential_measurement(spec, "sparse")
    ref = autoregressive_joint(spec)
    assert set(jd.joint) == set(ref)
    assert max(abs(jd.joint[k] - ref[k]) for k in ref) <= 1e-12
    assert sum(jd.joint.values()) == pytest.approx(1.0, abs=1e-12)
    assert len(jd.joint) > 1000


@settings(max_examples=20, deadline=None)
@given(
    n_tokens=st.integers(1, 4),
    text_len=st.integers(1, 3),
    n_blocks=st.integers(1, 3),
    beta=st.one_of(st.none(), st.floats(-3, 3)),
    seed=st.integers(0, 10_000),
)
def test_property_sparse_joint_equals_autoregressive(n_tokens, text_len, n_blocks, beta, seed):
    spec = random_spec(n_tokens, text_len, n_blocks, beta=beta, seed=seed)
    ref = autoregressive_joint(spec)
    jd = sequential_measurement(spec, "sparse")
    assert set(jd.joint) == set(ref)
    assert max(abs(jd.joint[k] - ref[k]) for k in ref) <= 1e-12
    assert sum(jd.joint.values()) == pytest.approx(1.0, abs=1e-12)


def test_too_few_samples_are_no_test_not_a_pass():
    """With one sample every outcome pools into one bin: χ² has no degrees of
    freedom. It returned p = 1, and ``quantum verify --samples 1`` passed."""
    from types import SimpleNamespace

    from isingformer.errors import InputError
    from isingformer.quantum.verify import verify_spec

    spec = example_spec()
    exact = sequential_measurement(spec).joint
    _, dof, p = chi_square(sample_by_measurement(spec, 1, 0), exact)
    assert dof == 0 and math.isnan(p)
    assert chi_square(sample_by_measurement(spec, 200, 0), exact)[1] >= 1
    with pytest.raises(InputError, match="too few for the χ² check"):
        verify_spec(spec, seeds=[0], n_samples=1, cptp=SimpleNamespace(cptp=True))
