"""Two interchangeable ways to hold a density operator on F^(M)(h) and act on it.

* :class:`DenseBackend` — the full [dim, dim] matrix (dim = Σ_k N^k) and the
  explicit Kraus matrices: every matrix can be seen (and handed to QuTiP).
* :class:`SparseBackend` — only the populated matrix elements ⟨w|ρ|w'⟩, keyed by
  basis strings, so only the sectors and branches the model visits are stored;
  vocabularies of tens of tokens and texts of ~10 tokens fit easily.

Both implement ``initial()``, ``evolve(state, block)`` (ρ ↦ E(t_ℓ, t_0)ρ),
``outcome_probabilities(state, block)`` (Tr[X_ℓ({x}) ρ] for every token x and
Tr[X_ℓ({⋄}) ρ]) and ``reduce(state, block, outcome)`` (von Neumann–Lüders).
``block`` is 0-based: block ℓ − 1 measures the sector n + ℓ.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

import numpy as np

from isingformer.errors import InputError, PhysicsError
from isingformer.quantum.channel import BlockChannel
from isingformer.quantum.fock import FockSpace, input_state
from isingformer.quantum.spec import TransformerSpec

#: Outcome label of the "no token" element X_ℓ({⋄}) of the measurement.
DIAMOND = -1

#: Largest dim F^(M)(h) the dense mode accepts (a [dim, dim] complex matrix).
DENSE_MAX_DIM = 1024
#: ``mode="auto"`` picks dense up to this dimension (tiny systems), sparse above.
AUTO_DENSE_MAX_DIM = 256

SparseState = dict[tuple[tuple[int, ...], tuple[int, ...]], complex]


class Backend(Protocol):
    """What the sequential measurement needs from a state representation."""

    name: str
    spec: TransformerSpec

    def initial(self): ...
    def evolve(self, state, block: int): ...
    def outcome_probabilities(self, state, block: int) -> tuple[np.ndarray, float]: ...
    def reduce(self, state, block: int, outcome: int): ...


class DenseBackend:
    """Full density matrices on F^(M)(h) and explicit Kraus matrices."""

    name = "dense"

    def __init__(self, spec: TransformerSpec, max_dim: int = DENSE_MAX_DIM) -> None:
        self.spec = spec
        self.space = FockSpace(spec.n_tokens, spec.M)
        if self.space.dim > max_dim:
            raise InputError(
                f"dense mode: dim F^({spec.M})(C^{spec.n_tokens}) = {self.space.dim} exceeds "
                f"{max_dim}; use --mode sparse"
            )
        self.channels = [BlockChannel(spec, b) for b in range(spec.L)]
        self.kraus = [ch.kraus_operators(max_dim) for ch in self.channels]
        # every K_λ is a weighted partial injection of basis strings (one entry per
        # row and column), so K ρ K† is a gather/scatter of ρ's entries
        self._entries = []
        for ops in self.kraus:
            per_block = []
            for K in ops:
                coo = K.tocoo()
                if np.unique(coo.row).size != coo.nnz or np.unique(coo.col).size != coo.nnz:
                    raise AssertionError("a Kraus operator is not a partial injection")
                per_block.append((coo.row, coo.col, coo.data))
            self._entries.append(per_block)

    def initial(self) -> np.ndarray:
        """ρ_T as a full [dim, dim] complex matrix."""
        return input_state(self.space, self.spec.text).to_dense()

    def evolve(self, state: np.ndarray, block: int) -> np.ndarray:
        """Σ_λ K_λ ρ K_λ† (real Kraus matrices with one entry per row and column:
        (K ρ K†)[r_a, r_b] = k_a ρ[c_a, c_b] k_b)."""
        out = np.zeros(state.shape, dtype=complex)
        nonzero = state != 0
        support = nonzero.any(axis=0) | nonzero.any(axis=1)  # only these columns matter
        for rows, cols, vals in self._entries[block]:
            keep = support[cols]
            if keep.any():
                r, c, v = rows[keep], cols[keep], vals[keep]
                out[np.ix_(r, r)] += v[:, None] * state[np.ix_(c, c)] * v[None, :]
        return out

    def evolve_matmul(self, state: np.ndarray, block: int) -> np.ndarray:
        """Σ_λ K_λ ρ K_λ† by sparse matrix products (reference for :meth:`evolve`)."""
        out = np.zeros(state.shape, dtype=complex)
        for K in self.kraus[block]:
            out += K @ (K @ state.T).T
        return out

    def _masks(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        """Global indices of the measured sector n + ℓ and the last token of each."""
        s = self.spec.n + block + 1
        sl = self.space.sector_slice(s)
        idx = np.arange(sl.start, sl.stop)
        return idx, (idx - sl.start) % self.spec.n_tokens

    def outcome_probabilities(self, state: np.ndarray, block: int) -> tuple[np.ndarray, float]:
        """(Tr[X_ℓ({x})ρ] for x = 0..N−1, Tr[X_ℓ({⋄})ρ])."""
        diag = state.diagonal().real
        idx, last = self._masks(block)
        probs = np.bincount(last, weights=diag[idx], minlength=self.spec.n_tokens)
        return probs, float(diag.sum() - probs.sum())

    def projector_mask(self, block: int, outcome: int) -> np.ndarray:
        """Diagonal of the projector X_ℓ({x}) (or X_ℓ({⋄}) for ``DIAMOND``), bool [dim]."""
        idx, last = self._masks(block)
        mask = np.zeros(self.space.dim, dtype=bool)
        if outcome == DIAMOND:
            mask[:] = True
            mask[idx] = False
        else:
            mask[idx[last == outcome]] = True
        return mask

    def reduce(self, state: np.ndarray, block: int, outcome: int) -> np.ndarray:
        """E ρ E / Tr[E ρ] with E = X_ℓ({outcome})."""
        m = self.projector_mask(block, outcome).astype(float)
        red = state * m[:, None] * m[None, :]
        p = red.trace().real
        if p <= 0:
            raise PhysicsError(f"Lüders reduction on an outcome of probability {p:g}")
        return red / p


class SparseBackend:
    """Density operators as {(w, w'): ⟨w|ρ|w'⟩} over populated basis strings only."""

    name = "sparse"

    def __init__(self, spec: TransformerSpec) -> None:
        self.spec = spec
        self.space = FockSpace(spec.n_tokens, spec.M)
        self.channels = [BlockChannel(spec, b) for b in range(spec.L)]

    def initial(self) -> SparseState:
        """ρ_T = |x_1 … x_n⟩⟨x_1 … x_n|."""
        return {(self.spec.text, self.spec.text): 1.0 + 0j}

    def evolve(self, state: SparseState, block: int) -> SparseState:
        """Σ_λ K_λ ρ K_λ† on the populated elements only."""
        ch = self.channels[block]
        out: defaultdict = defaultdict(complex)
        for (wr, wc), v in state.items():
            if v == 0:
                continue
            bc = {b.label: b for b in ch.branches(wc)}
            for br in ch.branches(wr):
                other = bc.get(br.label)
                if other is not None:
                    out[(br.image, other.image)] += v * br.amplitude * other.amplitude
        return dict(out)

    def _in_outcome(self, w: tuple[int, ...], s: int, outcome: int) -> bool:
        if outcome == DIAMOND:
            return len(w) != s
        return len(w) == s and w[-1] == outcome

    def outcome_probabilities(self, state: SparseState, block: int) -> tuple[np.ndarray, float]:
        """(Tr[X_ℓ({x})ρ] for x = 0..N−1, Tr[X_ℓ({⋄})ρ])."""
        s = self.spec.n + block + 1
        probs = np.zeros(self.spec.n_tokens)
        rest = 0.0
        for (wr, wc), v in state.items():
            if wr != wc:
                continue
            if len(wr) == s:
                probs[wr[-1]] += v.real
            else:
                rest += v.real
        return probs, rest

    def reduce(self, state: SparseState, block: int, outcome: int) -> SparseState:
        """E ρ E / Tr[E ρ] with E = X_ℓ({outcome})."""
        s = self.spec.n + block + 1
        red = {
            (wr, wc): v
            for (wr, wc), v in state.items()
            if self._in_outcome(wr, s, outcome) and self._in_outcome(wc, s, outcome)
        }
        p = sum(v.real for (wr, wc), v in red.items() if wr == wc)
        if p <= 0:
            raise PhysicsError(f"Lüders reduction on an outcome of probability {p:g}")
        return {key: v / p for key, v in red.items()}


def make_backend(spec: TransformerSpec, mode: str = "auto") -> DenseBackend | SparseBackend:
    """``"dense"``, ``"sparse"`` or ``"auto"`` (dense when dim F^(M) ≤ AUTO_DENSE_MAX_DIM)."""
    if mode == "dense":
        return DenseBackend(spec)
    if mode == "sparse":
        return SparseBackend(spec)
    if mode == "auto":
        dim = FockSpace(spec.n_tokens, spec.M).dim
        return DenseBackend(spec) if dim <= AUTO_DENSE_MAX_DIM else SparseBackend(spec)
    raise InputError(f"--mode: expected auto, dense or sparse, got {mode!r}")


def sparse_to_dense(space: FockSpace, state: SparseState) -> np.ndarray:
    """The full [dim, dim] matrix of a sparse state (for cross-checks on tiny spaces)."""
    out = np.zeros((space.dim, space.dim), dtype=complex)
    for (wr, wc), v in state.items():
        out[space.index(wr), space.index(wc)] += v
    return out
