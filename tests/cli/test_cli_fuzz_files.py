"""Issue 11: Hypothesis-generated specs, configs and checkpoint fields. Each
reader either accepts the input or raises its named error with one line;
no other exception (TypeError, RecursionError, OverflowError, …) escapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isingformer.errors import InputError, ModelLoadError

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
EXAMPLE = Path(__file__).parents[2] / "src/isingformer/quantum/examples/paper_example.json"

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1e308, -1e308, 5e-324, 0.0, 10**30, 2**63, -1])
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def mutate(base: dict):
    """Replace, drop or add one (possibly nested) field of ``base``."""

    def paths(obj, prefix=()):
        yield prefix
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield from paths(v, (*prefix, k))
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                yield from paths(v, (*prefix, i))

    all_paths = [p for p in paths(base) if p]

    @st.composite
    def strategy(draw):
        data = json.loads(json.dumps(base))
        path = draw(st.sampled_from(all_paths))
        node = data
        for key in path[:-1]:
            node = node[key]
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "drop" and isinstance(node, dict):
            node.pop(path[-1])
        elif action == "add" and isinstance(node, dict):
            node[draw(st.text(max_size=6))] = draw(values)
        else:
            node[path[-1]] = draw(values)
        return data

    return strategy()


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def spec_base():
    return json.loads(EXAMPLE.read_text())


def test_spec_mutations(spec_base, tmp_path_factory):
    from isingformer.quantum.spec import load_spec

    d = tmp_path_factory.mktemp("specs")

    @SETTINGS
    @given(mutate(spec_base))
    def one(raw):
        p = _write(d, "spec.json", json.dumps(raw))
        try:
            load_spec(p)
        except InputError as exc:
            assert "\n" not in str(exc)

    one()


def test_config_mutations(tmp_path_factory):
    from isingformer.lm.config import TrainConfig, load_config

    d = tmp_path_factory.mktemp("configs")
    base = TrainConfig().to_dict()
    base.pop("cache_dir")

    @SETTINGS
    @given(mutate(base), st.booleans())
    def one(raw, as_yaml):
        text = (
            json.dumps(raw)
            if not as_yaml
            else "\n".join(f"{k}: {json.dumps(v)}" for k, v in raw.items())
        )
        p = _write(d, "c.yaml", text)
        try:
            load_config(p)
        except InputError as exc:
            assert "\n" not in str(exc)

    one()


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    import torch

    from isingformer.lm.config import TrainConfig
    from isingformer.lm.train import train

    torch.set_num_threads(1)
    d = tmp_path_factory.mktemp("ck")
    corpus = d / "tiny.txt"
    corpus.write_text("the quick brown fox jumps over the lazy dog.\n" * 200)
    cfg = TrainConfig(
        n_layer=1, n_head=1, d_model=16, context=16, batch_size=4, eval_batches=1,
        steps=2, eval_every=2, corpus=str(corpus), cache_dir=str(d / "cache"),
    )  # fmt: skip
    r = train(cfg, out=d / "out")
    return torch.load(r.checkpoint, map_location="cpu", weights_only=True)


def test_checkpoint_field_mutations(checkpoint, tmp_path_factory):
    import torch

    from isingformer.lm.checkpoint import load_checkpoint

    d = tmp_path_factory.mktemp("ckf")
    meta = {
        "step": checkpoint["step"],
        "vocab_size": checkpoint["vocab_size"],
        "history": json.loads(checkpoint["history"]),
        "config": json.loads(checkpoint["config"]),
    }

    @SETTINGS
    @given(mutate(meta), st.sampled_from(["keep", "short", "float", "list"]))
    def one(fields, rng_kind):
        data = dict(checkpoint)
        data.update({k: fields.get(k) for k in ("step", "vocab_size")})
        for k in ("history", "config"):
            data[k] = json.dumps(fields.get(k))
        rng = checkpoint["rng"]["torch"]
        data["rng"] = {
            "keep": {"torch": rng},
            "short": {"torch": rng[:100]},
            "float": {"torch": rng.float()},
            "list": {"torch": rng.tolist()[:3]},
        }[rng_kind]
        p = d / "checkpoint.pt"
        torch.save(data, p)
        try:
            load_checkpoint(p)
        except ModelLoadError as exc:
            assert "\n" not in str(exc)

    one()
