"""One library function per ``isingformer numbers`` command."""

from __future__ import annotations

from isingformer.errors import InputError
from isingformer.numbers.primon import fermionic_primon, hagedorn_asymptotics, primon
from isingformer.numbers.spacing import ks_table, pair_correlation, spacings
from isingformer.numbers.zeta_zeros import unfold_zeta, zeta_zeros

__all__ = ["primon_summary", "zeros_summary"]


def primon_summary(beta: float, e0: float = 1.0, *, fermionic: bool = False) -> dict:
    """Certified primon-gas thermodynamics at β (bosonic ζ(βE_0), or fermionic
    ζ(s)/ζ(2s)); the bosonic result also carries the Hagedorn asymptotics."""
    if fermionic:
        out = fermionic_primon(beta, e0).as_dict()
        out["gas"] = "fermionic"
        return out
    out = primon(beta, e0).as_dict()
    out["gas"] = "bosonic"
    out["hagedorn_leading"] = hagedorn_asymptotics(beta, e0)
    return out


def zeros_summary(count: int, *, n_boot: int = 200, seed: int = 0) -> dict:
    """First ``count`` ζ zeros certified, plus unfolded spacing KS distances to
    GUE/GOE/Poisson (and the exact GUE law) and the pair-correlation deviation."""
    if count < 12:
        raise InputError(f"--count: spacing statistics need at least 12 zeros, got {count}")
    out = zeta_zeros(count)
    x = unfold_zeta(out["zeros"])
    table = ks_table(spacings(x), n_boot=n_boot, seed=seed)
    out["spacing_ks"] = {k: v["d"] for k, v in table.items()}
    out["spacing_ks_interval"] = table
    out["seed"] = int(seed)  # the bootstrap of the intervals
    out["pair_correlation_max_dev"] = pair_correlation(x)["max_abs_dev"]
    return out
