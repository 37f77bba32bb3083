"""The detector from sampled multi-token continuations against the exact answer
(enumeration of every continuation): over temperature and over per-grid-point
configurations on a small toy LM, over attention β on the tiny GPT and its
Hugging Face export, over its training steps; the scorers' forward passes and
refusals. (The CLI over T and β: tests/phases/test_phases_cli.py.)"""

import contextlib
import itertools

import numpy as np
import pytest
import torch

from isingformer.errors import InputError
from isingformer.phases import jensen_shannon, linear_divergence, total_variation
from isingformer.phases.sampled import (
    ConfigurationScorer,
    TemperatureScorer,
    beta_scorer,
    checkpoint_scorer,
    indicator_errors,
    sampled_temperature_terms,
    sampled_terms,
)
from isingformer.phases.validation import TwoPhaseLM

M, LENGTH = 5, 2  # vocabulary 6, continuations of 2 tokens: 36 per prompt
GRID = np.geomspace(0.4, 3.0, 7)


def _exact(scorer, idx: torch.Tensor, vocab: int, length: int) -> dict[str, np.ndarray]:
    """The indicators from every continuation's probability at every grid point."""
    P, S = idx.shape
    conts = torch.tensor(list(itertools.product(range(vocab), repeat=length)))  # [K, L]
    K = conts.shape[0]
    seqs = torch.cat([idx.repeat_interleave(K, 0), conts.repeat(P, 1)], dim=1)
    G = scorer.size
    p = scorer.score(seqs, S, range(G)).view(G, P, K).exp().numpy()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-9)  # the enumeration is complete
    funcs = {"tv": total_variation, "js": jensen_shannon, "linear": linear_divergence}
    return {k: f(p[:-2], p[2:]) for k, f in funcs.items()}  # [G − 2, P]


def _z(est, exact) -> dict[str, np.ndarray]:
    """(estimate − exact) / stated standard error, per indicator (flattened)."""
    return {k: ((est[k] - exact[k]) / est[f"{k}_se"]).ravel() for k in ("tv", "js", "linear")}


def _assert_calibrated(runs: list[dict[str, np.ndarray]], sd_tol: float):
    """Pooled over seeds: every estimate within 4 stated standard errors of the
    exact value, no bias, and the z-scores' spread 1 ± ``sd_tol`` (the standard
    errors neither too small nor too large)."""
    for name in ("tv", "js", "linear"):
        z = np.concatenate([r[name] for r in runs])
        assert np.all(np.abs(z) < 4.0), (name, z)
        assert abs(z.mean()) < 4.0 / np.sqrt(z.size) + 0.5, (name, z.mean())
        assert abs(z.std(ddof=1) - 1.0) < sd_tol, (name, z.std(ddof=1))


SEEDS = (0, 1, 2)


@pytest.mark.regression
def test_sampled_indicators_match_the_exact_ones():
    runs = []
    for seed in SEEDS:
        model = TwoPhaseLM(m=M, a=2.0, spread=0.5, seed=seed)
        idx = torch.randint(0, M + 1, (4, 3), generator=torch.Generator().manual_seed(seed))
        exact = _exact(TemperatureScorer(model, GRID), idx, M + 1, LENGTH)
        assert exact["linear"].max() > 0.05  # the comparison is not trivial
        est = sampled_temperature_terms(model, idx, GRID, n_samples=400, length=LENGTH, seed=seed)
        runs.append(_z(est, exact))
    _assert_calibrated(runs, sd_tol=0.25)  # 60 z-scores per indicator: sd of sd ≈ 0.09


@pytest.mark.regression
def test_a_model_per_grid_point_matches_the_exact_indicators():
    """Grid point j is the toy LM with its logit gap times λ_j: a different model
    per point (sampled and scored through ``at(j)``), the same family as
    temperature 1/λ of the base model."""
    lam = 1.0 / GRID[::-1]
    runs = []
    for seed in SEEDS:
        models = [TwoPhaseLM(m=M, a=2.0 * x, spread=0.5, seed=seed) for x in lam]
        scorer = ConfigurationScorer(lambda j, ms=models: contextlib.nullcontext(ms[j]), lam.size)
        idx = torch.randint(0, M + 1, (4, 3), generator=torch.Generator().manual_seed(seed))
        exact = _exact(scorer, idx, M + 1, LENGTH)
        base = TemperatureScorer(TwoPhaseLM(m=M, a=2.0, spread=0.5, seed=seed), GRID[::-1])
        for name, v in _exact(base, idx, M + 1, LENGTH).items():
            np.testing.assert_allclose(exact[name], v, atol=1e-12)
        assert exact["linear"].max() > 0.05
        runs.append(_z(sampled_terms(scorer, idx, n_samples=400, length=LENGTH, seed=seed), exact))
    _assert_calibrated(runs, sd_tol=0.25)


