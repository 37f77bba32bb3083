"""Coverage of the bands of ``phases detect``: the conservative 95 % band
(Hall's skewness-corrected Student-t interval,
:func:`isingformer.stats.skew_t_bounds`, computed at level
:func:`isingformer.phases.detector.band_level`: 99.5 % for 16-31 prompts,
99 % from 32; no band below 16) against Hall's interval at 95 % (the bands
before).

Generators of per-prompt linear-indicator terms at every interior grid point,
the estimand being the population mean at each point:

- synthetic: the heterogeneous Bernoulli prompts of
  ``tests/phases/test_peak_coverage.py`` ("broad" and "sharp"), exact terms,
  population curve by Gauss–Hermite quadrature;
- "logw": the same Bernoulli prompts with switch points 0.4·z and widths
  log-uniform on [0.05, 0.5] (quadrature over both), a generator not used to
  choose the levels;
- GPT: the per-prompt terms of 512 prompts of the docs tiny GPT
  (``tests/phases/conftest.py``: 2 layers × 2 heads, 300 steps, critical
  policy, seed 0; prompts ``_gpt_prompts(trained, 512, 32, seed=7)``) over
  T on ``geomspace(0.1, 10, 21)`` (``temperature_terms``) and over the β factor
  on ``geomspace(0.0625, 16, 17)`` (``window_terms`` of
  ``gpt_beta_distributions``), stored in ``data/gpt_prompt_terms.npz``; n
  prompts are drawn with replacement from the 512, the estimand is their mean.

Why the levels: at 95 % Hall's interval covered the top of the curve at
93–99 % but fell to 81–90 % at points off the peak at every n up to 256
(broad, logw), and 90–93 % on the GPT over β: there a few prompts carry the
mean (most contribute almost nothing, or a minority much less), a sample of
n often misses them, and then the mean and its standard error are both small
and the band lies below the truth (the misses are on that side). Nothing in
the sample flags such a draw. Also tried at 95 % on 1000–2000 replications per
n: the bootstrap-t over prompts, the bootstrap of Hall's transformed
statistic, BCa, the percentile bootstrap, Hall's with the bias-adjusted
skewness or with the skewness doubled — none raised the lowest coverage over
the curve to 95 % (bootstrap-t and the adjusted/doubled skewness by at most
2 points, the doubled 3 on the broad peak at n = 8 while lowering it on the
GPT over T; BCa, percentile and the bootstrap of Hall's statistic were lower).
The levels were chosen on seeds 3131 + n (2000 replications, broad, sharp,
temperature, beta), checked on seeds 960000 + n (2000, with logw: at 8 and 12
prompts the lowest coverage was 91.4 % (logw) and 92.9 % (broad), so the
band starts at 16), and the stated coverages (``STATED``, docs/phases.md) are
on fresh seeds 970000 + n, 4000 replications per n. Run this module as a
script to print the table.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from isingformer.phases.detector import (
    BAND_METHOD,
    MIN_PROMPTS_BAND,
    band_level,
    detect_from_terms,
)
from isingformer.stats import skew_t_bounds, t_half_width, wilson_interval


def _peak_coverage_module():
    """``tests/phases/test_peak_coverage.py`` (the synthetic system), loaded by path."""
    path = Path(__file__).parents[1] / "phases" / "test_peak_coverage.py"
    spec = importlib.util.spec_from_file_location("_peak_coverage_system", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SYSTEM = _peak_coverage_module()
CASES, _terms, _population_curve = _SYSTEM.CASES, _SYSTEM._terms, _SYSTEM._population_curve
DATA = Path(__file__).parent / "data" / "gpt_prompt_terms.npz"
GENERATORS = ("broad", "sharp", "logw", "temperature", "beta")
NS = (8, 12, 16, 24, 32, 64, 128, 256)  # 8 and 12: below the band's start, why it starts at 16
REPS = 4000
SEED = 970_000
# per generator and n: coverage of the band at the curve's top grid point, its lowest
# over the interior points, the point of that lowest, and Hall's 95 % interval's
# coverage at the top and lowest (the band before); fractions of REPS
STATED: dict[str, dict[int, tuple[float, float, int, float, float]]] = {
    "broad": {
        8: (0.9915, 0.9457, 5, 0.9625, 0.8257),
        12: (0.9950, 0.9427, 5, 0.9340, 0.8440),
        16: (0.9950, 0.9433, 10, 0.9440, 0.8765),
        24: (0.9922, 0.9675, 10, 0.9590, 0.8980),
        32: (0.9915, 0.9573, 4, 0.9645, 0.8850),
        64: (0.9930, 0.9633, 4, 0.9563, 0.9095),
        128: (0.9908, 0.9782, 4, 0.9517, 0.9217),
        256: (0.9905, 0.9800, 11, 0.9527, 0.9255),
    },
    "sharp": {
        8: (0.9928, 0.9898, 6, 0.9875, 0.9465),
        12: (0.9988, 0.9905, 8, 0.9925, 0.9450),
        16: (0.9992, 0.9915, 6, 0.9792, 0.9447),
        24: (1.0000, 0.9945, 6, 0.9700, 0.9507),
        32: (0.9960, 0.9895, 6, 0.9640, 0.9460),
        64: (0.9958, 0.9875, 6, 0.9623, 0.9475),
        128: (0.9918, 0.9888, 9, 0.9523, 0.9500),
        256: (0.9898, 0.9895, 5, 0.9540, 0.9480),
    },
    "logw": {
        8: (0.9748, 0.9175, 0, 0.9343, 0.8562),
        12: (0.9858, 0.9580, 4, 0.9423, 0.8728),
        16: (0.9900, 0.9637, 10, 0.9523, 0.8685),
        24: (0.9958, 0.9738, 11, 0.9607, 0.8720),
        32: (0.9945, 0.9527, 11, 0.9635, 0.8825),
        64: (0.9932, 0.9647, 11, 0.9497, 0.8890),
        128: (0.9905, 0.9620, 12, 0.9550, 0.8932),
        256: (0.9918, 0.9653, 12, 0.9540, 0.8962),
    },
    "temperature": {
        8: (0.9938, 0.9525, 16, 0.9393, 0.9077),
        12: (0.9895, 0.9815, 12, 0.9407, 0.9340),
        16: (0.9925, 0.9872, 10, 0.9435, 0.9287),
        24: (0.9925, 0.9890, 0, 0.9440, 0.9345),
        32: (0.9862, 0.9828, 0, 0.9357, 0.9347),
        64: (0.9885, 0.9838, 2, 0.9480, 0.9383),
        128: (0.9890, 0.9860, 1, 0.9527, 0.9450),
        256: (0.9902, 0.9890, 0, 0.9497, 0.9435),
    },
    "beta": {
        8: (0.9925, 0.9778, 14, 0.9420, 0.9020),
        12: (0.9920, 0.9768, 14, 0.9355, 0.9055),
        16: (0.9915, 0.9808, 14, 0.9440, 0.9237),
        24: (0.9928, 0.9805, 9, 0.9380, 0.9197),
        32: (0.9902, 0.9775, 14, 0.9440, 0.9270),
        64: (0.9888, 0.9800, 10, 0.9497, 0.9295),
        128: (0.9878, 0.9802, 10, 0.9495, 0.9263),
        256: (0.9915, 0.9815, 13, 0.9525, 0.9353),
    },
}


def _draw(gen: str, n: int, reps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``reps`` draws of n prompts' terms ``[G − 2, reps, n]`` and the estimand ``[G − 2]``."""
    rng = np.random.default_rng(seed)
    if gen in CASES:
        grid, widths, s, lam0 = CASES[gen]
        c = lam0 + s * rng.standard_normal((reps, n))
        w = rng.choice(widths, (reps, n))
        t = _terms(grid, c.ravel(), w.ravel()).reshape(-1, reps, n)
        return t, _population_curve(grid, widths, s, lam0)
    if gen == "logw":
        grid, lw = CASES["broad"][0], (math.log(0.05), math.log(0.5))
        c, w = 0.4 * rng.standard_normal((reps, n)), np.exp(rng.uniform(*lw, (reps, n)))
        t = _terms(grid, c.ravel(), w.ravel()).reshape(-1, reps, n)
        z, wz = np.polynomial.hermite_e.hermegauss(200)
        u, wu = np.polynomial.legendre.leggauss(96)
        lwq = lw[0] + (u + 1) / 2 * (lw[1] - lw[0])
        zz, ll = np.meshgrid(z, lwq, indexing="ij")
        quad = np.outer(wz / wz.sum(), wu / wu.sum()).ravel()
        return t, _terms(grid, 0.4 * zz.ravel(), np.exp(ll.ravel())) @ quad
    with np.load(DATA) as d:
        pool = d[f"{gen}_linear"]  # [G − 2, 512]
    return pool[:, rng.integers(0, pool.shape[1], (reps, n))], pool.mean(axis=1)


