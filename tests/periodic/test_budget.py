"""The combined work/memory ceiling of ``isingformer periodic`` (checked
before any training or loading; one line, exit 2, estimate and limit named)."""

import re

import pytest

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.periodic.budget import check_study_budget, gpt_params, study_cost
from isingformer.periodic.training import TINY_MODEL, tiny_config


def test_parameter_estimate_bounds_the_tiny_model():
    from isingformer.lm import build_model

    model = build_model(tiny_config("periodic", "linear", 10), 65)
    actual = sum(p.numel() for p in model.parameters())
    est = gpt_params(TINY_MODEL["n_layer"], TINY_MODEL["d_model"], TINY_MODEL["context"])
    assert actual <= est <= 1.2 * actual


def test_cost_is_linear_in_seeds_steps_and_grid():
    kw = dict(runs=8, steps=100, tokens_per_step=1024, n_params=1000, models=0)
    kw.update(windows=4, heads=2, keys=64, grid=86)
    w, m = study_cost(**kw)
    assert w == pytest.approx(3 * 1000 * 1024 * 100 * 8)
    assert study_cost(**{**kw, "steps": 200})[0] == pytest.approx(2 * w)
    w2, _ = study_cost(**{**kw, "runs": 0, "models": 3})
    assert w2 == pytest.approx(10 * 3 * 4 * 2 * 64 * 64 * 86)
    assert m == pytest.approx(8 * (8 * 4 * 2 * 64 * 64 + 4 * 2 * 64 * 86))


def test_the_default_study_fits_and_a_huge_one_does_not():
    # docs: the default study is about 4e11 multiply-adds (limit 1e12)
    est = check_study_budget(seeds=3, steps=300, windows=8, trained_here=True)
    assert est["work"] == pytest.approx(4.1e11, rel=0.01)
    enc = check_study_budget(seeds=3, steps=300, windows=8, trained_here=True, encoder=True)
    assert est["work"] < enc["work"] < 1e12
    with pytest.raises(InputError, match="over the ceiling"):
        check_study_budget(seeds=16, steps=100_000, windows=8, trained_here=True)


def test_cli_refuses_before_work(capsys, monkeypatch):
    code = main(["periodic", "--seeds", "16", "--steps", "100000", "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--seeds 16 x --steps 100000" in err and "multiply-adds" in err
    assert re.search(r"needs about [0-9.e+]+ multiply-adds, over the ceiling of 1e\+12", err)
    monkeypatch.setenv("ISINGFORMER_MAX_WORK", "1e9")
    code = main(["periodic", "--steps", "30"])
    _, err = capsys.readouterr()
    assert code == 2 and "ceiling of 1e+09" in err and "ISINGFORMER_MAX_WORK" in err
    monkeypatch.delenv("ISINGFORMER_MAX_WORK")
    monkeypatch.setenv("ISINGFORMER_MAX_MEMORY", "1M")
    code = main(["periodic", "--steps", "30", "--n-texts", "256"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "of memory, over the limit" in err
