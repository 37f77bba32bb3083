"""Coverage of `analyze`'s β* error (the phase map's passage bootstrap,
`probe.stream.layer_phase`) read as an interval, on 2000 fresh draws of the
synthetic passages of ``tests/stats/test_coverage_peak.py`` (16 passages of
16 rows × 16 keys, each passage's REM energies scaled by e^(0.3 z); the truth
is the peak of the mean curve of 1500 passages). ``beta_err`` is a standard
deviation over 100 resamples of the 16 passages, not half an interval:
docs/analyze.md and docs/statistics.md state what ±1.96 and ±t₁₅·√(16/15)
errors cover. Slow: about 0.25 s a draw (8 minutes on a loaded machine)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy import stats

from isingformer.ensemble.critical import heat_capacity_peak
from isingformer.probe.stream import EnergyLayers, layer_phase
from isingformer.stats import wilson_interval

_spec = importlib.util.spec_from_file_location(
    "_coverage_peak_passages", Path(__file__).parent / "test_coverage_peak.py"
)
_peak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_peak)
GRID, S, T, _passages = _peak.GRID, _peak.S, _peak.T, _peak._passages
REPS = 2000
# hits of REPS: ±1.96 err, ±t_15·sqrt(16/15)·err; the 95 % quantile of |z|, z = (β* − truth)/err
STATED = {"z196": 1813, "t_scaled": 1865, "q95": 2.36}


@pytest.mark.slow
def test_passage_bootstrap_error_as_an_interval():
    truth = heat_capacity_peak(
        _passages(10**6, 1500).reshape(-1, T), GRID, n_boot=0, refine=False
    ).beta
    allowed = torch.ones(S, 1, T, T, dtype=torch.bool)
    z = np.empty(REPS)
    for r in range(REPS):
        p = layer_phase(
            EnergyLayers([_passages(500_000 + r, S)], [allowed], [1.0]), 0, GRID, False,
            max_rows=S * T, n_boot=100, seed=r, dtype=torch.float64, at_model=False,
        )[0][0]  # fmt: skip
        z[r] = (p["beta"] - truth) / p["beta_err"]
    k = float(stats.t.ppf(0.975, S - 1)) * math.sqrt(S / (S - 1))
    hits = {"z196": int(np.sum(np.abs(z) <= 1.96)), "t_scaled": int(np.sum(np.abs(z) <= k))}
    for key, h in hits.items():
        lo, hi = wilson_interval(h, REPS)
        assert lo <= STATED[key] / REPS <= hi, (key, h)
        assert hi < 0.95, (key, h)  # neither reaches 95 %
    assert float(np.quantile(np.abs(z), 0.95)) == pytest.approx(STATED["q95"], abs=0.1)
