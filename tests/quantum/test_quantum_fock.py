"""Token Hilbert space, finite Fock space, diag(α, A(1), …) and the input state ρ_T."""

import numpy as np
import pytest
import qutip as qt

from isingformer.errors import InputError
from isingformer.quantum import FockOperator, FockSpace, diag, input_state, product_projector


def test_dimensions_and_offsets():
    sp = FockSpace(2, 6)
    assert [sp.sector_dim(k) for k in range(7)] == [1, 2, 4, 8, 16, 32, 64]
    assert sp.dim == 127
    assert sp.offsets == [0, 1, 3, 7, 15, 31, 63, 127]


@pytest.mark.parametrize("n_tokens,M", [(1, 3), (2, 4), (3, 3), (5, 2)])
def test_index_string_roundtrip(n_tokens, M):
    sp = FockSpace(n_tokens, M)
    seen = set()
    for i in range(sp.dim):
        w = sp.string(i)
        assert sp.index(w) == i
        seen.add(w)
    assert len(seen) == sp.dim
    for k in range(M + 1):
        strings = sp.strings(k)
        assert strings.shape == (n_tokens**k, k)
        idx = [sp.index(tuple(s)) for s in strings]
        assert idx == list(range(sp.offsets[k], sp.offsets[k + 1]))


def test_tensor_order_matches_qutip():
    # |x0 x1 x0> in sector 3 has local index 0b010 = 2, as qutip.tensor orders it
    sp = FockSpace(2, 3)
    ket = qt.tensor(qt.basis(2, 0), qt.basis(2, 1), qt.basis(2, 0)).full().ravel()
    assert np.argmax(np.abs(ket)) == sp.index((0, 1, 0)) - sp.offsets[3]


def test_diag_block_diagonal_and_qobj():
    sp = FockSpace(2, 3)
    rng = np.random.default_rng(0)
    A1 = rng.standard_normal((2, 2))
    A3 = rng.standard_normal((8, 8))
    op = diag(sp, 0.5, A1, None, A3)
    dense = op.to_dense()
    assert dense.shape == (15, 15)
    assert dense[0, 0] == 0.5
    np.testing.assert_array_equal(dense[1:3, 1:3], A1)
    np.testing.assert_array_equal(dense[3:7, 3:7], 0)
    np.testing.assert_array_equal(dense[7:15, 7:15], A3)
    np.testing.assert_allclose(op.to_qobj().full(), dense)
    back = FockOperator.from_dense(sp, dense)
    assert sorted(back.blocks) == [0, 1, 3]
    mixed = dense.copy()
    mixed[0, 5] = 1.0
    with pytest.raises(InputError, match="mixes sectors"):
        FockOperator.from_dense(sp, mixed)
    with pytest.raises(InputError, match="must be 4 x 4"):
        diag(sp, 0, None, np.eye(3))


def test_input_state_of_document_example():
    sp = FockSpace(2, 6)
    rho = input_state(sp, (0, 1, 0))
    assert rho.sector_traces() == {3: 1.0}
    assert rho.trace() == pytest.approx(1.0)
    dense = rho.to_dense()
    i = sp.index((0, 1, 0))
    assert dense[i, i] == 1.0 and np.count_nonzero(dense) == 1
    np.testing.assert_array_equal(rho.blocks[3], product_projector(2, (0, 1, 0)))
    # ρ_T is a density operator: Hermitian, PSD, trace one
    ev = np.linalg.eigvalsh(dense)
    assert ev.min() >= 0 and ev.sum() == pytest.approx(1.0)


def test_input_state_errors():
    sp = FockSpace(2, 2)
    with pytest.raises(InputError, match="empty"):
        input_state(sp, ())
    with pytest.raises(InputError, match="does not fit"):
        input_state(sp, (0, 1, 0))
