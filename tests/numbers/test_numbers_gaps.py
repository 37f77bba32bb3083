"""Segmented sieve (exact prime counts and gaps) and the gap models."""

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.numbers.gaps import gap_models, gaps_study, ising_row_walls, singular_series
from isingformer.numbers.sieve import count_primes, gap_histogram, primes_up_to


@pytest.mark.parametrize(
    ("limit", "pi"), [(100, 25), (101, 26), (10**4, 1229), (10**6, 78498), (10**7, 664579)]
)
def test_prime_counts_are_exact(limit, pi):
    assert gap_histogram(limit).n_primes == pi


@pytest.mark.parametrize("limit", [100, 127, 30 * 1000 + 1, 30 * 1000 + 29, 999_983, 1_234_567])
def test_wheel_edges_and_count_only_path(limit):
    pi = primes_up_to(limit).size
    assert count_primes(limit) == pi == gap_histogram(limit).n_primes


def test_gap_histogram_equals_plain_sieve():
    h = gap_histogram(300_007)
    p = primes_up_to(300_007)
    g = np.diff(p[1:])
    want = np.zeros_like(h.counts)
    np.add.at(want, (np.floor(np.log(p[1:-1]) / h.ln_bin).astype(int), g // 2), 1)
    assert np.array_equal(h.counts, want)
    assert h.clamped == 0


def test_singular_series_values():
    c2 = 0.66016181584686957393
    assert singular_series(2) == pytest.approx(2 * c2)
    assert singular_series(6) / singular_series(4) == pytest.approx(2.0)
    assert singular_series(30) == pytest.approx(2 * c2 * 2 * 4 / 3)
    assert singular_series(7) == 0.0


def test_models_are_distributions_with_mean_ln_p():
    for name, p in gap_models(20.0, 400).items():
        assert p.sum() == pytest.approx(1.0, abs=1e-9), name
        assert p[0] == 0.0
        mean = float(np.sum(p * 2 * np.arange(401)))
        assert mean == pytest.approx(20.0, rel=0.03), name


def test_gap_study_prefers_hardy_littlewood_and_counts_multiples_of_6():
    r = gaps_study(10**6)
    top = r["top_window"]
    assert r["n_primes"] == 78498
    assert r["best_model"] == "hardy_littlewood"
    share = top["share_multiple_of_6"]
    assert share["primes"] > share["cramer_mod2"] + 0.1
    assert abs(share["primes"] - share["hardy_littlewood"]) < 0.02
    assert top["log_lr_hl_vs_cramer_mod2_per_gap"] > 0
    assert top["normalised_mean"] == pytest.approx(1.0, abs=0.05)


def test_ising_row_walls_high_temperature_is_close_to_independent_walls():
    hot = ising_row_walls(16, 6.0, sweeps=50, samples=20, seed=1)
    # at high T bonds are nearly independent: P(wall) → 1/2 − tanh(K)/2 + …
    assert abs(hot["mean"] - 1 / (0.5 - 0.5 * math.tanh(1 / 6.0))) < 0.4
    assert hot["ks_geometric"] < 0.05


@pytest.mark.parametrize("bad", [10, 0, -5, 10**11])
def test_bad_limits(bad):
    with pytest.raises(InputError):
        gap_histogram(bad)


def test_base_seed_selects_the_ising_row_seeds():
    """``seed`` is the base of the ``seeds`` Monte Carlo seeds (docs/cli.md):
    the same base reproduces the rows, another base gives other rows."""
    from isingformer.numbers.gaps import gaps_study

    def rows(seed):
        out = gaps_study(1000, ising_size=16, seeds=2, seed=seed, ising_samples=4)
        return out["ising_2d"]["tc"]

    a, b = rows(3), rows(3)
    assert a == b
    assert [r["seed"] for r in a] == [3, 4]
    assert rows(7) != a
