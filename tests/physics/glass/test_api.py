"""Public names of ``isingformer.physics.glass`` and its modules (pinned)."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = {
    "spinglass": [
        "LadderResult", "OverlapResult", "PARISI_E_INF", "PTResult", "RS_E_INF",
        "adaptive_ladder", "brute_force_ground_state", "exact_spectrum",
        "exact_thermodynamics", "extrapolate_ground_state", "geometric_ladder",
        "ising_energy", "overlap_bins", "overlap_distribution",
        "overlap_point", "overlap_study", "parallel_tempering",
        "rs_overlap", "sk_couplings", "sk_ground_state", "sk_point", "sk_study",
    ],
    "report": ["glass_section", "overlap_figure", "sk_figure"],
    "annealing": [
        "AnnealResult", "IsingProblem", "SCHEDULES", "annealing_schedule", "compare_maxcut",
        "cut_value", "greedy_descent", "maxcut_problem", "simulated_annealing",
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_names(name):
    mod = importlib.import_module(f"isingformer.physics.glass.{name}")
    assert sorted(mod.__all__) == sorted(PUBLIC[name])
    for attr in mod.__all__:
        assert hasattr(mod, attr)


def test_package_reexports_its_modules():
    import isingformer.physics.glass as glass

    expected = set(PUBLIC["spinglass"]) | set(PUBLIC["annealing"])
    assert set(glass.__all__) == expected
    for attr in glass.__all__:
        assert hasattr(glass, attr)
