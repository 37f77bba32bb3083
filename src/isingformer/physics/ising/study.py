"""The library functions behind ``isingformer ising exact|simulate|tc|tfim``.

Each returns a JSON-able dict; the CLI only parses options and prints. Sweeps
over sizes and temperatures go through :func:`isingformer.runs.run_sweep`, so
they land in the results store and resume after a crash.
"""

from __future__ import annotations

import time

import numpy as np

from isingformer.errors import InputError
from isingformer.physics.ising import onsager
from isingformer.validate import check_float, check_int, check_seed

ALGORITHMS = ("metropolis", "heatbath", "wolff")
# above, K = J/T is below the step of the exact solution's numerical derivatives
# (it failed from T ~ 1e40 with "K > 0, got -1e-44"); 1e6 is the T = inf limit to 1e-6
T_MAX = 1e6


def exact_torus(L: int, T: float, M: int | None = None, J: float = 1.0) -> dict:
    """Exact per-spin thermodynamics of the ``L x M`` torus (Kaufman) and of the
    infinite lattice (Onsager) at temperature ``T``."""
    from isingformer.physics.ising.kaufman import torus_thermodynamics

    M = L if M is None else M
    if int(L) < 2 or int(M) < 2:
        raise InputError(f"--size and --width must be >= 2, got {L} x {M}")
    check_float(T, "temperature", gt=0, le=T_MAX)
    tt = torus_thermodynamics(int(L), int(M), [T], J=J)
    return {
        "size": int(L),
        "width": int(M),
        "temperature": float(T),
        "coupling": float(J),
        "log_z_per_spin": float(tt.log_z_per_spin[0]),
        "free_energy_per_spin": float(tt.free_energy_per_spin[0]),
        "energy_per_spin": float(tt.energy_per_spin[0]),
        "entropy_per_spin": float(tt.entropy_per_spin[0]),
        "specific_heat_per_spin": float(tt.specific_heat_per_spin[0]),
        "infinite_lattice": {
            "log_z_per_spin": float(onsager.log_z_per_spin([T], J)[0]),
            "energy_per_spin": float(onsager.energy([T], J)[0]),
            "specific_heat_per_spin": float(onsager.specific_heat([T], J)[0]),
            "spontaneous_magnetization": float(onsager.spontaneous_magnetization([T], J)[0]),
            "tc": onsager.critical_temperature(J),
        },
    }


def _model(L: int, dim: int, M: int | None = None):
    from isingformer.physics.ising.hamiltonian import cubic_ising, square_ising

    if dim == 2:
        return square_ising(L, M)
    if dim == 3:
        return cubic_ising(L)
    raise InputError(f"--dim must be 2 or 3, got {dim}")


def _validate(L: int, T: float, sweeps: int, algorithm: str, M: int | None) -> None:
    if algorithm not in ALGORITHMS:
        raise InputError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if int(L) < 2:
        raise InputError(f"--size must be >= 2, got {L}")
    check_float(T, "temperature", gt=0, le=T_MAX)
    if int(sweeps) < 1:
        raise InputError(f"--sweeps must be >= 1, got {sweeps}")


SIMULATE_ERROR_METHOD = (
    "one-sigma blocked jackknife over n_bins bins of the n_samples measurements after burn_in"
)


