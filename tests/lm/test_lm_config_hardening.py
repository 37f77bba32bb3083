"""Issue 11 (train/compare configs): ranges, finiteness, memory ceiling and a
strict config reader; each bad value one line, exit 2, before any work."""

import pytest

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.lm.config import TrainConfig, read_yaml, train_memory_bytes


@pytest.mark.parametrize(
    "change, needle",
    [
        ({"adam_beta1": 5.0}, "adam_beta1"),
        ({"adam_beta2": -1.0}, "adam_beta2"),
        ({"grad_clip": float("nan")}, "grad_clip"),
        ({"lr": float("inf")}, "lr"),
        ({"dropout": float("nan")}, "dropout"),
        ({"context": 100_000}, "context"),
        ({"n_layer": 100_000}, "n_layer"),
        ({"batch_size": 10**8}, "batch_size"),
        ({"seed": -1}, "seed"),
        ({"context": 8192}, "memory"),
    ],
)
def test_config_ranges(change, needle):
    with pytest.raises(InputError, match=needle):
        TrainConfig().replace(**change)


def test_memory_estimate_scales():
    base = train_memory_bytes(TrainConfig())
    assert 50 * 2**20 < base < 2 * 2**30
    assert train_memory_bytes(TrainConfig(context=1024)) > 12 * base  # T² attention dominates


@pytest.mark.parametrize(
    "sets, needle",
    [
        (["adam_beta1=5"], "adam_beta1"),
        (["adam_beta2=-1"], "adam_beta2"),
        (["grad_clip=.nan"], "grad_clip"),
        (["context=100000"], "context"),
        (["n_layer=100000"], "n_layer"),
    ],
)
@pytest.mark.parametrize("command", ["train", "compare"])
def test_cli_sets_refused(capsys, tmp_path, command, sets, needle):
    args = [command]
    for s in sets:
        args += ["--set", s]
    assert main([*args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err
    assert not (tmp_path / "runs.sqlite").exists()


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"steps: 5\nsteps: 6\n", "duplicate key"),
        (b"lr: 0.1\nname: caf\xe9\n", "not UTF-8"),
        (b"steps: " + b"9" * 5000 + b"\n", "too long"),
        (b"[" * 100_000 + b"]" * 100_000, "nesting"),
        (b"grad_clip: .nan\n", "finite"),
        (b"- 1\n- 2\n", "mapping"),
    ],
)
def test_config_file_reader(tmp_path, capsys, content, needle):
    p = tmp_path / "c.yaml"
    p.write_bytes(content)
    with pytest.raises(InputError, match=needle):
        read_yaml(p)
    for command in ("train", "compare"):
        assert main([command, "--config", str(p)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_yaml_exponent_floats_are_numbers(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("lr: 3e-4\n")
    assert read_yaml(p) == {"lr": 3e-4}
