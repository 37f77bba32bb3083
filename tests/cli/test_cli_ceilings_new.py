"""Issue 11: work ceilings of the commands added late (analyze, layers,
phases detect, icl sweep, hyperbolic conjecture). Each refusal is one clean
line naming the estimate and the ceiling, made before any work; the values the
docs use stay accepted (the defaults are covered by test_cli_audit)."""

import pytest

from isingformer.cli import main
from isingformer.cli._limits import check_limits

REFUSED = [
    (["analyze", "--n-texts", "32", "--max-tokens", "1000000"], "tokens scored"),
    (["layers", "--n-texts", "100000", "--max-tokens", "1024"], "tokens scored"),
    (
        ["phases", "detect", "--grid", "0:1:1000", "--n-texts", "256", "--tokens", "1024"],
        "tokens scored",
    ),
    (
        ["phases", "detect", "--continuation", "64", "--samples", "100000"],
        "tokens run",
    ),
    (["icl", "sweep", "--pairs", "100000"], "sequences"),
    (["icl", "sweep", "--dims", "8,16,32", "--samples", "100000"], "sequences"),
    (["hyperbolic", "conjecture", "--steps", "100000"], "training steps"),
    (["numbers", "zeros", "--count", "20000", "--n-boot", "10000"], "resampled spacings"),
]


@pytest.mark.parametrize("argv, needle", REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_new_ceiling_refuses(capsys, tmp_path, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "--json"]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("isingformer: error: "), err
    assert needle in lines[0] and "needs about" in lines[0] and "ceiling of" in lines[0]
    assert list(tmp_path.iterdir()) == []


DOCS = [
    (("analyze",), {"n_texts": 32, "max_tokens": 256}),
    (("layers",), {"n_texts": 16, "max_tokens": 64}),
    (("phases", "detect"), {"grid": "0.0625:16:17", "n_texts": 16, "tokens": 64}),
    (("phases", "detect"), {"grid": "1:9:5", "continuation": 3, "samples": 256}),
    (("phases", "detect"), {"continuation": 8, "samples": 64, "n_texts": 16, "tokens": 64}),
    (("icl", "sweep"), {"tasks": "4,16,64,256,1024,inf", "seeds": 3, "pairs": 200}),
    (("icl", "sweep"), {"dims": "8,16,32", "tasks": "1,2,4,8,16,64,256,1024,inf", "seeds": 3}),
    (("icl", "sweep"), {"dims": "8:32:4", "seeds": 3, "samples": 2000, "pairs": 200}),
    (("hyperbolic", "conjecture"), {"seeds": 3, "steps": 60}),
    (("numbers", "zeros"), {"count": 1000, "n_boot": 200}),
]


@pytest.mark.parametrize("path, params", DOCS, ids=[" ".join(p) for p, _ in DOCS])
def test_documented_values_pass(path, params, monkeypatch):
    monkeypatch.delenv("ISINGFORMER_MAX_WORK", raising=False)
    check_limits(path, params)


def test_unparsable_grid_is_left_to_the_command():
    check_limits(("phases", "detect"), {"grid": "not-a-grid"})


@pytest.mark.parametrize(
    "argv, named",
    [
        (["ising", "exact", "--width", "100000000"], "--size 16 x --width 100000000"),
        (["ising", "simulate", "--size", "16", "--width", "100000000"], "--size 16 x --width"),
        (["ising", "exact", "--size", "100000"], "--size 100000:"),
    ],
)
def test_lattice_refusal_names_the_options_given(capsys, argv, named):
    assert main([*argv, "--json"]) == 2
    assert named in capsys.readouterr().err


LADDERS = [
    (["glass", "overlap", "--ladder-size", "1"], "--ladder-size: must be >= 2"),
    (["glass", "overlap", "--ladder-size", "100000"], "--ladder-size: must be <= 256"),
    (["glass", "sk", "--temperatures", "0.2:1.6:5000"], "at most 256 temperatures"),
]


@pytest.mark.parametrize("argv, needle", LADDERS, ids=[" ".join(a) for a, _ in LADDERS])
def test_pt_ladder_has_a_count_ceiling(capsys, tmp_path, monkeypatch, argv, needle):
    """A 100000-temperature ladder ran (bounded only by the work ceiling) and
    printed 99999 swap acceptances of 1.0; ``--ladder-size 1`` was refused by
    the library naming ``n_temps`` instead of the option."""
    monkeypatch.chdir(tmp_path)
    small = ["--sizes", "8", "--samples", "3", "--sweeps", "100", "--executor", "serial"]
    assert main([*argv, *small, "--json"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and needle in lines[0], lines
    assert list(tmp_path.iterdir()) == []
    edge = {"ladder_size": 256, "temperatures": "0.2:1.6:256", "sizes": "8", "sweeps": 100}
    check_limits(("glass", argv[1]), edge)  # the ceiling itself is accepted
