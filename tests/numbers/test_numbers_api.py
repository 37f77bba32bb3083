"""The public names of isingformer.numbers are pinned."""

import isingformer.numbers as numbers

EXPECTED = {
    "GapHistogram",
    "PrimonPoint",
    "attention_spacings",
    "backlund_bound",
    "fermionic_primon",
    "fisher_polynomial",
    "fisher_zeros",
    "gap_histogram",
    "gap_models",
    "gaps_study",
    "gaudin_cdf",
    "graph_table",
    "hagedorn_asymptotics",
    "ising_row_walls",
    "ks_table",
    "lee_yang",
    "lee_yang_polynomial",
    "matrix_spacings",
    "pair_correlation",
    "primes_up_to",
    "primon",
    "primon_summary",
    "riemann_von_mangoldt",
    "ring_polynomial",
    "ring_zero_angles",
    "singular_series",
    "spacings",
    "spin_glass_lee_yang",
    "theta_scaling",
    "torus_edges",
    "torus_table",
    "truncated_primon",
    "unfold_polynomial",
    "unfold_zeta",
    "zeros_summary",
    "zeta_modulus_line",
    "zeta_zeros",
}


def test_public_names_are_pinned():
    assert set(numbers.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(numbers, name) is not None
