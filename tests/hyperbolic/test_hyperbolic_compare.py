"""Hyperbolic attention as rows of `compare` (same machinery, same store):
policy specs take the attention kind and curvature."""

from __future__ import annotations

import pytest

from isingformer.errors import InputError
from isingformer.lm.specs import parse_policies, parse_policy_spec


def test_specs_carry_the_attention_kind():
    from isingformer.lm.config import TrainConfig

    s = parse_policy_spec("sqrt_dk:attention=hyperbolic,curvature=-1")
    assert s.train == {"attention": "hyperbolic", "curvature": -1.0}
    assert s.name == "sqrt_dk:attention=hyperbolic,curvature=-1.0"
    base = TrainConfig(n_layer=1, d_model=16, n_head=2, context=8)
    cfg = s.apply(base)
    assert cfg.attention == "hyperbolic" and cfg.curvature == -1.0 and cfg.policy == "sqrt_dk"
    rows = parse_policies("sqrt_dk,sqrt_dk:attention=hyperbolic,curvature=-0.5,critical:every=5")
    assert [r.name for r in rows][1] == "sqrt_dk:attention=hyperbolic,curvature=-0.5"


@pytest.mark.parametrize(
    "spec, match",
    [
        ("sqrt_dk:attention=elliptic", "attention"),
        ("sqrt_dk:attention=hyperbolic,curvature=1", "curvature"),
        ("sqrt_dk:curvature=-1,curvature=-2", "twice"),
        ("sqrt_dk:every=5", "unknown key 'every'"),
    ],
)
def test_bad_kind_specs(spec, match):
    with pytest.raises(InputError, match=match):
        parse_policy_spec(spec)


def test_compare_runs_hyperbolic_and_dot_product_rows(tmp_path):
    from isingformer.lm.compare import compare
    from isingformer.lm.config import TrainConfig

    text = tmp_path / "t.txt"
    text.write_text("the quick brown fox jumps over the lazy dog. " * 60, encoding="utf-8")
    base = TrainConfig(corpus=str(text), n_layer=1, n_head=2, d_model=16, context=8,
                       batch_size=4, steps=3, eval_every=3, eval_batches=1, warmup=1,
                       cache_dir=str(tmp_path / "cache"))  # fmt: skip
    c = compare(base, "sqrt_dk,sqrt_dk:attention=hyperbolic,curvature=-1", [0], executor="serial")
    d = c.to_dict() if hasattr(c, "to_dict") else c
    text_all = str(d)
    assert "sqrt_dk:attention=hyperbolic,curvature=-1.0" in text_all
