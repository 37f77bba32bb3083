"""Strict file readers: UTF-8, depth, number size, NaN, duplicate keys."""

import pytest

from isingformer.errors import InputError
from isingformer.validate import (
    MAX_DEPTH,
    check_depth,
    loads_json,
    loads_yaml,
    read_json,
    read_text,
    read_yaml,
)


def test_json_round_trip(tmp_path):
    p = tmp_path / "spec.json"
    p.write_text('{"a": [1, 2.5, {"b": "x"}], "c": true}', encoding="utf-8")
    assert read_json(p, "--spec") == {"a": [1, 2.5, {"b": "x"}], "c": True}


def test_yaml_reads_mappings_and_json(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("lr: 0.001\nsteps: 10\nname: x\n", encoding="utf-8")
    assert read_yaml(p, "--config") == {"lr": 0.001, "steps": 10, "name": "x"}
    p.write_text('{"lr": 1e-3}', encoding="utf-8")
    assert read_yaml(p, "--config") == {"lr": 1e-3}


@pytest.mark.parametrize(
    "data", [b"\xff\xfe\x00garbage", b"lr: \xe9\n", b"a: 1\x00\x00\x00"], ids=str
)
def test_non_utf8_and_binary_refused(tmp_path, data):
    p = tmp_path / "c.yaml"
    p.write_bytes(data)
    with pytest.raises(InputError, match="--config"):
        read_yaml(p, "--config")


def test_missing_directory_and_oversized(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_text(tmp_path / "nope.json", "--spec")
    with pytest.raises(InputError, match="directory"):
        read_text(tmp_path, "--spec")
    p = tmp_path / "big.json"
    p.write_text("[" + "1," * 100 + "1]")
    with pytest.raises(InputError, match="at most 50 allowed"):
        read_text(p, "--spec", max_bytes=50)


@pytest.mark.parametrize("n", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_refused_without_recursion(n):
    with pytest.raises(InputError, match="nesting deeper"):
        loads_json("[" * n + "]" * n, "--spec")
    with pytest.raises(InputError, match="nesting"):
        loads_yaml("[" * n + "]" * n, "--config")
    assert loads_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "--spec") is not None


def test_deep_block_yaml_refused():
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + "  " * 40 + "v\n"
    with pytest.raises(InputError, match=r"nesting|YAML"):
        loads_yaml(text, "--config")


def test_brackets_inside_strings_do_not_count():
    s = '{"t": "' + "[" * 500 + '"}'
    assert loads_json(s, "--spec") == {"t": "[" * 500}


@pytest.mark.parametrize("text", ['{"M": ' + "9" * 5000 + "}", '{"x": 1.' + "5" * 5000 + "}"])
def test_huge_numbers_refused_json(text):
    with pytest.raises(InputError, match="too long"):
        loads_json(text, "--spec")


def test_huge_numbers_refused_yaml():
    with pytest.raises(InputError, match="too long"):
        loads_yaml("M: " + "9" * 5000, "--config")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_refused(token):
    with pytest.raises(InputError, match="finite"):
        loads_json('{"x": ' + token + "}", "--spec")


@pytest.mark.parametrize("token", [".nan", ".inf", "-.inf", ".NaN"])
def test_yaml_non_finite_refused(token):
    with pytest.raises(InputError, match="finite"):
        loads_yaml(f"grad_clip: {token}\n", "--config")


def test_duplicate_keys_refused():
    with pytest.raises(InputError, match="duplicate key 'lr'"):
        loads_yaml("lr: 1\nsteps: 2\nlr: 3\n", "--config")
    with pytest.raises(InputError, match="duplicate key 'a'"):
        loads_json('{"a": 1, "a": 2}', "--spec")


def test_yaml_aliases_and_tags_refused():
    with pytest.raises(InputError, match="aliases"):
        loads_yaml("a: &x [1, 2]\nb: *x\n", "--config")
    with pytest.raises(InputError, match="not valid YAML"):
        loads_yaml("a: !!python/object:os.system ls\n", "--config")


def test_check_depth_is_iterative():
    obj: list = []
    for _ in range(10_000):
        obj = [obj]
    with pytest.raises(InputError):
        check_depth(obj, "--spec")