def coverage(gen: str, n: int, reps: int, seed: int) -> dict[str, np.ndarray]:
    """Coverage ``[G − 2]`` at every interior point: the detector's band (``band``,
    Hall's interval at ``band_level(n)``) and Hall's interval at 95 % (``hall95``)."""
    t, truth = _draw(gen, n, reps, seed)
    tr = truth[:, None]
    out = {}
    for key, level in (("band", band_level(n)), ("hall95", 0.95)):
        lo, hi = skew_t_bounds(t, axis=2, level=level)
        out[key] = np.mean((lo <= tr) & (tr <= hi), axis=1)
    return out


def _top(gen: str) -> int:
    return int(np.argmax(_draw(gen, 3, 1, 0)[1]))


def measure(gen: str, n: int, reps: int = REPS, seed: int = SEED):
    """``(top, lowest, where lowest, hall95 top, hall95 lowest)`` as in ``STATED``."""
    cov, top = coverage(gen, n, reps, seed + n), _top(gen)
    b, h = cov["band"], cov["hall95"]
    return (float(b[top]), float(b.min()), int(np.argmin(b)), float(h[top]), float(h.min()))


def test_skew_t_bounds_formula_and_limits():
    rng = np.random.default_rng(0)
    x = rng.exponential(size=(7, 6)) ** 2  # skewed, [7 means, 6 values each]
    b = skew_t_bounds(x, axis=1)
    assert b.shape == (2, 7)
    np.testing.assert_allclose(skew_t_bounds(x.T, axis=0), b, rtol=1e-14)
    for row, (lo, hi) in zip(x, b.T, strict=True):  # the formula, one mean at a time
        n, m, d = row.size, row.mean(), row - row.mean()
        gamma = np.mean(d**3) / np.mean(d**2) ** 1.5
        a, q = gamma / (3 * math.sqrt(n)), stats.t.ppf(0.975, n - 1)
        se = row.std(ddof=1) / math.sqrt(n)

        def g(t, a=a, gamma=gamma, n=n):  # Hall's transformation of T = (x̄ − μ)/se
            return ((1 + a * t) ** 3 - 1) / (3 * a) + gamma / (6 * math.sqrt(n))

        assert g((m - lo) / se) == pytest.approx(q, rel=1e-9)
        assert g((m - hi) / se) == pytest.approx(-q, rel=1e-9)
        assert lo < m < hi and ((hi - m) - (m - lo)) * gamma > 0  # towards the long tail
    sym = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])  # no skewness: the plain t interval
    half = t_half_width(sym, axis=1)
    np.testing.assert_allclose(skew_t_bounds(sym, axis=1)[:, 0], [3 - half[0], 3 + half[0]])
    np.testing.assert_allclose(skew_t_bounds(np.full((2, 4), 0.3), axis=1), 0.3)  # no spread


