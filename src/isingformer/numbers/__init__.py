"""Primes, ζ and Lee–Yang zeros: the number-theory claims of seed 001 made
computable — the primon gas, certified Lee–Yang/Fisher zeros of finite Ising
systems, certified ζ zeros with spacing statistics, and prime gaps against
domain-wall models."""

from isingformer.numbers.api import primon_summary, zeros_summary
from isingformer.numbers.attention_spectra import attention_spacings, matrix_spacings
from isingformer.numbers.gaps import gap_models, gaps_study, ising_row_walls, singular_series
from isingformer.numbers.leeyang import (
    fisher_zeros,
    lee_yang,
    ring_zero_angles,
    spin_glass_lee_yang,
    theta_scaling,
)
from isingformer.numbers.polynomial import (
    fisher_polynomial,
    graph_table,
    lee_yang_polynomial,
    ring_polynomial,
    torus_edges,
    torus_table,
)
from isingformer.numbers.primon import (
    PrimonPoint,
    fermionic_primon,
    hagedorn_asymptotics,
    primon,
    truncated_primon,
    zeta_modulus_line,
)
from isingformer.numbers.sieve import GapHistogram, gap_histogram, primes_up_to
from isingformer.numbers.spacing import (
    gaudin_cdf,
    ks_table,
    pair_correlation,
    spacings,
    unfold_polynomial,
)
from isingformer.numbers.zeta_zeros import (
    backlund_bound,
    riemann_von_mangoldt,
    unfold_zeta,
    zeta_zeros,
)

__all__ = [
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
]
