"""The whole numbers study as one JSON-able dict (for the report and main job)."""

from __future__ import annotations

import math

import numpy as np

from isingformer.numbers.gaps import gaps_study
from isingformer.numbers.leeyang import (
    fisher_zeros,
    lee_yang,
    ring_zero_angles,
    spin_glass_lee_yang,
    theta_scaling,
)
from isingformer.numbers.primon import primon, zeta_modulus_line
from isingformer.numbers.spacing import ks_table, pair_correlation, spacings, unfold_polynomial
from isingformer.numbers.zeta_zeros import unfold_zeta, zeta_zeros

__all__ = ["TC", "numbers_study"]

TC = 2.0 / math.log(1 + math.sqrt(2))


def _primon_curves(quick: bool) -> dict:
    eps = np.logspace(-3, 1, 25 if quick else 60)  # 25 points: well under a second
    pts = [primon(1 + e) for e in eps]
    t = np.linspace(0.5, 50, 300 if quick else 1000)
    return {
        "beta": (1 + eps).tolist(),
        "energy": [p.energy for p in pts],
        "heat_capacity": [p.heat_capacity for p in pts],
        "max_radius": max(max(p.energy_radius, p.heat_capacity_radius) for p in pts),
        "t": t.tolist(),
        "abs_zeta_half": zeta_modulus_line(0.5, t),
        "abs_zeta_two": zeta_modulus_line(2.0, t),
        "at_beta2": primon(2.0).as_dict(),
    }


def _attention(smoke: bool, quick: bool, seed: int, n_boot: int) -> dict | None:
    """MiniLM attention spectra (None in smoke mode or without the model package)."""
    if smoke:
        return None
    from isingformer.errors import ModelLoadError
    from isingformer.numbers.attention_spectra import attention_spacings

    try:
        return attention_spacings(n_texts=4 if quick else 16, seed=seed, n_boot=n_boot)
    except ModelLoadError:
        return None


def _angle_spacings(angles, n_boot: int, seed: int) -> dict:
    x = unfold_polynomial(np.sort(angles), degree=5)
    return ks_table(spacings(x), n_boot=n_boot, seed=seed)


def numbers_study(*, quick: bool = True, seed: int = 0, smoke: bool = False, store=None) -> dict:
    """Primon gas, Lee–Yang/Fisher zeros, ζ zeros with spacings, prime gaps.

    ``quick``: torus L ≤ 6, 1000 ζ zeros, primes to 10^8, Ising rows L = 32;
    otherwise L ≤ 7, 10^4 zeros, primes to 10^9, Ising rows L = 64. ``smoke``:
    a seconds-long version for tests (L ≤ 6, 100 zeros, primes to 10^6, L = 16).
    ``store``: results store of the θ₁ sweep (``numbers.theta``).
    """
    n_boot = 30 if smoke else 100 if quick else 400
    sizes = list(range(2, 7 if quick or smoke else 8))
    out: dict = {"quick": quick, "primon": _primon_curves(quick)}
    out["leeyang_tc"] = {L: lee_yang("torus", L, TC) for L in sizes}
    out["leeyang_hot"] = {L: lee_yang("torus", L, 1.5 * TC) for L in sizes[-2:]}
    out["leeyang_ring"] = lee_yang("ring", 40, 1.5)
    out["leeyang_af"] = lee_yang("torus", 4, 1.5, coupling=-1.0)
    out["leeyang_ring_af"] = lee_yang("ring", 12, 1.5, coupling=-1.0)
    out["leeyang_glass"] = [spin_glass_lee_yang(4, 1.0, seed=seed + s) for s in range(3)]
    out["theta"] = theta_scaling(sizes, store=store)
    out["fisher"] = {L: fisher_zeros(L) for L in sizes[-3:]}
    count = 100 if smoke else 1000 if quick else 10_000
    z = zeta_zeros(count)
    x = unfold_zeta(z["zeros"])
    out["zeta"] = {k: v for k, v in z.items() if k != "zeros"}
    out["zeta"]["first_zero"] = z["zeros"][0]
    out["zeta"]["spacings"] = spacings(x).tolist()
    out["zeta"]["ks"] = ks_table(spacings(x), n_boot=n_boot, seed=seed)
    out["zeta"]["pair"] = pair_correlation(x)
    ring_angles = ring_zero_angles(200 if smoke else 2000, math.exp(-2 / 1.5))
    out["ring_spacing_ks"] = _angle_spacings(ring_angles[ring_angles < np.pi], n_boot, seed)
    big = out["leeyang_tc"][sizes[-1]]
    torus_angles = [math.atan2(b, a) for a, b in big["zeros"] if b > 0]
    out["torus_spacing_ks"] = _angle_spacings(torus_angles, n_boot, seed)
    out["attention"] = _attention(smoke, quick, seed, n_boot)
    limit = 10**6 if smoke else 10**8 if quick else 10**9
    size = 16 if smoke else 32 if quick else 64
    out["gaps"] = gaps_study(limit, ising_size=size, seeds=3, ising_samples=10 if smoke else 40)
    return out