def test_detector_bands_are_hall_intervals_at_the_band_level_from_sixteen_prompts():
    grid, widths, s, lam0 = CASES["broad"]
    rng = np.random.default_rng(1)
    assert MIN_PROMPTS_BAND == 16 and band_level(16) == band_level(31) == 0.995
    assert band_level(32) == band_level(256) == 0.99
    for n in (MIN_PROMPTS_BAND - 1, MIN_PROMPTS_BAND, 40):
        t = _terms(grid, lam0 + s * rng.standard_normal(n), rng.choice(widths, n))
        det = detect_from_terms(grid, {"tv": t, "js": t, "linear": t}, n_boot=20)
        method = det.to_dict()["band_method"]
        if n < MIN_PROMPTS_BAND:
            assert np.all(np.isnan(det.bands["linear"])) and method.startswith("no band")
            assert det.peaks[0]["ci"] is not None  # the peak interval still from 3 prompts
        else:
            level = 0.995 if n < 32 else 0.99
            np.testing.assert_allclose(det.bands["linear"], skew_t_bounds(t, axis=1, level=level))
            assert method == BAND_METHOD and "Hall" in method and "below 16" in method


def test_band_covers_off_the_peak_where_hall95_did_not():
    """Broad synthetic peak, 16 prompts, 1000 replications (seeds 980016): the
    band's lowest coverage over the curve is within 3 binomial sd (2.1 points)
    of 95 %; Hall's interval at 95 % (the bands before) falls below that."""
    reps = 1000
    floor = 0.95 - 3 * math.sqrt(0.95 * 0.05 / reps)
    cov = coverage("broad", 16, reps, 980_016)
    assert cov["band"].min() >= floor, cov["band"].min()
    assert cov["hall95"].min() < floor, cov["hall95"].min()


