"""``phases detect --parameter step``: a run's checkpoints as the control
parameter (next tokens exactly, and sampled continuations against exact
enumeration), and the detector's peak on a non-uniform grid."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.phases.control import detect_on_grid, is_uniform
from isingformer.phases.detector import window_terms
from isingformer.phases.series import checkpoint_series

from .test_sampled import _exact_two_tokens


def _run(capsys, args):
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _bernoulli(grid, centers, width):
    """``dist(j) -> [P, 2]``: p = sigmoid((λ − λ₀,p)/w), exact F = p(1 − p)/w²."""

    def dist(j):
        p = 1.0 / (1.0 + np.exp(-(grid[j] - centers) / width))
        return np.stack([p, 1.0 - p], axis=1)

    return dist


def test_peak_on_a_non_uniform_grid_is_the_fisher_maximum():
    # dense left of the transition, sparse right: the linear indicator at a wide
    # step is ~h² larger, so its raw maximum drifts right; F = D_lin/h² does not
    grid = np.concatenate([np.linspace(-3.0, 0.0, 13), np.linspace(0.5, 3.0, 6)])
    assert not is_uniform(grid) and is_uniform(np.linspace(0, 1, 7))
    centers = np.random.default_rng(0).normal(0.0, 0.05, 24)  # 24 "prompts"
    terms = window_terms(_bernoulli(grid, centers, 0.5), grid.size)
    det = detect_on_grid(grid, terms, n_boot=200, seed=0)
    (peak,) = det.peaks
    assert peak["indicator"] == "fisher" and not peak["at_edge"]
    assert peak["ci"][0] - 0.25 <= 0.0 <= peak["ci"][1] + 0.25  # widened by one grid step
    raw = det.points[np.argmax(det.indicators["linear"])]
    assert raw >= 0.5  # the raw indicator alone would put it on the sparse side
    # F = D_lin/h² against the exact p(1 − p)/w² (mean over prompts) on a fine
    # non-uniform grid (h/w ≤ 0.2: the finite-difference error is O((h/w)²) < 1 %)
    fine = np.concatenate([np.linspace(-1.0, 0.0, 21), np.linspace(0.1, 1.0, 10)])
    det_f = detect_on_grid(fine, window_terms(_bernoulli(fine, centers, 0.5), fine.size), n_boot=20)
    p = 1.0 / (1.0 + np.exp(-(det_f.points[:, None] - centers[None, :]) / 0.5))
    np.testing.assert_allclose(det_f.fisher, (p * (1 - p)).mean(axis=1) / 0.25, rtol=0.01)
    # on a uniform grid the peak is the linear indicator's, as before
    u = np.linspace(-3.0, 3.0, 25)
    det_u = detect_on_grid(u, window_terms(_bernoulli(u, centers, 0.5), u.size), n_boot=50)
    assert det_u.peaks[0]["indicator"] == "linear" and abs(det_u.peaks[0]["value"]) < 0.25


def test_checkpoints_are_ordered_by_their_stored_step(gpt_series, tmp_path):
    names = sorted(gpt_series.glob("*.pt"))
    for i, p in enumerate(names):  # file names in the reverse order of the steps
        shutil.copy(p, tmp_path / f"ck{len(names) - i}.pt")
    rows = checkpoint_series(tmp_path)
    assert [s for s, _ in rows] == [25, 50, 100, 200, 300]
    assert [p.name for _, p in rows] == ["ck5.pt", "ck4.pt", "ck3.pt", "ck2.pt", "ck1.pt"]
    shutil.copy(names[0], tmp_path / "again.pt")
    with pytest.raises(InputError, match="several checkpoints at step 25"):
        checkpoint_series(tmp_path)


def test_detect_over_training_steps(gpt_series, capsys, tmp_path):
    base = ["phases", "detect", "--parameter", "step", "--checkpoints", str(gpt_series),
            "--n-texts", "6", "--tokens", "16", "--n-boot", "50", "--skip-validation", "--json"]  # fmt: skip
    for spacing in ("linear", "log"):
        code, out, err = _run(capsys, [*base, "--spacing", spacing])
        assert code == 0, err
        r = json.loads(out)
        assert r["parameter"] == "step" and r["grid"] == [25, 50, 100, 200, 300]
        assert set(r["indicators"]) == {"tv", "js", "linear"} and r["validated_on"] == []
        assert all(len(v) == 3 and min(v) > 0 for v in r["indicators"].values())
        (peak,) = r["peaks"]
        assert peak["indicator"] == "fisher"  # 25…300 is non-uniform in λ and in ln λ
        assert 25 <= peak["ci"][0] <= peak["value"] <= peak["ci"][1] <= 300
        assert [p.rsplit("/", 1)[-1] for p in r["checkpoints"]] == sorted(
            p.name for p in gpt_series.glob("*.pt")
        )
    # the indicators are those of the checkpoints' own distributions on the same windows
    from isingformer.lm.sample import load_trained
    from isingformer.phases.api import _gpt_prompts
    from isingformer.phases.divergence import linear_divergence
    from isingformer.phases.lm import lm_logits

    paths = [p for _, p in checkpoint_series(gpt_series)]
    idx = _gpt_prompts(load_trained(paths[0]), 6, 16, 0)
    a, b = (torch.softmax(lm_logits(load_trained(p).model, idx), -1).numpy() for p in paths[1:4:2])
    np.testing.assert_allclose(
        r["indicators"]["linear"][1], linear_divergence(a, b).mean(), rtol=1e-9
    )
    # bad input: one line, exit 2
    (tmp_path / "empty").mkdir()
    (tmp_path / "four").mkdir()
    for p in paths[:4]:
        shutil.copy(p, tmp_path / "four" / p.name)
    cases = [
        ([*base, "--grid", "0:300:5"], "--grid is not used with --parameter step"),
        ([*base[:5], str(tmp_path / "empty"), *base[6:]], "no *.pt"),
        ([*base[:5], str(tmp_path / "four"), *base[6:]], "needs at least 5"),
        ([*base[:3], "temperature", *base[4:]], "--checkpoints is for --parameter step"),
        ([*base, "--checkpoint", str(paths[0])], "--checkpoints DIR only"),
    ]
    for args, needle in cases:
        code, out, err = _run(capsys, args)
        assert code == 2 and out == "", (args, err)
        assert err.count("\n") == 1 and needle in err, err


@pytest.mark.regression
def test_the_docs_gpt_changes_fastest_early(gpt_series):
    """docs/phases.md: over the docs GPT's checkpoints at steps 25, 50, 100, 200,
    300 (16 validation windows of 32 tokens, ln-step spacing) the Fisher
    information in ln t falls at every step, 0.44, 0.32, 0.24 at steps 50, 100,
    200 (conservative 95 % bands over the 16 windows, Hall's interval at 99.5 %:
    0.42–0.46, 0.31–0.34, 0.22–0.26): no interior peak."""
    from isingformer.phases import detect

    r = detect(parameter="step", checkpoints=gpt_series, n_prompts=16, tokens=32,
               spacing="log", validate=False)  # fmt: skip
    f = np.array(r["fisher"])
    assert np.all(np.diff(f) < 0) and r["peaks"][0]["at_edge"]
    assert r["peaks"][0]["value"] == pytest.approx(50.0)
    np.testing.assert_allclose(f, [0.44, 0.32, 0.24], atol=0.015)  # the band half-widths
    x = np.log(r["grid"])
    bands = np.array(r["bands"]["linear"]) / ((x[2:] - x[:-2]) / 2) ** 2  # of F, [2, 3]
    np.testing.assert_allclose(bands, [[0.42, 0.31, 0.22], [0.46, 0.34, 0.26]], atol=0.01)


@pytest.mark.regression
def test_sampled_continuations_over_training_steps(gpt_series, capsys):
    """``--parameter step --continuation 2`` against the exact indicators on the
    same validation windows (7056 continuations per prompt, enumerated): every
    indicator within 4 of its stated errors; prompts cropped to fit the context."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.api import _gpt_prompts
    from isingformer.phases.sampled import checkpoint_scorer

    base = ["phases", "detect", "--parameter", "step", "--checkpoints", str(gpt_series),
            "--n-texts", "3", "--n-boot", "20", "--skip-validation", "--json"]  # fmt: skip
    code, out, err = _run(
        capsys, [*base, "--tokens", "6", "--continuation", "2", "--samples", "300"]
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["continuation"] == 2 and r["n_positions"] == 6 and "300 sampled" in r["output"]
    assert r["grid"] == [25, 50, 100, 200, 300] and r["peaks"][0]["indicator"] == "fisher"
    paths = [p for _, p in checkpoint_series(gpt_series)]
    idx = _gpt_prompts(load_trained(paths[0]), 3, 6, 0)  # the windows of --seed 0
    exact = _exact_two_tokens(checkpoint_scorer(paths), idx)
    assert exact["tv"].mean(axis=1).max() > 0.2  # early training moves the distributions a lot
    for k, v in exact.items():
        z = (np.array(r["indicators"][k]) - v.mean(axis=1)) / np.array(r["indicators_se"][k])
        assert np.all(np.abs(z) < 4.0), (k, z)
    # 32-token windows leave no room in a context of 32: cropped to 32 − 3
    code, out, err = _run(
        capsys, [*base, "--tokens", "32", "--continuation", "3", "--samples", "2"]
    )
    assert code == 0, err
    assert json.loads(out)["n_positions"] == 29
    code, out, err = _run(capsys, [*base, "--continuation", "32"])
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "does not fit a context of 32" in err
