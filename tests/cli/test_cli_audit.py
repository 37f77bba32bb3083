"""Issue 11: the audit's findings, one by one, are one clean line and exit 2
(refused before any work, so each case takes milliseconds); the ceilings
never refuse a command's defaults."""

import pytest

from isingformer.cli import build_command, main
from isingformer.cli._guard import by_option
from isingformer.cli._limits import LIMITS, check_limits

THIS = __file__  # an existing input file, refused for its value before it is read
AUDIT = [
    # tracebacks
    (["ensemble", "rem", "--seed", "-1"], "--seed"),
    (["ensemble", "rem", "--seed", str(2**64)], "--seed"),
    (["ising", "tc", "--seed", "-1"], "--seed"),
    (["glass", "sk", "--seed", "-1"], "--seed"),
    (["glass", "overlap", "--seed", "-1"], "--seed"),
    (["hopfield", "capacity", "--seed", "-1"], "--seed"),
    (["hopfield", "modern", "--seed", "-1"], "--seed"),
    (["quantum", "run", "--seed", "-1", "--spec", THIS], "--seed"),
    (["main-job", "--seed", "-1"], "--seed"),
    (["train", "--seed", str(2**64)], "--seed"),
    (["ising", "exact", "--temperature", "1e-10"], "--temperature"),
    (["ising", "exact", "--temperature", "1e-300"], "--temperature"),
    (["ising", "simulate", "--temperature", "1e-300"], "--temperature"),
    (["ensemble", "rem", "--sigma", "1e-300"], "--sigma"),
    (["train", "--lr", "nan"], "--lr"),
    (["train", "--set", "adam_beta1=5"], "adam_beta1"),
    (["train", "--set", "adam_beta2=-1"], "adam_beta2"),
    (["analyze", "--device", "foo"], "--device"),
    # hangs
    (["ising", "bench", "--min-seconds", "nan"], "--min-seconds"),
    (["ising", "bench", "--min-seconds", "inf"], "--min-seconds"),
    (["train", "--set", "context=100000"], "context"),
    # silently accepted
    (["train", "--set", "grad_clip=.nan"], "grad_clip"),
    (["ensemble", "rem", "--n-boot", "-1"], "--n-boot"),
    (["compare", "--margin", "nan"], "--margin"),
    (["compare", "--margin", "-1"], "--margin"),
    (["compare", "--target-loss", "nan"], "--target-loss"),
    (["compare", "--target-loss", "-1"], "--target-loss"),
    (["compare", "--workers", "0"], "--workers"),
    (["compare", "--workers", "-1"], "--workers"),
    (["main-job", "--only", ","], "--only"),
    (["ising", "simulate", "--algorithm", "wolff", "--backend", "msc"], "--backend"),
    (["ising", "tc", "--temperatures", "3:1:5"], "--temperatures"),
    # no ceilings
    (["ensemble", "rem", "--sizes", "1000000000"], "memory"),
    (["ising", "simulate", "--size", "100000"], "memory"),
    (["glass", "sk", "--sizes", "100000"], "memory"),
    (["train", "--batch-size", "100000000"], "batch_size"),
    (["analyze", "--betas", "0.1:1:100000000"], "--betas"),
    (["ising", "exact", "--size", "100000"], "spins"),
    (["ensemble", "rem", "--n-boot", "1000000000"], "--n-boot: must be <= 100000"),
    (["train", "--n-layer", "100000"], "n_layer"),
    (["glass", "overlap", "--sizes", "1000000"], "memory"),
    (["hopfield", "capacity", "--sizes", "10000000"], "memory"),
    (["hopfield", "modern", "--dim", "100000000"], "memory"),
    (["ising", "tfim", "--ed-max", "35"], "--ed-max"),
    (["ising", "tc", "--sizes", "100000"], "memory"),
    (["ising", "bench", "--size", "1000000"], "memory"),
    (["sample", "--tokens", "1000000000", "--checkpoint", "c.pt"], "tokens"),
    # the re-run by construction (every command x every category)
    (["ising", "simulate", "--dim", "1000000000"], "--dim"),  # was a hang: L ** dim
    (["ising", "tc", "--dim", "4611686018427387904"], "--dim"),
    (["ising", "tc", "--dim", "4"], "--dim"),
    (["ising", "tfim", "--fields", "1e308"], "--fields"),  # was an ArpackError
    (["ising", "tfim", "--fields", "0.5:1e308:3"], "--fields"),
    (["ising", "bench", "--min-seconds", "1e308"], "--min-seconds"),  # was a hang
    (["analyze", "--n-boot", "1000000000"], "--n-boot"),  # ran unbounded
    (["phases", "detect", "--n-boot", "4611686018427387904"], "--n-boot"),
    (["numbers", "zeros", "--n-boot", "1000000"], "--n-boot"),
    (["compare", "--seeds", "4611686018427387904"], "--seeds"),  # was a MemoryError
    (["quantum", "verify", "--seeds", "4611686018427387904"], "--seeds"),  # MemoryError
    (["quantum", "verify", "--samples", "1000000000"], "sampled texts"),  # ran unbounded
    (["quantum", "run", "--spec", THIS, "--samples", "1000000000"], "sampled texts"),
    (["glass", "overlap", "--bins", "1000000000"], "--bins"),  # ran unbounded
    (["ensemble", "rem", "--sizes", str(2**64)], "--sizes"),  # beyond 64 bits in a list
    (["ensemble", "rem", "--dask-address", "foo"], "--dask-address: expected HOST:PORT"),
    (["ensemble", "rem", "--dask-address", "tcp://10.0.0.1:99999"], "HOST:PORT"),
    (["ising", "tc", "--dask-address", "tcp://10.0.0.1:8786"], "--executor dask only"),
    (["icl", "sweep", "--tasks", "1,,2"], "--tasks: empty entry"),  # silently accepted
    (["icl", "sweep", "--dims", "1,,2"], "--dims: empty entry"),  # silently accepted
    (["icl", "sweep", "--noise", "1e308"], "--noise"),  # was a ValueError
    (["icl", "sweep", "--noise", "1e-300"], "--noise"),  # overflow warnings
    (["icl", "sweep", "--beta", "1e-300"], "--beta"),
    (["icl", "sweep", "--ridge", "1e308"], "--ridge"),
    (["hopfield", "modern", "--spread", "1e308"], "--spread"),  # overflow warnings
    (["hopfield", "modern", "--noise", "1e308"], "--noise"),
    # a missing input silently replaced by a default, or an input silently ignored
    (["analyze", "--texts", "missing.txt"], "--texts: missing.txt does not exist"),
    (["layers", "--random-init", "--texts", "."], "is a directory"),
    (["train", "--config", "missing.yaml"], "--config: missing.yaml does not exist"),
    (["quantum", "verify", "--spec", "missing.json"], "does not exist"),
    (["verify", "--proofs", "missing"], "--proofs: missing does not exist"),
    (["phases", "detect", "--checkpoint", "c.pt", "--texts", THIS], "--model only"),
]