@pytest.mark.regression
def test_stated_band_coverage_at_sixteen_prompts():
    """At n = 16 (the default number of prompts and the smallest with a band),
    1000 fresh replications (seeds 910016): the band's coverage at the top and at
    the stated lowest point agree with the stated 4000-replication ones within 3
    sd of their difference, for the broad synthetic peak and the GPT over β."""
    reps, n = 1000, 16
    for gen in ("broad", "beta"):
        cov = coverage(gen, n, reps, 910_000 + n)
        top, low, where, *_ = STATED[gen][n]
        for got, p in ((cov["band"][_top(gen)], top), (cov["band"][where], low)):
            sd = math.sqrt(p * (1 - p) * (1 / reps + 1 / REPS))
            assert abs(got - p) <= 3 * sd, (gen, got, p)


@pytest.mark.slow
@pytest.mark.parametrize("gen", GENERATORS)
def test_stated_band_coverage(gen):
    """The measurement of docs/phases.md: 4000 replications per n on seeds
    970000 + n; each stated coverage lies in the Wilson interval of the
    recomputed one. From 16 prompts the band's lowest coverage over the curve is
    at least 95 % less 3 binomial sd (1.0 point)."""
    floor = 0.95 - 3 * math.sqrt(0.95 * 0.05 / REPS)
    for n in NS:
        got = measure(gen, n)
        for i in (0, 1, 3, 4):
            lo, hi = wilson_interval(round(got[i] * REPS), REPS)
            assert lo <= STATED[gen][n][i] <= hi, (gen, n, i, got)
        assert got[2] == STATED[gen][n][2]
        if n >= MIN_PROMPTS_BAND:
            assert got[1] >= floor, (gen, n, got)


@pytest.mark.slow
def test_no_band_below_sixteen_prompts():
    """The check set that set the start at 16 prompts (2000 replications, seeds
    960000 + n): the lowest coverage over the curve was 92.9 % (broad, n = 12)
    and 91.4 % (logw, n = 8), below 95 % less 3 binomial sd (94.0 %)."""
    for gen, n, low in (("broad", 12, 0.929), ("logw", 8, 0.914)):
        got = measure(gen, n, reps=2000, seed=960_000)
        assert got[1] == pytest.approx(low, abs=1e-9) and got[1] < 0.95 - 3 * math.sqrt(
            0.95 * 0.05 / 2000
        ), (gen, n, got)


if __name__ == "__main__":  # the table of STATED (about a minute)
    for gen in GENERATORS:
        print(f"    {gen!r}: {{")
        for n in NS:
            top, low, where, h_top, h_low = measure(gen, n)
            print(f"        {n}: ({top:.4f}, {low:.4f}, {where}, {h_top:.4f}, {h_low:.4f}),")
        print("    },", flush=True)
