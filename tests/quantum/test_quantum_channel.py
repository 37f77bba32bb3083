"""The quantum operations E(t_ℓ, t_0): Kraus form, CPTP, QuTiP cross-checks, dense = sparse."""

import math

import numpy as np
import pytest
import qutip as qt

from isingformer.quantum import (
    BlockChannel,
    DenseBackend,
    FockSpace,
    SparseBackend,
    check_channel,
    check_cptp,
    example_spec,
    random_spec,
    sparse_to_dense,
)
from isingformer.quantum.verify import full_space_strings

E = math.e


def random_density(dim, rank, rng, support=None):
    """A random density matrix on the given basis indices (all if None)."""
    idx = np.arange(dim) if support is None else np.asarray(support)
    psi = rng.standard_normal((idx.size, rank)) + 1j * rng.standard_normal((idx.size, rank))
    small = psi @ psi.conj().T
    rho = np.zeros((dim, dim), dtype=complex)
    rho[np.ix_(idx, idx)] = small / np.trace(small).real
    return rho


def test_document_equation_3_on_the_example():
    spec = example_spec()
    be = DenseBackend(spec)
    rho1 = be.evolve(be.initial(), 0)
    sp = be.space
    # E(t1, t0) ρ_T = 2/(e+2) |x0 x1 x0 x0><…| + e/(e+2) |x0 x1 x0 x1><…|
    expect = np.zeros_like(rho1)
    expect[sp.index((0, 1, 0, 0)), sp.index((0, 1, 0, 0))] = 2 / (E + 2)
    expect[sp.index((0, 1, 0, 1)), sp.index((0, 1, 0, 1))] = E / (E + 2)
    np.testing.assert_allclose(rho1, expect, atol=1e-15)


@pytest.mark.parametrize(
    "spec",
    [example_spec(), random_spec(2, 2, 2, M=4, seed=1), random_spec(3, 2, 3, M=5, seed=2)],
    ids=["example", "N2M4", "N3M5"],
)
def test_kraus_sum_is_identity_on_all_of_fock_space(spec):
    be = DenseBackend(spec)
    for ops in be.kraus:
        assert len(ops) == spec.M + 1
        total = sum(K.T @ K for K in ops).toarray()
        np.testing.assert_allclose(total, np.eye(be.space.dim), atol=1e-14)


def test_vacuum_and_top_sector():
    spec = random_spec(2, 1, 2, M=3, seed=4)
    ch = BlockChannel(spec, 0)
    (br,) = ch.branches(())
    assert br.image == (spec.vacuum_token,) and br.amplitude == 1.0  # Φ(1) = |x_0><x_0|
    (top,) = ch.branches((1, 0, 1))
    assert top.image == (1, 0, 1) and top.amplitude == 1.0  # identity on h^{⊗M}
    w = (1, 0)
    brs = ch.branches(w)
    p = ch.attention(w)
    assert sum(b.amplitude**2 for b in brs) == pytest.approx(1.0, abs=1e-15)
    for i, b in enumerate(brs):
        assert b.label == i + 1
        assert b.image == (*w, int(spec.blocks[0].value_map[w[i]]))
        assert b.amplitude == pytest.approx(math.sqrt(p[i]))


@pytest.mark.parametrize("seed", [0, 1])
def test_qutip_kraus_to_super_full_space(seed):
    """QuTiP: the superoperator of our Kraus operators is CPTP and acts like our map."""
    spec = random_spec(2, 1, 2, M=3, seed=seed)
    be = DenseBackend(spec)
    rng = np.random.default_rng(seed)
    for b, ops in enumerate(be.kraus):
        S = qt.kraus_to_super([qt.Qobj(K.toarray()) for K in ops])
        assert S.iscptp
        rho = random_density(be.space.dim, 3, rng)  # coherences across sectors included
        ours = be.evolve(rho, b)
        theirs = qt.vector_to_operator(S @ qt.operator_to_vector(qt.Qobj(rho))).full()
        np.testing.assert_allclose(ours, theirs, atol=1e-13)
        assert np.trace(ours).real == pytest.approx(1.0, abs=1e-13)
        assert np.linalg.eigvalsh((ours + ours.conj().T) / 2).min() > -1e-13


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sparse_evolve_equals_dense(seed):
    spec = random_spec(3, 2, 2, M=4, seed=seed)
    dense, sparse = DenseBackend(spec), SparseBackend(spec)
    rng = np.random.default_rng(seed)
    sp = dense.space
    support = rng.choice(sp.dim, size=6, replace=False)  # spans several sectors
    rho = random_density(sp.dim, 2, rng, support)
    state = {
        (sp.string(i), sp.string(j)): complex(rho[i, j])
        for i in support
        for j in support
        if rho[i, j] != 0
    }
    for b in range(spec.L):
        np.testing.assert_allclose(
            sparse_to_dense(sp, sparse.evolve(state, b)), dense.evolve(rho, b), atol=1e-14
        )


