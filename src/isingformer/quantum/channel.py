"""The quantum operation E(t_ℓ, t_0) of block ℓ as an explicit Kraus map on F^(M)(h).

The document's Appendix defines E on the commutative algebra S spanned by the
vacuum and the product projectors |x_1⟩⟨x_1|⊗…⊗|x_k⟩⟨x_k|,

    Φ(1) = |x_0⟩⟨x_0|,
    Φ(|w⟩⟨w|) = Σ_i softmax(S^(k)(w))_i |w y_i(w)⟩⟨w y_i(w)|,   y_i(w) = FFN(W^V w_i),

with S^(k)(w)_i = β <W^Q w_k, W^K w_i> (query = last token of w), and extends
it by Arveson's theorem without writing the extension down. We write one down:
M + 1 Kraus operators

    K_0 = |x_0⟩⟨Ω|                                          (vacuum → x_0)
    K_i = Σ_{k=i}^{M-1} Σ_{w ∈ T^k} sqrt(p_i(w)) |w y_i(w)⟩⟨w|,  i = 1 … M−1
    K_M = P_M  (identity on the top sector h⊗M, where no token can be appended)

K_i appends the value token of position i with amplitude sqrt(softmax_i).
Σ_λ K_λ† K_λ = |Ω⟩⟨Ω| + Σ_{k=1}^{M-1} Σ_w (Σ_{i≤k} p_i(w)) |w⟩⟨w| + P_M = I, so
E(ρ) = Σ_λ K_λ ρ K_λ† is completely positive and trace preserving on all of
F^(M)(h), and on S it is exactly Φ (the extension is not unique: off S, on
coherences between strings, other extensions differ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from isingformer.errors import InputError
from isingformer.quantum.fock import FockSpace
from isingformer.quantum.spec import TransformerSpec


def _softmax_rows(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Branch:
    """One term K_λ|w⟩ = amplitude · |image⟩ of the Kraus map on a basis string w."""

    label: int
    image: tuple[int, ...]
    amplitude: float


class BlockChannel:
    """E(t_ℓ, t_0) for block ``block`` (0-based) of ``spec``, on F^(M)(h).

    ``branches(w)`` gives the Kraus action on one basis string (used by the
    sparse mode); ``kraus_operators()`` the M + 1 operators as sparse
    [dim, dim] matrices (dense mode; every entry can be inspected).
    """

    def __init__(self, spec: TransformerSpec, block: int) -> None:
        if not 0 <= block < spec.L:
            raise InputError(f"BlockChannel: block {block} outside 0..{spec.L - 1}")
        self.spec = spec
        self.block = block
        self.space = FockSpace(spec.n_tokens, spec.M)
        self.scores = spec.score_matrix(block)  # [N, N]: query token, key token
        self.value_map = spec.blocks[block].value_map  # [N]
        self._cache: dict[tuple[int, ...], list[Branch]] = {}

    @property
    def n_kraus(self) -> int:
        """Number of Kraus operators, M + 1."""
        return self.space.M + 1

    def attention(self, string: tuple[int, ...]) -> np.ndarray:
        """softmax(S^(k))_i for the query w_k against keys w_1..w_k, [k]."""
        w = np.asarray(string, dtype=np.int64)
        return _softmax_rows(self.scores[w[-1], w])

    def branches(self, string: tuple[int, ...]) -> list[Branch]:
        """The non-zero K_λ|w⟩ for a basis string w (cached)."""
        hit = self._cache.get(string)
        if hit is not None:
            return hit
        k, M = len(string), self.space.M
        if k == 0:
            out = [Branch(0, (self.spec.vacuum_token,), 1.0)]
        elif k == M:
            out = [Branch(M, string, 1.0)]
        else:
            p = self.attention(string)
            amp = np.sqrt(p)
            out = [
                Branch(i + 1, (*string, int(self.value_map[t])), float(amp[i]))
                for i, t in enumerate(string)
                if amp[i] > 0.0
            ]
        self._cache[string] = out
        return out

    def kraus_operators(self, max_dim: int = 4096) -> list[sp.csr_matrix]:
        """K_0, …, K_M as real sparse [dim, dim] matrices (dim = Σ_k N^k ≤ ``max_dim``)."""
        space = self.space
        dim, M, N = space.dim, space.M, space.n_tokens
        if dim > max_dim:
            raise InputError(
                f"dense Kraus operators need dim F^({M}) = {dim} <= {max_dim}; use the sparse mode"
            )
        offs = space.offsets
        rows: list[list[np.ndarray]] = [[] for _ in range(M + 1)]
        cols: list[list[np.ndarray]] = [[] for _ in range(M + 1)]
        vals: list[list[np.ndarray]] = [[] for _ in range(M + 1)]
        # K_0: vacuum -> |x_0>
        rows[0].append(np.array([offs[1] + self.spec.vacuum_token]))
        cols[0].append(np.array([0]))
        vals[0].append(np.array([1.0]))
        # K_M: identity on the top sector
        top = np.arange(offs[M], offs[M + 1])
        rows[M].append(top)
        cols[M].append(top)
        vals[M].append(np.ones(top.size))
        for k in range(1, M):
            strings = space.strings(k)  # [N^k, k]
            local = np.arange(strings.shape[0])
            probs = _softmax_rows(self.scores[strings[:, -1:], strings])  # [N^k, k]
            ys = self.value_map[strings]  # [N^k, k] value token of each position
            for i in range(k):
                rows[i + 1].append(offs[k + 1] + local * N + ys[:, i])
                cols[i + 1].append(offs[k] + local)
                vals[i + 1].append(np.sqrt(probs[:, i]))
        ops = []
        for lam in range(M + 1):
            r = np.concatenate(rows[lam]) if rows[lam] else np.zeros(0, dtype=np.int64)
            c = np.concatenate(cols[lam]) if cols[lam] else np.zeros(0, dtype=np.int64)
            v = np.concatenate(vals[lam]) if vals[lam] else np.zeros(0)
            ops.append(sp.csr_matrix((v, (r, c)), shape=(dim, dim)))
        return ops
