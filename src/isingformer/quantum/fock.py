"""The token Hilbert space h and the finite Fock space F^(M)(h) = C ⊕ h ⊕ h⊗2 ⊕ … ⊕ h⊗M.

Basis: the vacuum Ω (sector 0) and the product states |x_1⟩⊗…⊗|x_k⟩ of k tokens
(sector k), ordered sector by sector and, inside a sector, lexicographically with
the first factor most significant (QuTiP's ``tensor`` convention). Operators that
do not mix sectors are stored block by block (:class:`FockOperator`), as in the
document's ``diag(α, A(1), …, A(M))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from isingformer.errors import InputError


@dataclass(frozen=True)
class FockSpace:
    """F^(M)(h) over a token space h = C^N (orthonormal basis = the N tokens)."""

    n_tokens: int
    M: int

    def __post_init__(self) -> None:
        if self.n_tokens < 1 or self.M < 0:
            raise InputError(
                f"FockSpace: need N >= 1 and M >= 0, got N = {self.n_tokens}, M = {self.M}"
            )

    def sector_dim(self, k: int) -> int:
        """dim h⊗k = N^k (1 for the vacuum sector k = 0)."""
        return self.n_tokens**k

    @cached_property
    def offsets(self) -> list[int]:
        """Index of the first basis state of each sector k = 0..M (and the total at M+1)."""
        out = [0]
        for k in range(self.M + 1):
            out.append(out[-1] + self.sector_dim(k))
        return out

    @property
    def dim(self) -> int:
        """Σ_{k=0}^M N^k."""
        return self.offsets[-1]

    def index(self, string: Sequence[int]) -> int:
        """Global basis index of |x_1 … x_k⟩ (the empty string is the vacuum)."""
        k = len(string)
        if k > self.M:
            raise InputError(
                f"FockSpace.index: a string of {k} tokens does not fit in F^({self.M})"
            )
        local = 0
        for t in string:
            local = local * self.n_tokens + int(t)
        return self.offsets[k] + local

    def string(self, index: int) -> tuple[int, ...]:
        """Inverse of :meth:`index`."""
        offs = self.offsets
        if not 0 <= index < offs[-1]:
            raise InputError(f"FockSpace.string: index {index} outside 0..{offs[-1] - 1}")
        k = int(np.searchsorted(offs, index, side="right")) - 1
        local = index - offs[k]
        digits = []
        for _ in range(k):
            local, r = divmod(local, self.n_tokens)
            digits.append(r)
        return tuple(reversed(digits))

    def strings(self, k: int) -> np.ndarray:
        """All basis strings of sector k in index order, [N^k, k] (int64)."""
        if k == 0:
            return np.zeros((1, 0), dtype=np.int64)
        grids = np.indices((self.n_tokens,) * k).reshape(k, -1).T
        return grids.astype(np.int64)

    def sector_slice(self, k: int) -> slice:
        """Rows/columns of sector k in a full [dim, dim] matrix."""
        offs = self.offsets
        return slice(offs[k], offs[k + 1])


@dataclass
class FockOperator:
    """A sector-block-diagonal operator diag(α, A(1), …, A(M)) on F^(M)(h).

    ``blocks[k]`` is the [N^k, N^k] block of sector k; missing sectors are 0.
    """

    space: FockSpace
    blocks: dict[int, np.ndarray] = field(default_factory=dict)

    def to_dense(self) -> np.ndarray:
        """The full [dim, dim] complex matrix."""
        out = np.zeros((self.space.dim, self.space.dim), dtype=complex)
        for k, blk in self.blocks.items():
            s = self.space.sector_slice(k)
            out[s, s] = blk
        return out

    @classmethod
    def from_dense(cls, space: FockSpace, matrix: np.ndarray, tol: float = 1e-12) -> FockOperator:
        """Split a full matrix into sector blocks; raise if it mixes sectors beyond ``tol``."""
        matrix = np.asarray(matrix)
        if matrix.shape != (space.dim, space.dim):
            raise InputError(
                f"FockOperator.from_dense: expected shape {(space.dim, space.dim)}, got {matrix.shape}"
            )
        mask = np.zeros(matrix.shape, dtype=bool)
        blocks = {}
        for k in range(space.M + 1):
            s = space.sector_slice(k)
            mask[s, s] = True
            blk = matrix[s, s]
            if np.any(np.abs(blk) > tol):
                blocks[k] = blk.copy()
        off = np.abs(matrix[~mask]).max() if (~mask).any() else 0.0
        if off > tol:
            raise InputError(
                f"FockOperator.from_dense: the matrix mixes sectors (off-block entry {off:.3g})"
            )
        return cls(space, blocks)

    def trace(self) -> complex:
        """Tr of the operator (sum over sectors)."""
        return complex(sum(np.trace(b) for b in self.blocks.values()))

    def sector_traces(self) -> dict[int, float]:
        """Tr of each populated sector's block (real part)."""
        return {k: float(np.trace(b).real) for k, b in sorted(self.blocks.items())}

    def to_qobj(self):  # -> qutip.Qobj
        """The operator as a QuTiP ``Qobj`` (built with ``qutip.direct_sum``)."""
        import qutip as qt

        parts = []
        for k in range(self.space.M + 1):
            dim = self.space.sector_dim(k)
            parts.append(qt.Qobj(self.blocks.get(k, np.zeros((dim, dim)))))
        if len(parts) == 1:
            return parts[0]
        grid = [[p if i == j else None for j in range(len(parts))] for i, p in enumerate(parts)]
        return qt.direct_sum(grid)


