"""Pin the public names of isingformer.attention (the training engineer codes against them)."""

import inspect
import subprocess
import sys

import isingformer.attention as attention

PUBLIC = {
    "ATTENTION_NAME",
    "BETA_POLICIES",
    "POSITIONAL_BIASES",
    "ALiBiBias",
    "AnnealedBeta",
    "BetaAttention",
    "BetaPolicy",
    "CriticalBeta",
    "CriticalBetaPolicy",
    "FixedBeta",
    "LearnedBeta",
    "LogLengthBeta",
    "NoBias",
    "PeriodicBias",
    "PositionalBias",
    "QKCapture",
    "QKNormBeta",
    "QKRecord",
    "SqrtDkBeta",
    "alibi_slopes",
    "allowed_keys",
    "attention_energies",
    "attention_mask",
    "beta_scope",
    "circular_distance",
    "index_layers",
    "isingformer_attention_forward",
    "make_beta_policy",
    "make_positional_bias",
    "measure_critical_beta",
    "reaches_adapter",
    "register_hf_attention",
}


def test_public_names():
    assert set(attention.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(attention, name) is not None


def test_registries():
    assert set(attention.BETA_POLICIES) == {
        "sqrt_dk",
        "fixed",
        "learned",
        "critical",
        "log_length",
        "qk_norm",
        "annealed",
    }
    assert set(attention.POSITIONAL_BIASES) == {"none", "periodic", "alibi"}


def test_beta_attention_signature():
    sig = inspect.signature(attention.BetaAttention)
    assert list(sig.parameters) == [
        "d_model",
        "n_heads",
        "policy",
        "bias",
        "causal",
        "dropout",
        "max_len",
        "policy_kwargs",
        "bias_kwargs",
    ]
    d = {k: p.default for k, p in sig.parameters.items()}
    assert d["policy"] == "sqrt_dk" and d["bias"] == "none" and d["causal"] is True
    assert d["dropout"] == 0.0 and d["max_len"] == 1024
    fwd = inspect.signature(attention.BetaAttention.forward)
    assert list(fwd.parameters) == ["self", "x", "key_padding_mask"]


def test_import_is_light_and_registers_lazily():
    code = (
        "import sys, isingformer\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules\n"
        "from transformers import AttentionInterface\n"
        "from transformers.masking_utils import AttentionMaskInterface\n"
        "assert 'isingformer' in AttentionInterface._global_mapping\n"
        "assert 'isingformer' in AttentionMaskInterface._global_mapping\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"
