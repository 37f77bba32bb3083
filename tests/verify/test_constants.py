"""The package's constants lie inside the bounds that Constants.v certifies."""

from __future__ import annotations

import math
from fractions import Fraction

from isingformer.ensemble import rem_beta_c
from isingformer.physics.glass import RS_E_INF
from isingformer.physics.ising import onsager
from isingformer.verify import certified_bounds, default_proofs_dir

BOUNDS = certified_bounds(default_proofs_dir() / "Constants.v")


def _values() -> dict[str, list[float]]:
    """Every certified bound and the package values it must contain."""
    tc = onsager.CRITICAL_TEMPERATURE
    return {
        "onsager_tc_bounds": [
            tc,
            onsager.critical_temperature(),
            1 / onsager.CRITICAL_COUPLING,
        ],
        "onsager_kc_bounds": [onsager.CRITICAL_COUPLING],
        "onsager_energy_tc_bounds": [float(onsager.energy([tc])[0])],
        "rem_beta_c_16": [rem_beta_c(16)],
        "rem_beta_c_64": [rem_beta_c(64)],
        "rem_beta_c_256": [rem_beta_c(256)],
        "rem_beta_c_1024": [rem_beta_c(1024)],
        "sk_rs_energy_bounds": [RS_E_INF],
    }


def _inside(name: str, value: float) -> bool:
    lo, _, hi = BOUNDS[name]
    return lo <= Fraction(value) <= hi


def test_every_certified_bound_is_checked_against_the_package() -> None:
    assert set(BOUNDS) == set(_values())


def test_package_constants_lie_inside_the_certified_bounds() -> None:
    for name, values in _values().items():
        lo, expr, hi = BOUNDS[name]
        assert hi - lo <= Fraction(1, 10**12), name  # 12 decimals
        for value in values:
            assert _inside(name, value), (name, expr, value, float(lo), float(hi))


def test_the_bounds_are_tight_enough_to_catch_a_wrong_constant() -> None:
    """A constant off in the 11th digit (or the textbook value to 4 digits) fails."""
    tc = onsager.CRITICAL_TEMPERATURE
    assert not _inside("onsager_tc_bounds", tc + 2e-11)
    assert not _inside("onsager_tc_bounds", 2.2692)
    assert not _inside("rem_beta_c_1024", math.sqrt(2 * math.log(1000)))
    assert not _inside("onsager_energy_tc_bounds", -1.4142)


def test_bounds_are_parsed_from_the_source(tmp_path) -> None:
    path = tmp_path / "X.v"
    path.write_text(
        "(* Theorem ignored : 0 <= x <= 1. *)\n"
        "Theorem a_b : -1.5 <= - sqrt 2\n  <= -1.25.\nProof. interval. Qed.\n"
        "Theorem not_bound : sinh 1 = 1.\n"
    )
    assert certified_bounds(path) == {"a_b": (Fraction(-3, 2), "- sqrt 2", Fraction(-5, 4))}
