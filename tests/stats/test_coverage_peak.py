"""Coverage of the heat-capacity peak's bootstrap error when rows come in
passages (the query rows of one passage share its keys): the phase map
(`probe.stream.layer_phase`) resamples whole passages; a bootstrap of rows
(`heat_capacity_peak` without groups) understates the error. Synthetic
passages: 16 of 16 rows × 16 keys, REM energies scaled per passage by
e^(0.3 z); the truth is the peak of the mean curve of 1500 passages.
docs/analyze.md states the two coverages."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from isingformer.ensemble.critical import heat_capacity_peak
from isingformer.probe.stream import EnergyLayers, layer_phase
from isingformer.stats import wilson_interval

S, T, TAU, REPS = 16, 16, 0.3, 150
GRID = np.linspace(0.2, 4.0, 40)
STATED = {"rows": 85, "passages": 137}  # of REPS, in docs/analyze.md


def _passages(seed: int, n: int) -> torch.Tensor:
    """``[n, 1, T, T]`` energies; one random scale per passage."""
    g = torch.Generator().manual_seed(seed)
    scale = torch.exp(TAU * torch.randn(n, 1, 1, 1, generator=g, dtype=torch.float64))
    return -scale * torch.randn(n, 1, T, T, generator=g, dtype=torch.float64)


@pytest.mark.regression
def test_passage_bootstrap_covers_and_row_bootstrap_does_not():
    truth = heat_capacity_peak(
        _passages(10**6, 1500).reshape(-1, T), GRID, n_boot=0, refine=False
    ).beta  # the estimator of the phase map: grid maximum, parabolic refinement
    allowed = torch.ones(S, 1, T, T, dtype=torch.bool)
    hits = {"rows": 0, "passages": 0}
    for r in range(REPS):
        E = _passages(r, S)
        p = layer_phase(
            EnergyLayers([E], [allowed], [1.0]), 0, GRID, False, max_rows=S * T,
            n_boot=100, seed=r, dtype=torch.float64, at_model=False,
        )[0][0]  # fmt: skip
        assert p["n_passages"] == S
        hits["passages"] += abs(p["beta"] - truth) <= 1.96 * p["beta_err"]
        rows = heat_capacity_peak(E.reshape(-1, T), GRID, n_boot=100, seed=r, refine=False)
        hits["rows"] += abs(rows.beta - truth) <= 1.96 * rows.beta_err
    # ±1.96 errors estimated from S = 16 clusters: the nominal rate is that of t_15
    nominal = float(stats.t.cdf(1.96, S - 1) - stats.t.cdf(-1.96, S - 1))  # 0.931
    assert nominal == pytest.approx(0.93, abs=0.005)
    sd = math.sqrt(nominal * (1 - nominal) / REPS)  # binomial sd of a measured coverage
    assert hits["passages"] / REPS >= nominal - 3 * sd, wilson_interval(hits["passages"], REPS)
    assert wilson_interval(hits["rows"], REPS)[1] < 0.80
    for k, h in hits.items():
        p = STATED[k] / REPS
        assert abs(h - STATED[k]) / REPS <= 2 * math.sqrt(p * (1 - p) / REPS), (k, h)


def test_attention_calibration_resamples_whole_sequences():
    # measure_critical_beta (the critical β policy) has the same clustered rows:
    # its error is the passage bootstrap of heat_capacity_peak with the sequences
    from isingformer.attention import measure_critical_beta
    from isingformer.attention.energies import head_rows

    g = torch.Generator().manual_seed(0)
    B, L, d = 6, 12, 4
    q = torch.randn(B, 1, L, d, generator=g, dtype=torch.float64)
    k = torch.randn(B, 1, L, d, generator=g, dtype=torch.float64)
    k = k * torch.exp(0.3 * torch.randn(B, 1, 1, 1, generator=g, dtype=torch.float64))
    crit = measure_critical_beta(q, k, causal=False, n_boot=20, seed=0)
    assert not bool(crit.at_edge[0])
    E, A = head_rows(q, k, causal=False)
    grid = np.linspace(0.02, 2.5, 64) * float(crit.beta_c_rem[0])
    groups = np.repeat(np.arange(B), L)
    ref = heat_capacity_peak(E[0], grid, A[0], n_boot=20, seed=0, refine=False, groups=groups)
    rows = heat_capacity_peak(E[0], grid, A[0], n_boot=20, seed=0, refine=False)
    assert float(crit.beta[0]) == pytest.approx(ref.beta, rel=1e-9)
    assert float(crit.beta_err[0]) == pytest.approx(ref.beta_err, rel=1e-6)
    assert ref.beta_err != pytest.approx(rows.beta_err, rel=1e-3)


@pytest.mark.regression
def test_row_bootstrap_error_matches_the_spread_of_independent_rows():
    # docs/ensemble.md: REM rows are independent, so the row bootstrap is right:
    # mean error 0.052 against the SD 0.053 of β* over 80 seeds
    from isingformer.ensemble.rem import default_grid, rem_energies

    grid = default_grid(64)
    peaks = [heat_capacity_peak(rem_energies(64, 200, 1.0, r), grid, n_boot=100, seed=r)
             for r in range(80)]  # fmt: skip
    err = float(np.mean([p.beta_err for p in peaks]))
    sd = float(np.std([p.beta for p in peaks], ddof=1))
    assert abs(err - 0.052) <= 0.0005 and abs(sd - 0.053) <= 0.0005
    assert abs(err / sd - 1) <= 2 / math.sqrt(2 * 79)  # the SD of 80 values: ±8 %


@pytest.mark.slow
def test_minilm_peak_errors_match_the_spread_between_passage_sets():
    # the phase map of the packaged MiniLM on 4 disjoint sets of 8 passages: the
    # β* of two sets differ by sqrt(err_a² + err_b²) in SD if the errors are
    # honest. Measured: SD of the 432 pairwise z-scores 1.21 (10 % beyond 1.96,
    # as t with 7 dof gives) with passage clusters; 1.63 (22 %) over rows.
    from isingformer.probe.model import load_model
    from isingformer.probe.phase import analyze_attention
    from isingformer.probe.texts import default_texts

    texts = default_texts(32)
    loaded = load_model(None)
    maps = [
        analyze_attention(texts=texts[8 * g : 8 * g + 8], sizes=[], loaded=loaded, seed=g)
        for g in range(4)
    ]
    beta = np.array([[h.beta_peak for h in m.heads] for m in maps])  # [4, 72]
    err = np.array([[h.beta_peak_err for h in m.heads] for m in maps])
    z = [
        (beta[i] - beta[j]) / np.sqrt(err[i] ** 2 + err[j] ** 2)
        for i in range(4)
        for j in range(i + 1, 4)
    ]
    z = np.concatenate(z)
    z = z[np.isfinite(z)]
    assert z.size > 400
    assert float(z.std()) < 1.35
