"""Public names of ``isingformer.physics.hopfield`` and its modules (pinned)."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "classical": [
        "ALPHA_C", "CapacityEstimate", "capacity_curves", "capacity_point",
        "capacity_study", "corrupt", "estimate_alpha_c", "hebbian_couplings",
        "hopfield_energy", "random_patterns", "retrieval_overlap", "run_dynamics",
    ],
    "modern": [
        "ModernScan", "REGIMES", "attention_step", "classify_weights", "clustered_patterns",
        "fixed_point", "hopfield_update", "modern_study", "regime_scan",
        "separation", "separation_beta",
    ],
    "report": ["capacity_figure", "hopfield_section", "modern_figure"],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_names(name):
    mod = importlib.import_module(f"isingformer.physics.hopfield.{name}")
    assert sorted(mod.__all__) == sorted(PUBLIC[name])
    for attr in mod.__all__:
        assert hasattr(mod, attr)


def test_package_reexports_its_modules():
    import isingformer.physics.hopfield as hopfield

    assert set(hopfield.__all__) == set(PUBLIC["classical"]) | set(PUBLIC["modern"])
    for attr in hopfield.__all__:
        assert hasattr(hopfield, attr)
