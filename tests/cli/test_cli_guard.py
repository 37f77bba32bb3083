"""The CLI's last line of defence and the by-construction option checks."""

import pytest

from isingformer.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean(code, err, *needles):
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("isingformer: error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], lines[0]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["ensemble", "rem", "--seed", "-1"], "--seed"),
        (["ensemble", "rem", "--seed", str(2**64)], "--seed"),
        (["ensemble", "rem", "--sigma", "nan"], "--sigma"),
        (["ensemble", "rem", "--n-boot", "-1"], "--n-boot"),
        (["ensemble", "rem", "--samples", "0"], "--samples"),
        (["ising", "bench", "--seconds", "nan"], "--seconds"),
        (["ising", "bench", "--seconds", "inf"], "--seconds"),
        (["ising", "bench", "--seconds", "-1"], "--seconds"),
    ],
)
def test_generic_option_rules(capsys, args, needle):
    assert_clean(*run(capsys, *args)[::2], needle)


def test_out_is_a_file(capsys, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = run(capsys, "ensemble", "rem", "--sizes", "16", "--out", str(f))
    assert_clean(code, err, "--out")
    code, _, err = run(capsys, "ensemble", "rem", "--sizes", "16", "--out", str(f / "sub"))
    assert_clean(code, err, "--out")
    assert f.read_text() == "x"


@pytest.mark.parametrize("device", ["foo", "cuda:99", "gpu"])
def test_device(capsys, device):
    import torch

    if device.startswith("cuda") and torch.cuda.device_count() > 99:  # pragma: no cover
        pytest.skip("machine has 100 GPUs")
    code, _, err = run(capsys, "main-job", "--device", device, "--only", "x")
    assert_clean(code, err, "--device")


def test_unexpected_exception_is_one_line(capsys, monkeypatch):
    import isingformer.cli._guard as guard

    def boom(*a, **k):
        raise ZeroDivisionError("float division by zero\nsecond line")

    monkeypatch.setattr(guard, "check_params", boom)
    code, _, err = run(capsys, "ensemble", "rem")
    assert_clean(code, err, "ZeroDivisionError: float division by zero", "ISINGFORMER_DEBUG")


def test_debug_shows_traceback(capsys, monkeypatch):
    import isingformer.cli._guard as guard

    def boom(*a, **k):
        raise MemoryError()

    monkeypatch.setattr(guard, "check_params", boom)
    code, _, err = run(capsys, "ensemble", "rem")
    assert_clean(code, err, "out of memory")
    code, _, err = run(capsys, "--debug", "ensemble", "rem")
    assert (
        code == 2
        and "Traceback" in err
        and err.rstrip().splitlines()[-1].startswith("isingformer: error: out of memory")
    )
    monkeypatch.setenv("ISINGFORMER_DEBUG", "1")
    code, _, err = run(capsys, "ensemble", "rem")
    assert code == 2 and "Traceback" in err
