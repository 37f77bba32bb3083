"""The primon gas (Julia 1990; Spector 1990): a free gas whose one-particle
energies are E_0 ln p over the primes, so that the many-body levels are
E_n = E_0 ln n and Z(β) = ζ(βE_0).

Every quantity is computed in ball arithmetic (python-flint ``arb``): the
returned ``radius`` is a rigorous bound on the error of the midpoint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from isingformer.errors import InputError
from isingformer.validate import check_int

__all__ = [
    "PrimonPoint",
    "fermionic_primon",
    "hagedorn_asymptotics",
    "primon",
    "truncated_primon",
    "zeta_modulus_line",
]


@dataclass(frozen=True)
class PrimonPoint:
    """Thermodynamics of the primon gas at one β (units k_B = 1).

    Each ``x`` has a certified error bound ``x_radius`` (|true − x| ≤ radius).
    """

    beta: float
    e0: float
    log_z: float
    log_z_radius: float
    free_energy: float
    free_energy_radius: float
    energy: float
    energy_radius: float
    entropy: float
    entropy_radius: float
    heat_capacity: float
    heat_capacity_radius: float
    var_energy: float
    var_energy_radius: float

    def as_dict(self) -> dict[str, float]:
        """JSON-ready mapping (``radius`` keys as in the CLI contract)."""
        out: dict[str, float] = {"beta": self.beta, "e0": self.e0}
        for key in ("log_z", "free_energy", "energy", "entropy", "heat_capacity", "var_energy"):
            out[key] = getattr(self, key)
            out[f"{key}_radius"] = getattr(self, f"{key}_radius")
        return out


#: Largest β·E_0 accepted (beyond it ln Z = ln ζ(βE_0) < 2^(−10^6)).
MAX_S = 1e6


def _check(beta: float, e0: float, *, bosonic: bool = True) -> None:
    if not (math.isfinite(beta) and math.isfinite(e0)) or e0 <= 0:
        raise InputError(f"--beta/--e0 must be finite with E_0 > 0, got β={beta}, E_0={e0}")
    if beta * e0 > MAX_S:
        raise InputError(
            f"--beta: β·E_0 = {beta * e0:g} is beyond {MAX_S:g} (Z = 1 to double precision); "
            "use a smaller --beta"
        )
    if bosonic and beta * e0 <= 1.0:
        raise InputError(
            f"--beta: the bosonic primon gas needs β·E_0 > 1 (Hagedorn point), got "
            f"β·E_0 = {beta * e0:g}; use --beta above {1.0 / e0:g}"
        )
    if not bosonic and beta * e0 <= 1.0:
        raise InputError(
            f"--beta: the fermionic primon gas ζ(s)/ζ(2s) also diverges at β·E_0 = 1; got {beta * e0:g}"
        )


def _log_series(beta: float, e0: float, prec: int, fermionic: bool = False):
    """Taylor coefficients [f, f', f''/2] of f(s) = ln Z at s = βE_0."""
    from flint import arb, arb_series, ctx

    old = ctx.prec
    ctx.prec = prec
    try:
        s = arb(beta) * arb(e0)  # exact product of the two binary floats
        x = arb_series([s, 1], prec=3)
        z = x.zeta()
        if fermionic:
            z2 = arb_series([arb(2 * s), 2], prec=3).zeta()
            z = z * z2.inv()
        f = z.log()
        return [f.coeffs()[k] if k < len(f.coeffs()) else arb(0) for k in range(3)]
    finally:
        ctx.prec = old


def _point(beta: float, e0: float, prec: int, fermionic: bool) -> PrimonPoint:
    from flint import arb

    check_int(prec, "prec", ge=16, le=100_000)  # bits of the ball arithmetic

    b, E0 = arb(beta), arb(e0)
    c0, c1, c2 = _log_series(beta, e0, prec, fermionic)
    s = b * E0
    log_z = c0
    energy = -E0 * c1  # U = −∂ ln Z/∂β = −E_0 f'(s)
    var = E0 * E0 * 2 * c2  # Var E = ∂² ln Z/∂β² = E_0² f''(s)
    heat = s * s * 2 * c2  # C = β² Var E
    entropy = log_z + b * energy
    free = -log_z / b

    def mr(x) -> tuple[float, float]:
        return float(x.mid()), float(x.rad()) + abs(float(x.mid())) * 2.0**-52

    vals: dict[str, float] = {}
    for name, x in (
        ("log_z", log_z),
        ("free_energy", free),
        ("energy", energy),
        ("entropy", entropy),
        ("heat_capacity", heat),
        ("var_energy", var),
    ):
        vals[name], vals[f"{name}_radius"] = mr(x)
    return PrimonPoint(beta=beta, e0=e0, **vals)


def primon(beta: float, e0: float = 1.0, *, prec: int = 128) -> PrimonPoint:
    """Certified thermodynamics of the bosonic primon gas Z = ζ(βE_0), βE_0 > 1.

    Raises:
        InputError: if β·E_0 ≤ 1 (Z diverges: the Hagedorn point).
    """
    _check(beta, e0)
    return _point(beta, e0, prec, fermionic=False)


def fermionic_primon(beta: float, e0: float = 1.0, *, prec: int = 128) -> PrimonPoint:
    """The fermionic primon gas: only square-free n, Z = ζ(s)/ζ(2s) = Σ |μ(n)| n^(−s).

    Its free energy satisfies F_F(β) = F_B(β) − 2 F_B(2β) (tested).
    """
    _check(beta, e0, bosonic=False)
    return _point(beta, e0, prec, fermionic=True)


def hagedorn_asymptotics(beta: float, e0: float = 1.0) -> dict[str, float]:
    """Leading behaviour as βE_0 → 1⁺: ζ(s) = 1/(s−1) + γ + O(s−1), so
    U ≈ E_0/(βE_0 − 1) − γE_0 and C ≈ (βE_0)²/(βE_0 − 1)²."""
    _check(beta, e0)
    eps = beta * e0 - 1.0
    gamma = 0.57721566490153286061
    return {
        "energy": e0 / eps - gamma * e0,
        "heat_capacity": (beta * e0) ** 2 / eps**2,
        "log_z": -math.log(eps),
    }


def truncated_primon(beta: float, n_max: int, e0: float = 1.0) -> dict[str, float]:
    """The generic ``ensemble`` core on the truncated spectrum {E_0 ln n : n ≤ n_max}
    plus rigorous bounds on what the omitted tail n > n_max contributes.

    Returns ``log_z``, ``energy`` of the truncated ensemble and ``z_tail`` ≥ ζ(s) − Z_N ≥ 0,
    ``e_tail`` ≥ Σ_{n>N} E_0 ln n · n^(−s) (integral bounds, valid for s > 1 and
    ln N ≥ 1/s)."""
    import numpy as np

    from isingformer.ensemble import thermodynamics

    _check(beta, e0)
    if n_max < 3 or n_max > 50_000_000:
        raise InputError(f"n_max must be in [3, 5e7], got {n_max}")
    energies = e0 * np.log(np.arange(1, n_max + 1, dtype=np.float64))
    th = thermodynamics(energies, [beta])
    s = beta * e0
    N = float(n_max)
    z_tail = N ** (1 - s) / (s - 1)
    e_tail = e0 * N ** (1 - s) * (math.log(N) / (s - 1) + 1 / (s - 1) ** 2)
    return {
        "log_z": float(th.log_z[0]),
        "energy": float(th.energy[0]),
        "z_tail": z_tail,
        "e_tail": e_tail,
    }


def zeta_modulus_line(sigma: float, ts, *, prec: int = 64) -> list[float]:
    """|ζ(σ + it)| = |Z(β)| for complex β = (σ + it)/E_0 along a vertical line.

    ``ts``: 1-D sequence of t values. On σ = 1/2 the zeros of ζ (Fisher-type
    zeros of Z continued to complex β) appear as dips to 0.
    """
    from flint import acb, ctx

    old = ctx.prec
    ctx.prec = prec
    try:
        return [float(abs(acb(sigma, float(t)).zeta()).mid()) for t in ts]
    finally:
        ctx.prec = old