class _Counting(TwoPhaseLM):
    calls = 0

    def forward(self, idx, targets=None):
        type(self).calls += 1
        return super().forward(idx, targets)


def test_forward_passes_as_stated():
    """Per grid point ``length`` sampling passes; scoring: one pass per grid point
    over temperature, 3G − 4 in all for a model per grid point (P·K = 8: one block)."""
    model, G = _Counting(m=M, a=2.0, spread=0.5), GRID.size
    idx = torch.zeros((4, 3), dtype=torch.long)
    for scorer, scoring in (
        (TemperatureScorer(model, GRID), G),
        (ConfigurationScorer(lambda j: contextlib.nullcontext(model), G), 3 * G - 4),
    ):
        _Counting.calls = 0
        sampled_terms(scorer, idx, n_samples=2, length=3, seed=0)
        assert _Counting.calls == 3 * G + scoring


def test_blocks_of_rows_change_nothing(monkeypatch):
    """Forward passes in blocks of rows (a small logits budget) score alike."""
    import isingformer.phases.sampled as sampled

    model = TwoPhaseLM(m=M, a=2.0, spread=0.5)
    seqs = torch.randint(0, M + 1, (50, 5), generator=torch.Generator().manual_seed(0))
    whole = sampled.sequence_logprobs(model, seqs, 3, GRID)
    monkeypatch.setattr(sampled, "_ELEMENTS", 3 * 5 * (M + 1))  # 8 rows, then 3 per block
    np.testing.assert_array_equal(sampled.sequence_logprobs(model, seqs, 3, GRID), whole)
    est = sampled_temperature_terms(model, seqs[:4, :3], GRID, n_samples=5, length=2)
    assert est["linear"].shape == (GRID.size - 2, 4)


@pytest.mark.regression
def test_indicator_errors_are_the_spread_over_seeds():
    """The stated sampling error of each indicator against its spread over 24 seeds."""
    model = TwoPhaseLM(m=M, a=2.0, spread=0.5, seed=0)
    idx = torch.randint(0, M + 1, (4, 3), generator=torch.Generator().manual_seed(0))
    runs = [
        sampled_temperature_terms(model, idx, GRID, n_samples=100, length=LENGTH, seed=s)
        for s in range(24)
    ]
    for name in ("tv", "js", "linear"):
        spread = np.std([r[name].mean(axis=1) for r in runs], axis=0, ddof=1)  # [G − 2]
        stated = np.mean([indicator_errors(r)[name] for r in runs], axis=0)
        ratio = spread / stated  # sd of a 24-sample sd: ≈ 15 %
        assert np.all((ratio > 0.5) & (ratio < 1.6)), (name, ratio)
        assert 0.75 < ratio.mean() < 1.3, (name, ratio.mean())


@pytest.fixture(scope="module")
def gpt_and_hf(gpt_checkpoint, hf_export):
    from isingformer.lm.sample import load_trained
    from isingformer.phases.api import load_causal_lm

    trained = load_trained(gpt_checkpoint)
    idx = torch.as_tensor(np.array(trained.data.val[:18])).long().view(3, 6)
    return trained.model, load_causal_lm(hf_export)[0], idx


BETA = np.geomspace(1 / 16, 16, 5)  # factors on every head's own β


def test_beta_configurations_are_the_detectors_beta(gpt_and_hf):
    """The scorer's β configurations give the next-token distributions of
    ``gpt_beta_distributions`` (tested against the HF adapter's β), and the GPT and
    its HF export score sequences alike at every β."""
    from isingformer.phases.lm import gpt_beta_distributions

    gpt, hf, idx = gpt_and_hf
    ref = gpt_beta_distributions(gpt, idx, BETA)
    a, b = beta_scorer(gpt, BETA, "gpt"), beta_scorer(hf, BETA, "hf")
    seqs = torch.cat([idx, idx.flip(1)], dim=1)  # [3, 12]: score the last 6 tokens
    for j in range(BETA.size):
        with a.at(j) as m, torch.no_grad():
            p = torch.softmax(m(idx)[0].double(), dim=-1).numpy()
        np.testing.assert_allclose(p, ref(j), atol=1e-6)
    la, lb = a.score(seqs, 6, range(BETA.size)), b.score(seqs, 6, range(BETA.size))
    np.testing.assert_allclose(la.numpy(), lb.numpy(), atol=2e-4)  # float32, 6 tokens
    assert (la[0] - la[-1]).abs().max() > 0.5  # β changes them far beyond the tolerance
    np.testing.assert_allclose(ref(2), gpt_beta_distributions(gpt, idx, BETA)(2))  # restored