@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_cptp_checks_on_full_space(mode):
    spec = random_spec(2, 2, 2, M=4, seed=7)
    rep = check_cptp(spec, mode)
    assert rep.full_space and rep.cptp
    for c in rep.checks:
        assert c.n_inputs == FockSpace(2, 4).dim
        assert c.tp_residual < 1e-14 and c.choi_min_eigenvalue > -1e-13
        assert c.choi_apply_vs_kraus < 1e-14
        assert c.qutip_iscptp is True


@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_cptp_checks_on_relevant_sectors_of_the_example(mode):
    rep = check_cptp(example_spec(), mode)
    assert rep.cptp and not rep.full_space
    assert [c.sectors for c in rep.checks] == [[3], [4]]
    assert [c.n_inputs for c in rep.checks] == [8, 16]  # the whole sectors h⊗3, h⊗4
    assert all(c.qutip_iscptp for c in rep.checks)


def test_checks_detect_a_broken_channel(monkeypatch):
    """A map whose amplitudes do not come from a softmax is caught (TP fails)."""
    spec = random_spec(2, 2, 2, M=4, seed=3)
    be = SparseBackend(spec)
    ch = be.channels[0]
    from isingformer.quantum.channel import Branch

    real = ch.branches

    def broken(w):
        return [Branch(b.label, b.image, b.amplitude * 1.01) for b in real(w)]

    monkeypatch.setattr(ch, "branches", broken)
    res = check_channel(be, 0, full_space_strings(spec))
    assert not res.cptp
    assert res.tp_residual > 1e-3
    assert res.qutip_iscptp is False


def test_checks_detect_a_non_cp_implementation(monkeypatch):
    """An 'apply' that transposes the output (positive but not CP) fails the Choi test."""
    spec = random_spec(2, 1, 2, M=3, seed=5)
    be = DenseBackend(spec)
    good = be.evolve
    monkeypatch.setattr(be, "evolve", lambda rho, b: good(rho, b).T)
    res = check_channel(be, 0, full_space_strings(spec))
    assert not res.cptp
    assert res.choi_apply_vs_kraus > 0.1 and res.choi_min_eigenvalue < -1e-3


@pytest.mark.parametrize("seed", [0, 1])
def test_dense_gather_evolve_equals_matrix_products(seed):
    spec = random_spec(3, 2, 2, M=4, seed=seed)
    be = DenseBackend(spec)
    rho = random_density(be.space.dim, 4, np.random.default_rng(seed))
    for b in range(spec.L):
        np.testing.assert_allclose(be.evolve(rho, b), be.evolve_matmul(rho, b), atol=1e-14)


def test_extension_off_the_algebra_is_not_unique():
    """E and E∘D (D: dephasing in the product basis, also CPTP) agree on the document's
    algebra S (diagonal operators) and differ on a coherent input: the Appendix's
    Arveson extension is not unique, as the document says."""
    spec = random_spec(2, 2, 1, M=3, seed=2)
    be = DenseBackend(spec)
    sp = be.space

    def dephased(rho):
        return be.evolve(np.diag(np.diag(rho)), 0)

    rng = np.random.default_rng(0)
    diag_rho = np.diag(rng.random(sp.dim))
    np.testing.assert_allclose(be.evolve(diag_rho, 0), dephased(diag_rho), atol=1e-15)
    psi = np.zeros(sp.dim)
    psi[[sp.index((0, 1)), sp.index((1, 1))]] = 1 / np.sqrt(2)
    coherent = np.outer(psi, psi)
    assert np.abs(be.evolve(coherent, 0) - dephased(coherent)).max() > 0.1
