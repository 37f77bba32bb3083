"""One Monte Carlo interface: an immutable :class:`Sampler` and an explicit
:class:`SamplerState`.

    model = square_ising(64)
    sampler = Sampler(model, metropolis())            # or heatbath(), wolff()
    state = sampler.init_state(betas=[0.40, 0.44], seed=1, start="ordered")
    state = sampler.sweep(state, 1000)               # thermalize
    state, samples = sampler.sample(state, 10_000)   # one measurement a sweep
    state.save("chain.npz"); state = SamplerState.load("chain.npz")

The sampler never mutates the state it is given; it returns a new one. The
state holds everything the chain needs to continue bit-for-bit: the spins of
all replicas, their inverse temperatures, one xoshiro256** stream per replica
and the sweep counter. Any rule can continue any state (switch from Wolff to
Metropolis mid-run, say).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np

from isingformer.errors import InputError
from isingformer.physics.ising.hamiltonian import IsingHamiltonian
from isingformer.physics.ising.rng import seed_streams
from isingformer.validate import check_int, check_seed


class UpdateRule(Protocol):
    """What a rule provides: a name and an in-place ``run`` over all replicas."""

    name: str

    def run(
        self,
        model: IsingHamiltonian,
        spins: np.ndarray,
        betas: np.ndarray,
        rng: np.ndarray,
        n_sweeps: int,
        every: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]: ...


@dataclass
class SamplerState:
    """The explicit state of a Markov chain over R replicas of N spins.

    spins: ``[R, N]`` int8 (+1/-1); betas: ``[R]`` float64; rng: ``[R, 4]`` uint64
    (xoshiro256** per replica); sweeps: sweeps done so far; meta: JSON-able notes.
    """

    spins: np.ndarray
    betas: np.ndarray
    rng: np.ndarray
    sweeps: int = 0
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spins = np.ascontiguousarray(self.spins, dtype=np.int8)
        self.betas = np.ascontiguousarray(self.betas, dtype=np.float64)
        self.rng = np.ascontiguousarray(self.rng, dtype=np.uint64)
        if self.spins.ndim != 2:
            raise InputError(f"spins must have shape [R, N], got {self.spins.shape}")
        R = self.spins.shape[0]
        if self.betas.shape != (R,) or self.rng.shape != (R, 4):
            raise InputError(
                f"state arrays disagree: spins {self.spins.shape}, betas {self.betas.shape}, "
                f"rng {self.rng.shape}"
            )
        if not np.all(np.abs(self.spins) == 1):
            raise InputError("spins must be +1 or -1")
        if not np.all(np.isfinite(self.betas)):
            raise InputError("betas must be finite")

    @property
    def n_replicas(self) -> int:
        return int(self.spins.shape[0])

    def copy(self) -> SamplerState:
        return SamplerState(
            self.spins.copy(), self.betas.copy(), self.rng.copy(), self.sweeps, dict(self.meta)
        )

    def save(self, path: str | Path) -> Path:
        """Write the state to one ``.npz`` file (returns the path written)."""
        path = Path(path)
        np.savez(
            path,
            spins=self.spins,
            betas=self.betas,
            rng=self.rng,
            sweeps=np.int64(self.sweeps),
            meta=np.array(json.dumps(self.meta)),
        )
        return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")

    @classmethod
    def load(cls, path: str | Path) -> SamplerState:
        """Read a state written by :meth:`save`."""
        try:
            with np.load(Path(path), allow_pickle=False) as z:
                return cls(
                    z["spins"], z["betas"], z["rng"], int(z["sweeps"]), json.loads(str(z["meta"]))
                )
        except (OSError, KeyError, ValueError) as exc:
            raise InputError(f"cannot read sampler state {path}: {exc}") from None


@dataclass(frozen=True)
class Samples:
    """Time series per replica, ``[R, n_meas]``: total energy, total magnetization and
    the structure factor |sum_i s_i e^{i k y_i}|^2 / N at k = 2 pi / L_0 (for the
    second-moment correlation length; zeros for models without a lattice)."""

    energy: np.ndarray
    magnetization: np.ndarray
    structure_factor: np.ndarray
    betas: np.ndarray
    n_spins: int
    every: int
    wavevector: float = 0.0


@dataclass(frozen=True)
class Sampler:
    """An immutable Monte Carlo sampler: a model and an update rule."""

    model: IsingHamiltonian
    rule: UpdateRule

    def init_state(
        self, betas, seed: int = 0, start: str = "ordered", replicas_per_beta: int = 1
    ) -> SamplerState:
        """A fresh state: ``replicas_per_beta`` replicas for every beta in ``betas``.

        start: "ordered" (all +1; use it below T_c) or "random".
        """
        seed = check_seed(seed)
        replicas_per_beta = check_int(replicas_per_beta, "replicas_per_beta", ge=1)
        b = np.repeat(np.atleast_1d(np.asarray(betas, dtype=np.float64)), replicas_per_beta)
        if b.size == 0:
            raise InputError("give at least one beta")
        R, n = b.size, self.model.n_spins
        rng = seed_streams(seed, R)
        if start == "ordered":
            spins = np.ones((R, n), dtype=np.int8)
        elif start == "random":
            g = np.random.default_rng(seed)
            spins = (1 - 2 * g.integers(0, 2, size=(R, n))).astype(np.int8)
        else:
            raise InputError(f"start must be 'ordered' or 'random', got {start!r}")
        return SamplerState(spins, b, rng, 0, {"seed": int(seed), "start": start})

    def _check(self, state: SamplerState, n_sweeps: int, every: int) -> None:
        if state.spins.shape[1] != self.model.n_spins:
            raise InputError(
                f"state has {state.spins.shape[1]} spins, the model {self.model.n_spins}"
            )
        if int(n_sweeps) < 1:
            raise InputError(f"sweeps must be >= 1, got {n_sweeps}")
        if int(every) < 1:
            raise InputError(f"measure_every must be >= 1, got {every}")

    def sample(
        self, state: SamplerState, n_sweeps: int, measure_every: int = 1
    ) -> tuple[SamplerState, Samples]:
        """Run ``n_sweeps`` sweeps, measuring every ``measure_every``; returns (new state, samples)."""
        self._check(state, n_sweeps, measure_every)
        new = state.copy()
        e, m, f = self.rule.run(
            self.model, new.spins, new.betas, new.rng, int(n_sweeps), int(measure_every)
        )
        new.sweeps += int(n_sweeps)
        n = self.model.n_spins
        samples = Samples(
            np.asarray(e, float),
            np.asarray(m, float),
            np.asarray(f, float) / n,
            new.betas.copy(),
            n,
            int(measure_every),
            2 * np.pi / self.model.lattice.shape[0] if self.model.lattice is not None else 0.0,
        )
        return new, samples

    def sweep(self, state: SamplerState, n_sweeps: int = 1) -> SamplerState:
        """Run ``n_sweeps`` sweeps without measuring; returns the new state."""
        self._check(state, n_sweeps, 1)
        new, _ = self.sample(state, n_sweeps, measure_every=int(n_sweeps) + 1)
        return new

    def with_betas(self, state: SamplerState, betas) -> SamplerState:
        """The same chain at new inverse temperatures ``betas [R]``."""
        return replace(state.copy(), betas=np.asarray(betas, dtype=np.float64))
