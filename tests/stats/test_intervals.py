"""Coverage of the small-sample intervals at the seed counts the study uses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.stats import mean_interval, t_interval

REPS = 4000
# binomial SE of a 95 % coverage over REPS replications is 0.0034; 0.015 is ~4.4 SE
TOL = 0.015


def _coverage(interval, n: int, sampler, truth: float, seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(REPS):
        lo, hi = interval(sampler(rng, n))
        hits += lo <= truth <= hi
    return hits / REPS


def _percentile_bootstrap(x: np.ndarray, n_boot: int = 400) -> tuple[float, float]:
    rng = np.random.default_rng(1)
    boots = x[rng.integers(0, x.size, size=(n_boot, x.size))].mean(axis=1)
    return float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))


@pytest.mark.parametrize("n", [3, 5])
def test_t_interval_covers_at_nominal_rate_for_few_seeds(n: int) -> None:
    cov = _coverage(t_interval, n, lambda r, k: r.normal(1.3, 0.2, k), 1.3, seed=n)
    assert abs(cov - 0.95) < TOL, cov


@pytest.mark.parametrize("n", [3, 5])
def test_t_interval_on_log_ratios_covers_the_geometric_mean(n: int) -> None:
    # paired log cost ratios, e.g. steps(critical)/steps(baseline) per seed
    cov = _coverage(t_interval, n, lambda r, k: r.normal(math.log(0.6), 0.15, k), math.log(0.6), 7)
    assert abs(cov - 0.95) < TOL, cov


def test_percentile_bootstrap_fails_the_same_check() -> None:
    """The check can fail: the old percentile bootstrap undercovers at n = 3."""
    rng = np.random.default_rng(3)
    hits = sum(
        lo <= 0.0 <= hi
        for lo, hi in (_percentile_bootstrap(rng.normal(0, 1, 3)) for _ in range(800))
    )
    assert hits / 800 < 0.95 - 0.1


def test_below_three_values_there_is_no_interval() -> None:
    assert t_interval([1.0, 2.0]) is None
    iv = mean_interval([1.0, 2.0])
    assert iv.ci is None and iv.n == 2 and iv.values == (1.0, 2.0)
    assert "n = 2: 1.000, 2.000" in iv.text()


def test_interval_matches_textbook_formula() -> None:
    x = [1.0, 2.0, 4.0]
    lo, hi = t_interval(x)
    half = 4.302652729911275 * np.std(x, ddof=1) / math.sqrt(3)  # t_{0.975, 2}
    assert lo == pytest.approx(np.mean(x) - half, rel=1e-9)
    assert hi == pytest.approx(np.mean(x) + half, rel=1e-9)
    iv = mean_interval(x)
    assert iv.method == "Student t" and "n = 3" in iv.text()
    assert iv.to_dict()["ci"] == [lo, hi]


@pytest.mark.parametrize("bad", [[1.0, math.nan, 2.0], []])
def test_bad_values_are_input_errors(bad) -> None:
    with pytest.raises(InputError):
        mean_interval(bad)


def test_bad_level_is_input_error() -> None:
    with pytest.raises(InputError, match="level"):
        t_interval([1.0, 2.0, 3.0], level=1.5)


@pytest.mark.regression
@pytest.mark.parametrize(("n", "coverage", "width_ratio"), [(3, 0.76, 2.6), (5, 0.84, 1.6)])
def test_docs_percentile_bootstrap_coverage_and_width(
    n: int, coverage: float, width_ratio: float
) -> None:
    """docs/training.md: the percentile bootstrap over n seeds covers ≈ 76 %
    (n = 3) / ≈ 84 % (n = 5); the t interval is a median 2.6x / 1.6x as wide.
    800 draws: binomial SE of the coverage ≤ 0.016, tolerance 0.05 (~3 SE);
    the median width ratio's draw-to-draw spread is < 0.05, tolerance 0.15."""
    rng = np.random.default_rng(100 + n)
    hits, ratios = 0, []
    for _ in range(800):
        x = rng.normal(0.0, 1.0, n)
        boots = x[rng.integers(0, n, size=(1000, n))].mean(axis=1)
        lo, hi = np.quantile(boots, [0.025, 0.975])
        hits += lo <= 0.0 <= hi
        tlo, thi = t_interval(x)
        ratios.append((thi - tlo) / (hi - lo))
    assert abs(hits / 800 - coverage) < 0.05
    assert abs(float(np.median(ratios)) - width_ratio) < 0.15


def test_t_half_width_is_the_t_interval_of_each_mean() -> None:
    """Along an axis: each row's half-width is that row's t-interval half-width
    (t_{n-1} s / sqrt(n); at n = 3, t_2 = 4.302653)."""
    from isingformer.stats import t_half_width

    rows = np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]])
    half = t_half_width(rows, axis=1)
    for row, h in zip(rows, half, strict=True):
        lo, hi = t_interval(row)
        assert h == pytest.approx((hi - lo) / 2, rel=1e-12)
        assert h == pytest.approx(4.302653 * np.std(row, ddof=1) / np.sqrt(3), rel=1e-6)
    assert t_half_width(rows.T, axis=0) == pytest.approx(half, rel=1e-12)
    with pytest.raises(InputError):
        t_half_width([1.0])
