"""Replica exchange (parallel tempering) as part of the sampler interface.

Any sampler that can (a) hold R replicas, (b) report their energies and (c)
run single-temperature sweeps — replica k at its own β_k — gets replica
exchange from one generic driver, :func:`replica_exchange`::

    sampler = DenseIsingSampler(J)                  # SK, a layered bond matrix, ...
    res = replica_exchange(sampler, betas, n_sweeps=2000, n_chains=2, seed=0)
    res.energies[:, c, r], res.overlaps[:, r], res.acceptance

The protocol (:class:`ReplicaSampler`): ``start(n_replicas, rng) -> state``,
``energies(state) -> [R]``, ``sweep(state, betas [R], n_sweeps, seed)``
(in place; replica k at ``betas[k]``), ``spins(state) -> [R, N]``. The driver
never moves configurations: a swap exchanges the *temperatures* of two
replicas (``who[c, r]`` is the replica at temperature slot r of chain c), so a
sampler needs no swap support and a swap costs O(1). Swaps between β_r and
β_{r+1} (even pairs, then odd pairs, alternating) are accepted with
``min(1, exp((β_{r+1} − β_r)(E_{r+1} − E_r)))``, which keeps the product of
the Boltzmann distributions at every β invariant (detailed balance).

Samplers here: :class:`DenseIsingSampler` (``H = −½ sᵀJs − hᵀs`` with dense
symmetric couplings: the SK glass, the layered bond model of
``isingformer phases spin``), compiled; :class:`FunctionSampler` wraps plain
Python ``energy(x)`` and ``sweep(x, beta, rng)`` functions of one replica.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numba import njit

from isingformer.errors import InputError
from isingformer.physics.glass._kernels import metropolis_sweep_dense

__all__ = [
    "DenseIsingSampler",
    "FunctionSampler",
    "ReplicaResult",
    "ReplicaSampler",
    "replica_exchange",
]


class ReplicaSampler(Protocol):
    """What :func:`replica_exchange` needs from a sampler."""

    n_spins: int

    def start(self, n_replicas: int, rng: np.random.Generator) -> Any:
        """A state holding ``n_replicas`` independent random configurations."""

    def energies(self, state: Any) -> np.ndarray:
        """Energies ``[R]`` of the replicas."""

    def sweep(self, state: Any, betas: np.ndarray, n_sweeps: int, seed: int) -> None:
        """``n_sweeps`` sweeps of every replica k at inverse temperature ``betas[k]``."""

    def spins(self, state: Any) -> np.ndarray:
        """Configurations ``[R, N]`` of the replicas."""


@njit(cache=True)
def _sweep_replicas(J, spins, fields, energies, betas, n_sweeps, seed):  # pragma: no cover
    np.random.seed(seed)
    for _ in range(n_sweeps):
        for k in range(spins.shape[0]):
            energies[k] = metropolis_sweep_dense(J, spins[k], fields[k], betas[k], energies[k])


@njit(cache=True)
def _swap_round(betas, energies, who, start, uniforms, acc, att):  # pragma: no cover
    n_chains, n_temps = who.shape
    for c in range(n_chains):
        for r in range(start, n_temps - 1, 2):
            a, b = who[c, r], who[c, r + 1]
            d = (betas[r + 1] - betas[r]) * (energies[b] - energies[a])
            att[r] += 1
            if d >= 0.0 or uniforms[c, r] < np.exp(d):
                acc[r] += 1
                who[c, r], who[c, r + 1] = b, a


@dataclass
class _DenseState:
    spins: np.ndarray  # [R, N] int8
    fields: np.ndarray  # [R, N] float64
    energies: np.ndarray  # [R]


class DenseIsingSampler:
    """Metropolis sweeps of ``H = −½ sᵀJs − hᵀs``, ``J [N, N]`` dense, symmetric,
    zero diagonal (the compiled sweep of :mod:`isingformer.physics.glass`, all
    replicas in one call)."""

    def __init__(self, J: np.ndarray, h: np.ndarray | None = None) -> None:
        J = np.ascontiguousarray(J, dtype=np.float64)
        if J.ndim != 2 or J.shape[0] != J.shape[1] or J.shape[0] < 1:
            raise InputError(f"couplings must be a square matrix, got shape {J.shape}")
        if not np.allclose(J, J.T) or np.any(np.diag(J) != 0):
            raise InputError("couplings must be symmetric with a zero diagonal")
        self.J = J
        self.n_spins = J.shape[0]
        self.h = np.zeros(self.n_spins) if h is None else np.asarray(h, dtype=np.float64)
        if self.h.shape != (self.n_spins,):
            raise InputError(f"field must have shape ({self.n_spins},), got {self.h.shape}")

    def energy_of(self, s: np.ndarray) -> np.ndarray:
        """``H(s)`` of configurations ``s [..., N]`` (±1): ``[...]``."""
        s = np.asarray(s, dtype=np.float64)
        return -0.5 * np.einsum("...i,ij,...j->...", s, self.J, s) - s @ self.h

    def start(self, n_replicas: int, rng: np.random.Generator) -> _DenseState:
        s = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_replicas, self.n_spins))
        f = s.astype(np.float64) @ self.J + self.h
        return _DenseState(s, np.ascontiguousarray(f), self.energy_of(s))

    def energies(self, state: _DenseState) -> np.ndarray:
        return state.energies

    def sweep(self, state: _DenseState, betas: np.ndarray, n_sweeps: int, seed: int) -> None:
        _sweep_replicas(self.J, state.spins, state.fields, state.energies, betas, n_sweeps, seed)

    def spins(self, state: _DenseState) -> np.ndarray:
        return state.spins


class FunctionSampler:
    """A sampler from plain functions of one replica: ``energy(x) -> float`` and
    ``sweep(x, beta, rng) -> x`` (one single-temperature sweep, returning the new
    configuration); ``init(rng) -> x``. Slow (a Python call per replica and sweep),
    but any model plugs in."""

    def __init__(
        self,
        energy: Callable[[np.ndarray], float],
        sweep: Callable[[np.ndarray, float, np.random.Generator], np.ndarray],
        init: Callable[[np.random.Generator], np.ndarray],
    ) -> None:
        self._energy, self._sweep, self._init = energy, sweep, init
        self.n_spins = int(np.asarray(init(np.random.default_rng(0))).size)

    def start(self, n_replicas: int, rng: np.random.Generator) -> list:
        return [np.asarray(self._init(rng)) for _ in range(n_replicas)]

    def energies(self, state: list) -> np.ndarray:
        return np.array([self._energy(x) for x in state], dtype=np.float64)

    def sweep(self, state: list, betas: np.ndarray, n_sweeps: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        for k, x in enumerate(state):
            for _ in range(n_sweeps):
                x = self._sweep(x, float(betas[k]), rng)
            state[k] = x

    def spins(self, state: list) -> np.ndarray:
        return np.stack([np.ravel(x) for x in state])


@dataclass(frozen=True)
class ReplicaResult:
    """Outcome of :func:`replica_exchange`, everything indexed by temperature slot.

    ``betas [R]`` ascending; ``acceptance [R−1]`` swap acceptance between β_r
    and β_{r+1} (chains pooled); ``energies [n_rec, C, R]``; ``overlaps
    [n_rec, R]`` (q = s¹·s²/N of chains 0 and 1, None for one chain);
    ``observed [n_rec, ...]`` (what ``observe`` returned, or None);
    ``final_spins [C, R, N]``; ``traversals``: passages of a replica from the
    hottest slot to the coldest one (all chains; 0 means the ladder does not mix)."""

    betas: np.ndarray
    acceptance: np.ndarray
    energies: np.ndarray
    overlaps: np.ndarray | None
    observed: np.ndarray | None
    final_spins: np.ndarray
    traversals: int


def _check_betas(betas) -> np.ndarray:
    b = np.ascontiguousarray(betas, dtype=np.float64)
    if b.ndim != 1 or b.size < 1 or not np.all(np.isfinite(b)) or b[0] <= 0:
        raise InputError("betas must be finite, positive and strictly ascending")
    if np.any(np.diff(b) <= 0):
        raise InputError("betas must be finite, positive and strictly ascending")
    return b


def replica_exchange(
    sampler: ReplicaSampler,
    betas,
    *,
    n_sweeps: int = 1000,
    n_chains: int = 1,
    burn_in: int | None = None,
    record_every: int = 1,
    swap_every: int = 1,
    observe: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    seed=0,
) -> ReplicaResult:
    """Parallel tempering of ``n_chains`` independent chains over the ladder ``betas [R]``.

    Every round: ``swap_every`` sweeps of all ``C·R`` replicas (each at the β of
    its slot), then one swap round (even pairs on even rounds, odd pairs on odd
    ones). From sweep ``burn_in`` (default ``n_sweeps // 4``) on, every
    ``record_every`` sweeps the energies, the overlap of chains 0 and 1 and
    ``observe(spins [C, R, N], energies [C, R])`` are recorded by slot.
    ``n_sweeps`` is rounded up to a multiple of ``swap_every``.
    """
    b = _check_betas(betas)
    if min(n_sweeps, n_chains, record_every, swap_every) < 1:
        raise InputError("n_sweeps, n_chains, record_every and swap_every must be >= 1")
    burn_in = n_sweeps // 4 if burn_in is None else burn_in
    if not 0 <= burn_in < n_sweeps:
        raise InputError(f"burn_in must be in [0, n_sweeps), got {burn_in}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    C, R = n_chains, b.size
    state = sampler.start(C * R, rng)
    who = np.arange(C * R, dtype=np.int64).reshape(C, R)  # replica at slot r of chain c
    beta_of = np.empty(C * R)
    acc = np.zeros(max(R - 1, 1), dtype=np.int64)
    att = np.zeros_like(acc)
    e_rec, q_rec, obs = [], [], []
    last_end = np.full(C * R, -1, dtype=np.int64)  # the last end a replica saw: 1 hot, 0 cold
    trips = 0
    n_rounds = -(-n_sweeps // swap_every)
    for t in range(n_rounds):
        beta_of[who.ravel()] = np.tile(b, C)
        sampler.sweep(state, beta_of, swap_every, int(rng.integers(0, 2**31 - 1)))
        energies = np.asarray(sampler.energies(state), dtype=np.float64)
        if R > 1:
            _swap_round(b, energies, who, t % 2, rng.random((C, R - 1)), acc, att)
            hot, cold = who[:, 0], who[:, -1]
            trips += int(np.sum(last_end[cold] == 1))
            last_end[hot], last_end[cold] = 1, 0
        done = (t + 1) * swap_every
        for sw in range(done - swap_every, done):
            if sw >= burn_in and (sw - burn_in) % record_every == 0:
                e_rec.append(energies[who])
                if C >= 2 or observe is not None:
                    s = np.asarray(sampler.spins(state))[who]  # [C, R, N]
                    if C >= 2:
                        q_rec.append((s[0].astype(np.float64) * s[1]).sum(axis=1) / sampler.n_spins)
                    if observe is not None:
                        obs.append(np.asarray(observe(s, energies[who])))
                break  # one record per round at most (the state after the round)
    with np.errstate(invalid="ignore", divide="ignore"):
        acceptance = acc / att if R > 1 else np.zeros(0)
    return ReplicaResult(
        betas=b,
        acceptance=acceptance[: R - 1],
        energies=np.array(e_rec).reshape(-1, C, R),
        overlaps=np.array(q_rec) if C >= 2 else None,
        observed=np.array(obs) if observe is not None else None,
        final_spins=np.asarray(sampler.spins(state))[who].copy(),
        traversals=trips,
    )