def diag(space: FockSpace, alpha: complex, *sector_blocks: np.ndarray | None) -> FockOperator:
    """The document's diag(α, A(1), …, A(M)): α on the vacuum, A(k) on h⊗k.

    ``sector_blocks`` lists A(1), …, A(m) for m ≤ M ([N^k, N^k] each, or ``None``
    / 0 for the zero operator); sectors not given are 0.
    """
    if len(sector_blocks) > space.M:
        raise InputError(
            f"diag: {len(sector_blocks)} sector blocks given but F^({space.M}) has {space.M}"
        )
    blocks: dict[int, np.ndarray] = {}
    if alpha != 0:
        blocks[0] = np.array([[alpha]], dtype=complex)
    for k, blk in enumerate(sector_blocks, start=1):
        if blk is None or (np.isscalar(blk) and blk == 0):
            continue
        arr = np.asarray(blk, dtype=complex)
        dim = space.sector_dim(k)
        if arr.shape != (dim, dim):
            raise InputError(f"diag: A({k}) must be {dim} x {dim} (N^{k}), got {arr.shape}")
        blocks[k] = arr
    return FockOperator(space, blocks)


def product_projector(n_tokens: int, string: Sequence[int]) -> np.ndarray:
    """|x_1⟩⟨x_1| ⊗ … ⊗ |x_k⟩⟨x_k| as an [N^k, N^k] matrix."""
    out = np.ones((1, 1))
    for t in string:
        e = np.zeros((n_tokens, n_tokens))
        e[t, t] = 1.0
        out = np.kron(out, e)
    return out


def input_state(space: FockSpace, text: Sequence[int]) -> FockOperator:
    """ρ_T = diag(0, 0(1), …, 0(n−1), |x_1⟩⟨x_1| ⊗ … ⊗ |x_n⟩⟨x_n|, 0(n+1), …) for T = x_1 … x_n."""
    n = len(text)
    if n == 0:
        raise InputError("input_state: the text is empty; give at least one token")
    if n > space.M:
        raise InputError(f"input_state: a text of {n} tokens does not fit in F^({space.M})")
    blocks = [None] * (n - 1) + [product_projector(space.n_tokens, text)]
    return diag(space, 0, *blocks)
