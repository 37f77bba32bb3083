"""Update rules: small immutable objects behind one-line factories.

    metropolis(backend="auto")   single-spin Metropolis; backends:
        "msc"    checkerboard multi-spin coding (square lattice, J > 0, h = 0,
                 rows of a multiple of 128 spins), Numba;
        "numba"  sequential sweeps for any coupling matrix and field, Numba;
        "torch"  checkerboard on a PyTorch device (periodic lattices with even
                 sides), ``device="cuda"`` when present;
        "cuda"   the multi-spin chain on a CUDA GPU (Numba CUDA, Philox random
                 numbers; where msc applies), sweeps and measurements on the
                 device (:mod:`isingformer.physics.ising.cuda_run`);
        "auto"   msc when it applies, else numba (never cuda).
    heatbath(backend="numba"|"torch"|"msc")   single-spin heat-bath (Glauber) update;
        "msc" is checkerboard multi-spin coding (where metropolis "msc" applies).
    wolff(flips_per_sweep=1.0)          Wolff clusters (J_ij >= 0, h = 0).

A rule's ``run(model, spins, betas, rng, n_sweeps, every)`` advances all
replicas in place and returns the measurement arrays; the
:class:`~isingformer.physics.ising.sampler.Sampler` is the public way to call it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from isingformer.errors import InputError, PhysicsError
from isingformer.physics.ising.hamiltonian import IsingHamiltonian

Measurements = tuple[np.ndarray, np.ndarray, np.ndarray]  # energy, magnetization, S(k_min)


def _phases(model: IsingHamiltonian) -> tuple[np.ndarray, np.ndarray]:
    """cos, sin of k y_i per site ``[N]`` with k = 2 pi / L_0 (zeros without a lattice)."""
    n = model.n_spins
    if model.lattice is None:
        return np.zeros(n), np.zeros(n)
    shape = model.lattice.shape
    y = np.indices(shape)[0].ravel()
    k = 2 * np.pi / shape[0]
    return np.cos(k * y), np.sin(k * y)


def _square_shape(model: IsingHamiltonian) -> np.ndarray:
    """(Y, X) of a uniform 2D torus with sides >= 3 (stencil kernels), else (0, 0)."""
    lat = model.lattice
    if lat is not None and lat.dim == 2 and min(lat.shape) >= 3 and model.J is not None:
        return np.array(lat.shape, dtype=np.int64)
    return np.zeros(2, dtype=np.int64)


def _empty(R: int, n_meas: int) -> list[np.ndarray]:
    return [np.zeros((R, n_meas)), np.zeros((R, n_meas)), np.zeros((R, n_meas))]


def _torch_check(model: IsingHamiltonian) -> None:
    lat = model.lattice
    if lat is None or model.J is None:
        raise InputError("the torch backend needs a uniform periodic lattice model")
    if not lat.bipartite:
        raise InputError(f"the checkerboard update needs even lattice sides, got {lat.shape}")


@dataclass(frozen=True)
class Metropolis:
    """Single-spin Metropolis rule (see module docstring for backends)."""

    backend: str = "auto"
    device: str = "cpu"
    name: str = "metropolis"

    def resolve(self, model: IsingHamiltonian) -> str:
        """The backend that will run for ``model`` (raises if the asked one cannot)."""
        if self.backend not in ("auto", "msc", "numba", "torch", "cuda"):
            raise InputError(
                f"unknown Metropolis backend {self.backend!r}; use auto|msc|numba|torch|cuda"
            )
        reason = _msc_reason(model)
        if self.backend in ("msc", "cuda") and reason is not None:
            raise InputError(reason + " (backend 'auto' falls back to the Numba rule)")
        if self.backend == "cuda":
            from isingformer.physics.ising.cuda_msc import cuda_available

            if not cuda_available():
                raise InputError(
                    "the cuda backend needs a CUDA device visible to Numba and none is; "
                    "use msc (multi-spin Metropolis on the CPU)"
                )
        if self.backend == "auto":
            return "msc" if reason is None else "numba"
        return self.backend

    def run(self, model, spins, betas, rng, n_sweeps: int, every: int) -> Measurements:
        backend = self.resolve(model)
        R = spins.shape[0]
        n_meas = n_sweeps // every
        if backend == "msc":
            return _run_msc(model, spins, betas, rng, n_sweeps, every)
        if backend == "cuda":
            from isingformer.physics.ising.cuda_run import run_cuda

            return run_cuda(model, spins, betas, rng, n_sweeps, every)
        if backend == "torch":
            from isingformer.physics.ising.torch_kernels import run_torch

            _torch_check(model)
            return run_torch(
                spins,
                model.lattice.shape,
                betas,
                rng,
                model.J,
                model.h,
                n_sweeps,
                every,
                False,
                self.device,
            )
        from isingformer.physics.ising.local_kernels import run_local

        e, m, f = _empty(R, n_meas)
        cs, sn = _phases(model)
        indptr, indices, data = model.csr
        run_local(
            spins,
            betas,
            rng,
            indptr,
            indices,
            data,
            model.field,
            cs,
            sn,
            n_sweeps,
            every,
            False,
            e,
            m,
            f,
        )
        return e, m, f


def _msc_reason(model: IsingHamiltonian) -> str | None:
    """None if the multi-spin backends apply to ``model``, else why not."""
    from isingformer.physics.ising.metropolis_msc import msc_supported

    if model.lattice is None:
        return "multi-spin coding needs a square lattice model"
    reason = msc_supported(model.lattice.shape)
    if reason is None and not (model.J is not None and model.J > 0 and not model.has_field):
        reason = "multi-spin coding needs a ferromagnetic lattice (J > 0) without field"
    return reason


def _run_msc(model, spins, betas, rng, n_sweeps, every, heat: bool = False) -> Measurements:
    from isingformer.physics.ising.heatbath_msc import heatbath_thresholds
    from isingformer.physics.ising.metropolis_msc import pack, threshold, unpack
    from isingformer.physics.ising.msc_run import run_msc

    if np.any(betas <= 0):
        raise InputError("multi-spin coding needs beta > 0 (T > 0)")
    Y, X = model.lattice.shape
    R = spins.shape[0]
    n_meas = n_sweeps // every
    words = pack(spins.reshape(R, Y, X))
    K = betas * model.J
    t4 = np.array([threshold(np.exp(-4.0 * k)) for k in K], dtype=np.uint64)
    t8 = np.array([threshold(np.exp(-8.0 * k)) for k in K], dtype=np.uint64)
    thr = np.array([heatbath_thresholds(k) for k in K], dtype=np.uint64).reshape(R, 5)
    y = np.arange(Y)
    cos_y, sin_y = np.cos(2 * np.pi * y / Y), np.sin(2 * np.pi * y / Y)
    anti = np.zeros((R, n_meas), dtype=np.int64)
    down = np.zeros((R, n_meas), dtype=np.int64)
    four = np.zeros((R, n_meas))
    run_msc(words, rng, heat, t4, t8, thr, n_sweeps, every, cos_y, sin_y, anti, down, four)
    spins[:] = unpack(words, X).reshape(R, -1)
    n = Y * X
    energy = -model.J * (2.0 * n - 2.0 * anti)
    mag = (n - 2 * down).astype(np.float64)
    return energy, mag, four


@dataclass(frozen=True)
class HeatBath:
    """Single-spin heat-bath rule: s_i = +1 with probability 1 / (1 + e^{-2 beta f_i})."""

    backend: str = "numba"
    device: str = "cpu"
    name: str = "heatbath"

    def run(self, model, spins, betas, rng, n_sweeps: int, every: int) -> Measurements:
        if self.backend == "msc":
            reason = _msc_reason(model)
            if reason is not None:
                raise InputError(reason)
            return _run_msc(model, spins, betas, rng, n_sweeps, every, heat=True)
        if self.backend == "torch":
            from isingformer.physics.ising.torch_kernels import run_torch

            _torch_check(model)
            return run_torch(
                spins,
                model.lattice.shape,
                betas,
                rng,
                model.J,
                model.h,
                n_sweeps,
                every,
                True,
                self.device,
            )
        if self.backend != "numba":
            raise InputError(f"unknown heat-bath backend {self.backend!r}; use numba|torch|msc")
        from isingformer.physics.ising.local_kernels import run_local

        e, m, f = _empty(spins.shape[0], n_sweeps // every)
        cs, sn = _phases(model)
        indptr, indices, data = model.csr
        run_local(
            spins,
            betas,
            rng,
            indptr,
            indices,
            data,
            model.field,
            cs,
            sn,
            n_sweeps,
            every,
            True,
            e,
            m,
            f,
        )
        return e, m, f


@dataclass(frozen=True)
class Wolff:
    """Wolff single-cluster rule; a sweep flips about ``flips_per_sweep * N`` spins."""

    flips_per_sweep: float = 1.0
    name: str = "wolff"

    def run(self, model, spins, betas, rng, n_sweeps: int, every: int) -> Measurements:
        from isingformer.physics.ising.local_kernels import run_wolff

        if not model.is_ferromagnetic or model.has_field:
            raise PhysicsError("the Wolff rule needs ferromagnetic couplings (J_ij >= 0) and h = 0")
        if np.any(betas < 0):
            raise InputError("the Wolff rule needs beta >= 0")
        if not self.flips_per_sweep > 0:
            raise InputError("flips_per_sweep must be > 0")
        R = spins.shape[0]
        e, m, f = _empty(R, n_sweeps // every)
        stats = np.zeros((R, 3))
        cs, sn = _phases(model)
        indptr, indices, data = model.csr
        run_wolff(
            spins,
            betas,
            rng,
            indptr,
            indices,
            data,
            model.field,
            cs,
            sn,
            n_sweeps,
            every,
            float(self.flips_per_sweep),
            e,
            m,
            f,
            stats,
            _square_shape(model),
        )
        return e, m, f


def metropolis(backend: str = "auto", device: str = "cpu") -> Metropolis:
    """Single-spin Metropolis rule."""
    return Metropolis(backend=backend, device=device)


def heatbath(backend: str = "numba", device: str = "cpu") -> HeatBath:
    """Single-spin heat-bath rule."""
    return HeatBath(backend=backend, device=device)


def wolff(flips_per_sweep: float = 1.0) -> Wolff:
    """Wolff cluster rule."""
    return Wolff(flips_per_sweep=flips_per_sweep)


RULES = {"metropolis": metropolis, "heatbath": heatbath, "wolff": wolff}


def rule_by_name(name: str, **kwargs):
    """Factory lookup used by the CLI: ``metropolis | heatbath | wolff``."""
    if name not in RULES:
        raise InputError(f"unknown algorithm {name!r}; use one of {', '.join(RULES)}")
    return RULES[name](**kwargs)
