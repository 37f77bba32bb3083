"""The phase map streamed over blocks of query rows (isingformer.probe.stream):
the same result for every block size, agreement with the unstreamed
primitives (all rows' energies at once), working memory that grows with the
block size and not with tokens², and a 4096-token run on a tiny random Llama
(built here, nothing downloaded)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from isingformer.attention.energies import energy_rows, logit_spread
from isingformer.ensemble import heat_capacity_peak, thermodynamics
from isingformer.errors import InputError
from isingformer.probe import analyze_attention, capture_qk, load_model
from isingformer.probe.stream import layer_phase, row_blocks

from .test_probe_models import WORDS, _save, _tokenizer

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")


def _text(n_words: int, step: int = 7) -> str:
    return " ".join(WORDS[(step * i) % len(WORDS)] for i in range(n_words))


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    import transformers

    root = tmp_path_factory.mktemp("stream_models")
    for name in ("bert", "llama"):
        _save(name, root / name)
    # one-layer Llamas for the long contexts (the cost is layers x heads x tokens²)
    for heads in (2, 4):
        cfg = transformers.LlamaConfig(
            vocab_size=64, hidden_size=8 * heads, num_hidden_layers=1, num_attention_heads=heads,
            num_key_value_heads=heads // 2, intermediate_size=32, max_position_embeddings=4096,
            bos_token_id=2, eos_token_id=2,
        )  # fmt: skip
        torch.manual_seed(0)
        transformers.AutoModel.from_config(cfg).save_pretrained(root / f"long{heads}")
        _tokenizer("eos").save_pretrained(root / f"long{heads}")
    return {name: root / name for name in ("bert", "llama", "long2", "long4")}


def test_row_blocks_cover_every_row_once():
    for S, T, B in [(3, 10, 4), (3, 10, 10), (5, 10, 25), (1, 7, 100), (2, 5, 1)]:
        blocks = row_blocks(S, T, B)
        rows = [
            b * T + i for (b0, b1), (i0, i1) in blocks for b in range(b0, b1) for i in range(i0, i1)
        ]
        assert rows == list(range(S * T))
        assert all((b1 - b0) * (i1 - i0) <= max(B, 1) for (b0, b1), (i0, i1) in blocks)
    with pytest.raises(InputError):
        row_blocks(2, 4, 0)


@pytest.mark.parametrize("name", ["bert", "llama"])
def test_streamed_equals_unstreamed(models, name):
    """Blocks cutting passages (7 rows), grouping them (2 passages) and one
    block of everything give the same phase map to float rounding; texts of
    unequal length put padding rows in the blocks."""
    lm = load_model(models[name])
    texts = [_text(30), _text(17, 5), _text(24, 3)]
    kw = dict(texts=texts, max_tokens=24, max_rows=40, n_boot=20, sizes=[8], loaded=lm)
    ref = analyze_attention(block_rows=10**6, **kw).to_dict(curves=True)
    for block in (7, 48):
        got = analyze_attention(block_rows=block, **kw).to_dict(curves=True)
        assert got["n_tokens"] == ref["n_tokens"]
        for hg, hr in zip(got["heads"], ref["heads"], strict=True):
            assert hg["phase"] == hr["phase"]
            for key, value in hr.items():
                if isinstance(value, float):
                    assert hg[key] == pytest.approx(value, rel=1e-6, abs=1e-9, nan_ok=True), key
                elif isinstance(value, list):
                    np.testing.assert_allclose(hg[key], value, rtol=1e-6, atol=1e-9)
        for fg, fr in zip(got["finite_size"], ref["finite_size"], strict=True):
            np.testing.assert_allclose(fg["beta_peak"], fr["beta_peak"], rtol=1e-9)


def test_stream_matches_all_rows_at_once(models):
    """Against the unstreamed primitives on every row of a layer at once (float64):
    the same row subset, spread, peak and error, and the means at β_model."""
    lm = load_model(models["llama"])
    cap = capture_qk(lm, [_text(40), _text(33, 5)], 40)
    grid = np.linspace(0.02, 2.5, 40)
    peaks, at = layer_phase(
        cap, 1, grid, True, max_rows=50, n_boot=30, seed=3, dtype=torch.float64, block_rows=9
    )
    E, A = cap.energies(1)
    Es, As = energy_rows(E, A, max_rows=50, seed=3)
    sigma, n_keys = logit_spread(Es, As)
    for h, p in enumerate(peaks):
        assert p["sigma"] == pytest.approx(float(sigma[h]), rel=1e-12)
        assert p["n_keys"] == pytest.approx(float(n_keys[h]), rel=1e-12)
        assert p["beta_c_rem"] == pytest.approx(math.sqrt(2 * math.log(n_keys[h])) / sigma[h])
        betas = np.asarray(p["betas"])  # absolute β of the head's final grid
        cp = heat_capacity_peak(Es[h], betas, As[h], n_boot=30, seed=3, refine=False)
        assert p["beta"] == pytest.approx(cp.beta, rel=1e-9)
        assert p["beta_err"] == pytest.approx(cp.beta_err, rel=1e-6)
        assert p["c_max"] == pytest.approx(cp.value, rel=1e-9)
    E_all, A_all = energy_rows(E, A)
    th = thermodynamics(E_all, [cap.scale[1]], A_all)
    np.testing.assert_allclose(at["entropy"], th.entropy[..., 0].mean(-1), rtol=1e-10)
    np.testing.assert_allclose(at["max_weight"], th.max_weight[..., 0].mean(-1), rtol=1e-10)
    np.testing.assert_allclose(at["ipr"], th.ipr[..., 0].mean(-1), rtol=1e-10)


def _peak_rss_delta(fn) -> float:
    """Peak resident memory (bytes) above the current one while ``fn`` runs,
    from the kernel's high-water mark (reset through /proc/self/clear_refs)."""
    status = Path("/proc/self/status")

    def field(name: str) -> int:
        for line in status.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(name)

    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("cannot reset the peak-RSS mark (/proc/self/clear_refs) here")
    base = field("VmRSS")
    fn()
    return field("VmHWM") - base


