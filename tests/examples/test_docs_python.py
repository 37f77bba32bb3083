"""The Python examples of README.md and docs/*.md, executed at tiny sizes.

``tests/cli/test_docs_truth.py`` checks statically that every name in those
examples exists; here the examples run and do what their comments say. Each
test first checks that the page still shows the lines it exercises, so a
changed example fails here until this test follows it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]


def _page_shows(page: str, *lines: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    for line in lines:
        assert line in text, f"{page} no longer shows {line!r}: update this test"


@pytest.fixture(autouse=True)
def _one_thread(monkeypatch, tmp_path):
    monkeypatch.setenv("ISINGFORMER_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_ensemble_thermodynamics_and_critical_points():
    _page_shows(
        "docs/ensemble.md",
        'th = thermodynamics(energies, betas, mask=None, empty="raise")',
        "# energies [..., n]; betas [k] (>= 0); every field of th is [..., k]",
        "th.mean()                                        # averaged over all leading dims",
        "cp = heat_capacity_peak(energies, betas, n_boot=200, seed=0)",
        "cp.beta, cp.beta_err, cp.value (C_max), cp.value_err, cp.at_edge",
    )
    from isingformer.ensemble import (
        entropy_slope_peak,
        heat_capacity_peak,
        order_parameter_onset,
        thermodynamics,
    )
    from isingformer.errors import InputError

    gen = torch.Generator().manual_seed(0)
    energies = torch.randn(4, 3, 64, generator=gen, dtype=torch.float64)
    betas = torch.linspace(0.0, 5.0, 41, dtype=torch.float64)
    th = thermodynamics(energies, betas, mask=None, empty="raise")
    fields = ("log_z", "free_energy", "energy", "entropy", "heat_capacity", "var_energy")
    for name in (*fields, "max_weight", "ipr", "effective_states"):
        assert getattr(th, name).shape == (4, 3, 41), name
    # C = β² Var(E); e^S the effective number of states; F(β = 0) = −∞
    assert torch.allclose(th.heat_capacity, betas**2 * th.var_energy)
    assert torch.allclose(th.effective_states, th.entropy.exp())
    assert th.free_energy[..., 0].isneginf().all()
    mean = th.mean()
    assert mean.heat_capacity.shape == (41,)
    assert torch.allclose(mean.heat_capacity, th.heat_capacity.mean(dim=(0, 1)))

    cp = heat_capacity_peak(energies, betas, n_boot=200, seed=0)
    curve = th.heat_capacity.mean(dim=(0, 1))
    grid_max = betas[int(curve.argmax())]
    assert abs(cp.beta - float(grid_max)) <= float(betas[1] - betas[0])
    assert cp.value >= float(curve.max()) - 1e-12  # refined maximum of the mean curve
    assert cp.beta_err > 0 and cp.value_err > 0 and cp.at_edge is False
    assert entropy_slope_peak(energies, betas[1:]).beta > 0
    onset = order_parameter_onset(energies, betas)
    assert onset.value == 0.5  # the default threshold of the mean largest weight

    mask = torch.ones(2, 64, dtype=torch.bool)
    mask[1] = False  # a row with no allowed state
    with pytest.raises(InputError):
        thermodynamics(energies[0, :2], betas, mask=mask)
    nan = thermodynamics(energies[0, :2], betas, mask=mask, empty="nan")
    assert nan.log_z[1].isnan().all() and nan.log_z[0].isfinite().all()


def test_ising_models_and_the_sampler():
    _page_shows(
        "docs/ising.md",
        "ham = IsingHamiltonian.from_couplings(J, h)",
        "sq = square_ising(16, 32, J=1.0, h=0.0)",
        "ham.local_field(spins) # f_i = sum_j J_ij s_j + h_i; flipping s_i costs 2 s_i f_i",
        "sampler = Sampler(model, metropolis())",
        'state = sampler.init_state(betas=[0.40, 0.44], seed=1, start="ordered", replicas_per_beta=4)',
        "state = sampler.sweep(state, 1000)               # returns a new state; the input is untouched",
        "state, samples = sampler.sample(state, 10_000, measure_every=1)",
        'state.save("chain.npz"); state = SamplerState.load("chain.npz")   # resumes bit-for-bit',
    )
    import scipy.sparse as sp

    from isingformer.physics import (
        IsingHamiltonian,
        Sampler,
        SamplerState,
        cubic_ising,
        metropolis,
        square_ising,
    )

    rng = np.random.default_rng(0)
    J = rng.normal(size=(7, 7))
    J = (J + J.T) / 2
    np.fill_diagonal(J, 0.0)
    h = rng.normal(size=7)
    spins = rng.choice([-1, 1], size=(5, 7))
    for couplings in (J, sp.csr_matrix(J)):
        ham = IsingHamiltonian.from_couplings(couplings, h)
        energy = np.asarray(ham.energy(spins))
        want = -0.5 * np.einsum("bi,ij,bj->b", spins, J, spins) - spins @ h
        assert np.allclose(energy, want)
        field = np.asarray(ham.local_field(spins))
        assert np.allclose(field, spins @ J + h)
        flipped = spins.copy()
        flipped[:, 3] *= -1
        assert np.allclose(np.asarray(ham.energy(flipped)) - energy, 2 * spins[:, 3] * field[:, 3])
    assert square_ising(16, 32, J=1.0, h=0.0).n_spins == 512
    assert cubic_ising(4).n_spins == 64

    sampler = Sampler(square_ising(8, 8), metropolis())
    state = sampler.init_state(betas=[0.40, 0.44], seed=1, start="ordered", replicas_per_beta=4)
    before = state.spins.copy()
    later = sampler.sweep(state, 20)
    assert np.array_equal(state.spins, before) and later.sweeps == 20
    assert later.spins.shape == (8, 64) and later.spins.dtype == np.int8
    assert later.rng.shape == (8, 4) and later.rng.dtype == np.uint64
    later, samples = sampler.sample(later, 30, measure_every=1)
    assert samples.energy.shape == (8, 30) and samples.magnetization.shape == (8, 30)
    later.save("chain.npz")
    loaded = SamplerState.load("chain.npz")
    a, sa = sampler.sample(later, 10)
    b, sb = sampler.sample(loaded, 10)
    assert np.array_equal(a.spins, b.spins) and np.array_equal(sa.energy, sb.energy)


@pytest.mark.parametrize("bias", ["none", "periodic", "alibi"])
def test_beta_attention_api(bias):
    _page_shows(
        "docs/attention.md",
        "y = attn(x, key_padding_mask=None)          # x [B, L, d_model]; mask [B, L] bool, True = real",
        "# -> [B, L, d_model], zeros at padding positions",
        "attn.policy.beta()          # [H] effective β per head (alias: current_beta())",
        "attn.capture = True         # forward stores attn.last_q, attn.last_k [B, H, L, d_head]",
        "attn.policy.calibrate(attn.last_q, attn.last_k, attn.last_mask)  # critical: β = γ·β*, in place",
    )
    from isingformer.attention import BETA_POLICIES, BetaAttention, make_positional_bias

    torch.manual_seed(0)
    x = torch.randn(2, 10, 32)
    mask = torch.ones(2, 10, dtype=torch.bool)
    mask[1, :3] = False  # left padding under the causal mask
    for policy in BETA_POLICIES:
        attn = BetaAttention(32, 4, policy=policy, bias=bias, causal=True, max_len=64)
        y = attn(x, key_padding_mask=mask)
        assert y.shape == (2, 10, 32) and torch.isfinite(y).all(), policy
        assert (y[1, :3] == 0).all(), policy
        beta = attn.policy.beta()
        assert beta.shape == (4,) and torch.equal(attn.policy.current_beta(), beta)
        attn.policy.set_step(3)
        attn.capture = True
        attn(x, key_padding_mask=mask)
        assert attn.last_q.shape == attn.last_k.shape == (2, 4, 10, 8)
        attn.policy.calibrate(attn.last_q, attn.last_k, attn.last_mask)
        if policy == "critical":  # measured in place: no longer 1/sqrt(d_head)
            assert not torch.allclose(
                attn.policy.beta().double(), torch.full((4,), 8**-0.5).double()
            )
    table = make_positional_bias(bias, 4).forward(6)
    assert table is None if bias == "none" else table.shape == (4, 6, 6)


def test_readme_hugging_face_example():
    _page_shows(
        "README.md",
        'model = AutoModel.from_pretrained(path, attn_implementation="isingformer",',
        "out = model(**batch)               # identical to eager attention",
        "out = model(**batch, beta=0.25)    # every head at β = 0.25 (or a per-head tensor)",
        "out = model(**batch, beta=torch.full((L, H), 0.3))   # per layer and head",
    )
    _page_shows(
        "docs/attention.md",
        '# or: model.set_attn_implementation("isingformer")',
        "with beta_scope(0.3):                             # the same for any code inside",
        "E, allowed = rec.energies()   # E = −logits(β_model)/β_model: softmax(−β_model E) = the row",
    )
    from transformers import AutoModel, BertConfig, BertModel

    import isingformer.attention  # noqa: F401 - registers attn_implementation="isingformer"
    from isingformer.attention import QKCapture, beta_scope

    # a tiny random BERT saved to a local directory stands in for `path`
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=16,
    )  # fmt: skip
    BertModel(config).save_pretrained("bert")
    model = AutoModel.from_pretrained("bert", attn_implementation="eager", local_files_only=True)
    model.eval()
    ids = torch.randint(0, 50, (2, 9), generator=torch.Generator().manual_seed(1))
    batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
    batch["attention_mask"][0, 5:] = 0  # right padding
    L, H, d_head = 2, 4, 8
    real = batch["attention_mask"].bool()
    with torch.no_grad():
        eager = model(**batch).last_hidden_state
        model.set_attn_implementation("isingformer")
        out = model(**batch).last_hidden_state
        assert torch.allclose(out[real], eager[real], atol=1e-6)
        b = 100.0  # random weights give tiny logits: a large β to see a change
        hot = model(**batch, beta=b).last_hidden_state
        assert not torch.allclose(hot, out, atol=1e-3)
        for form in (torch.full((H,), b), torch.full((L, H), b), lambda layer: b):
            assert torch.equal(model(**batch, beta=form).last_hidden_state, hot)
        with beta_scope(b):
            assert torch.equal(model(**batch).last_hidden_state, hot)
        with QKCapture() as cap:
            model(**batch)
    assert len(cap.records) == L
    rec = cap.records[0]
    assert rec.q.shape == rec.k.shape == (2, H, 9, d_head)
    assert rec.allowed.shape == (2, 1, 9, 9) and not rec.allowed[0, 0, 0].all()  # padded keys
    assert rec.scale == pytest.approx(d_head**-0.5)
    E, allowed = rec.energies()
    rows = torch.softmax((-rec.scale * E).masked_fill(~allowed, float("-inf")), dim=-1)
    logits = rec.logits(rec.scale).masked_fill(~allowed, float("-inf"))
    assert torch.allclose(rows.float(), torch.softmax(logits.float(), dim=-1), atol=1e-6)


def test_layers_training_run_recipe():
    _page_shows(
        "docs/layers.md",
        "for stop in (100, 300, 1000):          # one run, interrupted and resumed",
        'train(cfg, out="gpt/run", resume=ck, stop_after=stop if stop < 1000 else None)',
        'shutil.copy(ck, f"gpt/step{stop}/checkpoint.pt")',
    )
    from isingformer.lm import TrainConfig, load_checkpoint, train

    cfg = TrainConfig(
        n_layer=1, n_head=2, d_model=16, context=16, batch_size=4,
        eval_every=2, eval_batches=1, warmup=1, steps=6, seed=0,
    )  # fmt: skip
    ck, last = None, None
    for stop in (2, 4, 6):
        last = train(cfg, out="gpt/run", resume=ck, stop_after=stop if stop < 6 else None)
        ck = Path("gpt/run/checkpoint.pt")
        Path(f"gpt/step{stop}").mkdir(parents=True, exist_ok=True)
        shutil.copy(ck, f"gpt/step{stop}/checkpoint.pt")
    assert [load_checkpoint(f"gpt/step{s}/checkpoint.pt")["step"] for s in (2, 4, 6)] == [2, 4, 6]
    # "one run, interrupted and resumed": the same as one uninterrupted run, bit for bit
    whole = train(cfg, out="gpt/whole")
    assert last.final_val_loss == whole.final_val_loss
    curve = [(e["step"], e["val_loss"]) for e in last.evals]
    assert curve == [(e["step"], e["val_loss"]) for e in whole.evals]