def simulate_point(config: dict) -> dict:
    """One Monte Carlo run; config keys: L, T, sweeps, algorithm, seed and optional
    M, dim (2), thermalize (sweeps // 10), backend ("auto"), start ("ordered")."""
    from isingformer.physics.ising.observables import ising_estimates
    from isingformer.physics.ising.rules import rule_by_name
    from isingformer.physics.ising.sampler import Sampler

    L, T = int(config["L"]), float(config["T"])
    sweeps, algorithm = int(config["sweeps"]), str(config["algorithm"])
    M = config.get("M")
    dim = int(config.get("dim", 2))
    _validate(L, T, sweeps, algorithm, M)
    model = _model(L, dim, M)
    kwargs = {}
    if algorithm in ("metropolis", "heatbath"):
        # "auto": multi-spin coding when it applies, else the Numba rule (any L)
        kwargs["backend"] = str(config.get("backend", "auto"))
        if algorithm == "heatbath" and kwargs["backend"] == "auto":
            kwargs["backend"] = "numba"
    rule = rule_by_name(algorithm, **kwargs)
    sampler = Sampler(model, rule)
    state = sampler.init_state(
        [1.0 / T], seed=int(config.get("seed", 0)), start=str(config.get("start", "ordered"))
    )
    therm = int(config.get("thermalize", max(1, sweeps // 10)))
    t0 = time.perf_counter()
    state = sampler.sweep(state, therm)
    state, samples = sampler.sample(state, sweeps)
    seconds = time.perf_counter() - t0
    est = ising_estimates(
        samples.energy[0],
        samples.magnetization[0],
        1.0 / T,
        model.n_spins,
        samples.structure_factor[0],
        samples.wavevector,
    )
    out: dict = {  # long names (docs/cli.md); the point's config keeps L, M, T
        "size": L,
        "width": M if M is not None else L,
        "dim": dim,
        "temperature": T,
        "algorithm": algorithm,
        "sweeps": sweeps,
        "thermalize": therm,
    }
    if algorithm == "metropolis":
        out["backend"] = rule.resolve(model)
    for name in (
        "energy_per_spin",
        "abs_magnetization",
        "specific_heat",
        "susceptibility",
        "binder",
        "correlation_length",
    ):
        if name in est:
            out[name] = {"mean": est[name].mean, "err": est[name].err}
    out["tau_int"] = est["tau_int"]
    out["burn_in"] = est["burn_in"]
    out["n_samples"] = est["n_samples"]
    out["n_bins"] = est["n_bins"]
    out["error_method"] = SIMULATE_ERROR_METHOD
    out["seconds"] = seconds
    return out


def simulate(
    L: int,
    T: float,
    sweeps: int,
    algorithm: str = "metropolis",
    seed: int = 0,
    M: int | None = None,
    dim: int = 2,
    backend: str = "auto",
) -> dict:
    """Monte Carlo estimates at one temperature, plus the exact torus values in 2D."""
    config = {"L": L, "T": T, "sweeps": sweeps, "algorithm": algorithm, "seed": seed, "dim": dim}
    if M is not None:
        config["M"] = M
    if backend != "auto":
        config["backend"] = backend
    out = simulate_point(config)
    out["seed"] = int(seed)  # provenance: the run is reproducible from the JSON
    if dim == 2:
        ex = exact_torus(L, T, M)
        out["exact"] = {k: ex[k] for k in ("energy_per_spin", "specific_heat_per_spin")}
    return out


def default_temperatures(dim: int, sizes) -> np.ndarray:
    """The default temperature grid of :func:`tc_study`, ``[13]``: centred on
    the exact (2D) or best-known (3D) T_c, half-width ``max(1.5 %, 0.9
    L_max^(-1/ν))`` of T_c — about 0.45 rounding widths of the largest size,
    so its Binder curve is sampled every ~0.07 rounding widths. (The earlier
    9-point ±3 % grid sampled L = 64 every ~0.2 widths, and the fitted 32/64
    crossings came out ~0.0016 low on 2D data.)"""
    if dim not in (2, 3):
        raise InputError(f"--dim must be 2 or 3, got {dim}")
    tc = onsager.CRITICAL_TEMPERATURE if dim == 2 else onsager.CUBIC_CRITICAL_TEMPERATURE
    nu = 1.0 if dim == 2 else 0.62997
    half = max(0.015, 0.9 * float(max(sizes)) ** (-1.0 / nu))
    return np.linspace(tc * (1 - half), tc * (1 + half), 13)


def tc_study(
    sizes: list[int],
    temperatures=None,
    *,
    dim: int = 2,
    sweeps: int = 20000,
    algorithm: str = "wolff",
    seed: int = 0,
    store=None,
    executor: str = "process",
    progress: bool = True,
    n_boot: int = 200,
    dask_address: str | None = None,
) -> dict:
    """Binder-crossing / finite-size-scaling study over ``sizes`` and a temperature grid.

    Returns the estimates (tc, tc_err, nu, nu_err, gamma_over_nu, ..., exact_tc)
    and the measured curves (for figures). The points are stored in the sweep
    ``ising.tc`` (the command's name); ``dim`` is part of every point's config.
    """
    from isingformer.physics.ising.fss import finite_size_scaling
    from isingformer.runs import run_sweep

    if len(sizes) < 2:
        raise InputError("--sizes needs at least two lattice sizes")
    check_seed(seed)
    check_int(n_boot, "n_boot", ge=10)
    if min(sizes) < 4:
        raise InputError("--sizes must all be >= 4")
    if dim not in (2, 3):
        raise InputError(f"--dim must be 2 or 3, got {dim}")
    exact_tc = onsager.CRITICAL_TEMPERATURE if dim == 2 else onsager.CUBIC_CRITICAL_TEMPERATURE
    if temperatures is None:
        temperatures = default_temperatures(dim, sizes)
    T = np.asarray(temperatures, dtype=np.float64)
    if T.size < 5 or np.any(T <= 0):
        raise InputError("the temperature grid needs >= 5 positive temperatures")
    if np.any(T > T_MAX):
        raise InputError(f"--temperatures: must be <= {T_MAX:g}, got {T.max():g}")
    configs = [
        {
            "L": int(L),
            "dim": dim,
            "T": float(t),
            "sweeps": int(sweeps),
            "algorithm": algorithm,
            # below 2^63 (the store's INTEGER); the identity for seeds < ~9e12
            "seed": (int(seed) * 1000003 + i * 101 + j) % 2**63,
            "start": "ordered",
        }
        for i, L in enumerate(sizes)
        for j, t in enumerate(T)
    ]
    results = run_sweep(
        simulate_point,
        configs,
        sweep="ising.tc",
        store=store,
        executor=executor,
        progress=progress,
        dask_address=dask_address,
    )
    shape = (len(sizes), T.size)
    get = lambda name, k: np.array([r[name][k] for r in results]).reshape(shape)  # noqa: E731
    U, dU = get("binder", "mean"), get("binder", "err")
    X, dX = get("susceptibility", "mean"), get("susceptibility", "err")
    # leading correction-to-scaling exponent: 2 for the 2D Ising model, ~0.83 in 3D
    omega = 2.0 if dim == 2 else 0.83
    fss = finite_size_scaling(
        sizes, T, U, dU, X, dX, dim=dim, n_boot=n_boot, seed=seed, omega=omega
    )
    return {
        "dim": dim,
        "sizes": list(map(int, sizes)),
        "temperatures": T.tolist(),
        "tc": fss.tc,
        "tc_err": fss.tc_err,
        "tc_stat_err": fss.tc_stat_err,
        "tc_syst_err": fss.tc_syst_err,
        "tc_method": fss.tc_method,
        "error_method": "standard deviation over a parametric bootstrap of the whole analysis "
        "(every curve point resampled within its Monte Carlo error)",
        "n_boot": n_boot,
        "nu": fss.nu,
        "nu_err": fss.nu_err,
        "gamma_over_nu": fss.gamma_over_nu,
        "gamma_over_nu_err": fss.gamma_over_nu_err,
        "width_exponent": fss.width_exponent,
        "width_exponent_err": fss.width_exponent_err,
        "exact_tc": exact_tc,
        "exact_nu": 1.0 if dim == 2 else 0.62997,
        "exact_gamma_over_nu": 1.75 if dim == 2 else 1.9637,
        "exact_width_exponent": 1.0 / (dim * (1.0 if dim == 2 else 0.62997)),
        "crossings": fss.crossings.tolist(),
        "widths": fss.widths.tolist(),
        "curves": {
            "binder": U.tolist(),
            "binder_err": dU.tolist(),
            "susceptibility": X.tolist(),
            "susceptibility_err": dX.tolist(),
            "energy": get("energy_per_spin", "mean").tolist(),
            "specific_heat": get("specific_heat", "mean").tolist(),
            "specific_heat_err": get("specific_heat", "err").tolist(),
        },
        # the curves' *_err are each point's own Monte Carlo error (not the bootstrap above)
        "curves_error_method": SIMULATE_ERROR_METHOD,
        "curves_n_samples": [
            [r.get("n_samples") for r in results[i * T.size : (i + 1) * T.size]]
            for i in range(len(sizes))
        ],
        "algorithm": algorithm,
        "sweeps": int(sweeps),
        "seed": int(seed),
    }


def tfim_study(sizes: list[int], g_values, ed_max: int = 14) -> dict:
    """E_0(g), dE_0/dg, d^2E_0/dg^2 per site for each chain length (free fermions),
    the N = infinity limit, and the ED cross-check for the sizes <= ``ed_max``."""
    from isingformer.physics.ising import tfim

    g = np.asarray(g_values, dtype=np.float64)
    if g.size == 0 or np.any(g < 0) or np.any(~np.isfinite(g)):
        raise InputError("--g values must be finite and >= 0")
    if not sizes or min(sizes) < 2:
        raise InputError("--sizes must be >= 2")
    out: dict = {"fields": g.tolist(), "sizes": [], "g_c": 1.0}
    for N in sizes:
        ff = tfim.free_fermion(int(N), g)
        row = {
            "size": int(N),
            "e0": (ff.energy / N).tolist(),
            "de0_dg": (ff.d_energy / N).tolist(),
            "d2e0_dg2": (ff.d2_energy / N).tolist(),
            "d2_peak_g": float(g[int(np.argmin(ff.d2_energy))]),
            "d2_peak": float(np.min(ff.d2_energy) / N),
        }
        if ed_max >= N:
            ed = tfim.exact_diagonalization(int(N), g)
            row["ed_max_abs_diff"] = float(np.max(np.abs(ed - ff.energy)))
        out["sizes"].append(row)
    inf = tfim.thermodynamic_limit(g)
    out["infinite"] = {
        "e0": inf.energy.tolist(),
        "de0_dg": inf.d_energy.tolist(),
        "d2e0_dg2": inf.d2_energy.tolist(),
    }
    return out