@pytest.mark.parametrize("argv, needle", AUDIT, ids=[" ".join(a) for a, _ in AUDIT])
def test_audit_case(capsys, tmp_path, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("isingformer: error: "), err
    assert "Traceback" not in err and needle in lines[0], lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_limits_cover_registered_commands():
    cmd = build_command()
    for path in LIMITS:
        node = cmd
        for name in path:
            node = node.commands[name]
        assert node.params, path


@pytest.mark.parametrize("path", sorted(LIMITS), ids=" ".join)
def test_defaults_are_within_the_ceilings(path, monkeypatch):
    monkeypatch.delenv("ISINGFORMER_MAX_MEMORY", raising=False)
    monkeypatch.delenv("ISINGFORMER_MAX_WORK", raising=False)
    node = build_command()
    for name in path:
        node = node.commands[name]
    defaults = {p.name: p.default for p in node.params}
    check_limits(path, by_option(defaults, {p.name: p for p in node.params}))


def test_memory_limit_is_configurable(capsys, monkeypatch):
    argv = ["ising", "simulate", "--size", "64", "--sweeps", "1", "--json"]
    monkeypatch.setenv("ISINGFORMER_MAX_MEMORY", "1K")
    assert main(argv) == 2
    assert "over the limit of 1.0 KiB" in capsys.readouterr().err
    monkeypatch.setenv("ISINGFORMER_MAX_WORK", "10")
    monkeypatch.delenv("ISINGFORMER_MAX_MEMORY")
    assert main(argv) == 2
    assert "ISINGFORMER_MAX_WORK" in capsys.readouterr().err


def test_analyze_unavailable_cuda_and_bad_model_config(capsys, tmp_path, monkeypatch):
    import torch

    monkeypatch.chdir(tmp_path)
    if not torch.cuda.is_available():
        assert main(["analyze", "--device", "cuda"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "CUDA is not available" in err
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"model_type": ["bert"]}')
    assert main(["analyze", "--model", str(model), "--n-texts", "1"]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1 and err.startswith("isingformer: error: ") and "Traceback" not in err
    )


def test_docs_state_the_ceilings():
    """docs/cli.md (Errors) states the guard's fixed ceilings and the defaults."""
    from pathlib import Path

    from isingformer.cli._guard import CEILINGS
    from isingformer.validate.ceilings import DEFAULT_WORK, MEMORY_FRACTION

    text = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    assert f"`--n-boot ≤ {CEILINGS['n_boot']}`" in text
    assert f"`--seeds ≤ {CEILINGS['seeds']}`" in text
    assert DEFAULT_WORK == 1e12 and "(default 1e12 elementary operations" in text
    assert MEMORY_FRACTION == 0.5 and "(default half the RAM" in text