@pytest.mark.regression  # the bound stated in docs/analyze.md
def test_memory_grows_with_block_not_tokens_squared(models):
    """2048 tokens, 4 heads: all energies of a layer are 4·2048²·8 B = 128 MiB.
    Streamed with 32-row blocks the analysis of a layer stays far below that,
    and its peak grows with the block size."""
    lm = load_model(models["long4"])
    cap = capture_qk(lm, [_text(2100)], 2048)
    assert cap.token_mask.shape[1] == 2048
    full = 4 * 2048 * 2048 * 8
    grid = np.linspace(0.02, 2.5, 16)
    kw = dict(max_rows=64, n_boot=10, seed=0)

    def run(block):
        return lambda: layer_phase(cap, 0, grid, True, block_rows=block, **kw)

    run(32)()  # compile / warm the caches once
    small = _peak_rss_delta(run(32))
    large = _peak_rss_delta(run(1024))
    assert small < full / 8, (small, full)
    assert large > 4 * small, (small, large)


def test_4096_tokens_tiny_llama(models):
    """A 4096-token passage on a tiny random Llama: the whole analysis runs with
    512-row blocks and gives a finite peak for every head."""
    lm = load_model(models["long2"])
    pm = analyze_attention(
        texts=[_text(4200)],
        max_tokens=4096,
        n_beta=24,
        max_rows=64,
        n_boot=10,
        sizes=[],
        block_rows=512,
        loaded=lm,
    )
    assert pm.n_tokens == 4096 and pm.config["block_rows"] == 512
    assert len(pm.heads) == 2
    for h in pm.heads:
        assert math.isfinite(h.beta_peak) and h.beta_peak > 0
        assert 0 < h.entropy_fraction <= 1
        assert h.n_keys == pytest.approx(4097 / 2, rel=0.5)  # causal: ~N/2 keys per row