@torch.no_grad()
def _exact_two_tokens(scorer, idx: torch.Tensor) -> dict[str, np.ndarray]:
    """The indicators from p(t₁, t₂) = p(t₁ | prompt) p(t₂ | prompt, t₁) at every
    grid point: one forward pass of every prompt extended by every token t₁."""
    P, S = idx.shape
    p = []
    for j in range(scorer.size):
        with scorer.at(j) as model:
            V = model(idx[:1])[0].shape[-1]
            ext = torch.cat([idx.repeat_interleave(V, 0), torch.arange(V).repeat(P)[:, None]], 1)
            lp = torch.log_softmax(model(ext)[0].double(), dim=-1).view(P, V, S + 1, V)
        joint = lp[:, 0, S - 1, :, None] + lp[:, :, S, :]  # [P, t₁, t₂]
        p.append(joint.exp().reshape(P, V * V).numpy())
    p = np.stack(p)  # [G, P, V²]
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=1e-9)
    funcs = {"tv": total_variation, "js": jensen_shannon, "linear": linear_divergence}
    return {k: f(p[:-2], p[2:]) for k, f in funcs.items()}  # [G − 2, P]


@pytest.mark.regression
def test_sampled_beta_indicators_match_the_exact_ones(gpt_and_hf):
    """Continuations of 2 tokens of the character GPT (84² = 7056 per prompt,
    enumerated) at 5 β factors, on the GPT (seeds 0, 1) and its HF export (seed
    2): sampled estimates within their standard errors."""
    gpt, hf, idx = gpt_and_hf
    runs = []
    for source, seed in (("gpt", 0), ("gpt", 1), ("hf", 2)):
        scorer = beta_scorer(gpt if source == "gpt" else hf, BETA, source)
        exact = _exact_two_tokens(scorer, idx)
        assert exact["tv"].max() > 0.1  # this small GPT depends on β only weakly
        runs.append(_z(sampled_terms(scorer, idx, n_samples=300, length=2, seed=seed), exact))
    _assert_calibrated(runs, sd_tol=0.4)  # 27 z-scores per indicator: sd of sd ≈ 0.14


@pytest.mark.regression
def test_sampled_indicators_over_training_steps_match_the_exact_ones(gpt_series):
    """Grid point j is the checkpoint at step 25, 50, 100, 200, 300 of one run:
    continuations of 2 tokens (7056, enumerated), 3 prompts, 3 seeds."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.series import checkpoint_series

    rows = checkpoint_series(gpt_series)
    assert [s for s, _ in rows] == [25, 50, 100, 200, 300]
    scorer = checkpoint_scorer([p for _, p in rows])
    val = np.array(load_trained(rows[0][1]).data.val[100:118])
    idx = torch.as_tensor(val).long().view(3, 6)
    exact = _exact_two_tokens(scorer, idx)
    assert exact["tv"].max() > 0.2  # early training moves the distributions a lot
    runs = [
        _z(sampled_terms(scorer, idx, n_samples=300, length=2, seed=seed), exact) for seed in SEEDS
    ]
    _assert_calibrated(runs, sd_tol=0.4)  # 27 z-scores per indicator


def test_detect_cli_refuses_too_few_samples_in_one_line(gpt_checkpoint, capsys):
    """(``--parameter beta --continuation 3`` itself: tests/phases/test_phases_cli.py.)"""
    from isingformer.cli import main

    code = main(["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--parameter", "beta",
                 "--continuation", "3", "--samples", "1", "--json"])  # fmt: skip
    cap = capsys.readouterr()
    assert code == 2 and cap.out == "" and len(cap.err.strip().splitlines()) == 1


def test_beta_scorer_refuses_what_it_cannot_scale():
    from isingformer.lm.model import GPT

    kw = dict(vocab_size=10, n_layer=1, n_head=2, d_model=8, context=8)
    with pytest.raises(InputError, match="qk_norm"):
        beta_scorer(GPT(**kw, policy="qk_norm"), BETA, "gpt")
    with pytest.raises(InputError, match="gpt or hf"):
        beta_scorer(GPT(**kw, policy="sqrt_dk"), BETA, "bert")
    assert beta_scorer(GPT(**kw, policy="sqrt_dk"), BETA, "gpt").size == BETA.size


def test_bad_input():
    model = TwoPhaseLM(m=M)
    idx = torch.zeros((2, 2), dtype=torch.long)
    with pytest.raises(InputError):
        sampled_temperature_terms(model, idx, [0.5, 1.0])
    with pytest.raises(InputError):
        sampled_temperature_terms(model, idx, GRID, n_samples=1)
