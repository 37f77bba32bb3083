"""Transformer specs: JSON form, validation, β convention."""

import json
import math

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.quantum import example_spec, load_spec, random_spec, spec_from_dict

EYE = [[1, 0], [0, 1]]
SX = [[0, 1], [1, 0]]


def base(**over):
    raw = {
        "tokens": {"x0": [1, 0], "x1": [0, 1]},
        "text": ["x0", "x1", "x0"],
        "blocks": [{"WQ": EYE, "WK": SX, "WV": EYE, "FFN": "identity", "beta": 1.0}],
    }
    raw.update(over)
    return raw


def test_document_example_spec():
    spec = example_spec()
    assert spec.token_names == ("x0", "x1")
    assert spec.text == (0, 1, 0)
    assert spec.M == 6 and spec.L == 2 and spec.n == 3 and spec.d == 2
    assert [b.beta for b in spec.blocks] == [1.0, 1.0]
    assert spec.blocks[0].value_map.tolist() == [0, 1]  # W^V = FFN = I
    assert spec.blocks[1].value_map.tolist() == [1, 0]  # W^V = σ_x
    # scores of block 1: <W^Q x_a, W^K x_b> with W^K = σ_x
    np.testing.assert_array_equal(spec.score_matrix(0), [[0, 1], [1, 0]])


def test_beta_defaults_to_one_over_sqrt_d():
    raw = base()
    del raw["blocks"][0]["beta"]
    spec = spec_from_dict(raw)
    assert spec.blocks[0].beta == pytest.approx(1 / math.sqrt(2))
    assert spec.n + spec.L == spec.M  # default truncation


def test_ffn_matrix_and_roundtrip(tmp_path):
    raw = base(blocks=[{"WQ": EYE, "WK": EYE, "WV": SX, "FFN": SX}], M=7)
    spec = spec_from_dict(raw)
    assert spec.blocks[0].value_map.tolist() == [0, 1]  # σ_x σ_x = I
    p = tmp_path / "s.json"
    p.write_text(json.dumps(spec.to_dict()))
    again = load_spec(p)
    assert again.M == 7 and again.text == spec.text
    np.testing.assert_array_equal(again.blocks[0].FFN, spec.blocks[0].FFN)


@pytest.mark.parametrize(
    "over,match",
    [
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": [[1, 1], [0, 1]]}]}, "not a token"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE, "FFN": [[0.5, 0], [0, 1]]}]}, "not a token"),
        ({"blocks": [{"WQ": [[1, 0, 0]], "WK": [[1, 0, 0]], "WV": EYE}]}, "d = 2 columns"),
        ({"blocks": [{"WQ": EYE, "WK": [[1, 0]], "WV": EYE}]}, "same number of rows"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": [[1, 0, 0], [0, 1, 0]]}]}, "2 x 2"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE, "FFN": [[1]]}]}, "2 x 2"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE, "FFN": "relu"}]}, "identity"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE, "bias": 1}]}, "unknown key"),
        ({"blocks": [{"WQ": EYE, "WK": EYE, "WV": EYE, "beta": "hot"}]}, "beta"),
        ({"blocks": []}, "non-empty list"),
        ({"text": []}, "empty"),
        ({"text": ["x0", "x2"]}, "unknown token"),
        ({"tokens": {"x0": [1, 0], "x1": [0, 1, 0]}}, "same dimension"),
        ({"tokens": {"x0": [1, 0], "x1": [1, 0]}}, "same embedding"),
        ({"M": 3}, "too small"),
        ({"M": 2.5}, "integer"),
        ({"vacuum_token": "x9"}, "vacuum_token"),
        ({"extra": 1}, "unknown key"),
    ],
)
def test_bad_specs_raise_input_error(over, match):
    with pytest.raises(InputError, match=match):
        spec_from_dict(base(**over))


def test_load_spec_file_errors(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_spec(tmp_path / "missing.json")
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_spec(p)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_spec_maps_tokens_to_tokens(seed):
    spec = random_spec(7, 4, 3, seed=seed)
    for b in spec.blocks:
        for a in range(spec.n_tokens):
            out = b.FFN @ (b.WV @ spec.embeddings[a])
            np.testing.assert_allclose(out, spec.embeddings[b.value_map[a]], atol=1e-9)
        assert b.beta == pytest.approx(1 / math.sqrt(spec.d))
    inj = random_spec(9, 5, 2, injective=True, seed=seed)
    assert len(set(inj.text)) == 5
    for b in inj.blocks:
        assert sorted(b.value_map.tolist()) == list(range(9))
