"""Issue 11: ``train --max-seconds`` stops cleanly at the budget, writes a
resumable checkpoint, says so in the JSON and stores nothing unfinished;
``compare --max-seconds`` starts no run past it; bad budgets are refused."""

import json

import pytest

from isingformer.cli import main
from isingformer.lm.config import TrainConfig
from isingformer.lm.train import train
from isingformer.runs import ResultsStore

TINY = ["--n-layer", "2", "--n-head", "2", "--d-model", "32", "--context", "32"]
TINY += ["--batch-size", "8", "--eval-every", "5"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    from isingformer.lm.corpus import prepare_data

    path = tmp_path_factory.mktemp("lm_cache_budget")
    prepare_data("shakespeare", "char", cache_dir=path)
    return str(path)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_library_budget_stops_and_resumes_exactly(cache, tmp_path):
    cfg = TrainConfig(
        n_layer=2, n_head=2, d_model=32, context=32, batch_size=8, eval_batches=2,
        eval_every=3, steps=6, warmup=2, cache_dir=cache, dropout=0.1,
    )  # fmt: skip
    full = train(cfg, out=tmp_path / "a")
    assert not full.stopped_early and full.stop_reason is None
    part = train(cfg, out=tmp_path / "b", max_seconds=1e-9)
    assert part.stopped_early and part.stop_reason == "max_seconds"
    assert part.steps == len(part.train_losses) == 1  # the first step ends past the budget
    resumed = train(cfg, out=tmp_path / "b", resume=part.checkpoint)
    assert not resumed.stopped_early
    assert resumed.train_losses == full.train_losses  # bit for bit on CPU
    assert [e["val_loss"] for e in resumed.evals] == [e["val_loss"] for e in full.evals]


@pytest.mark.parametrize("where", ["command", "root"])
def test_cli_train_max_seconds(capsys, tmp_path, cache, where):
    out = tmp_path / "o"
    budget = ["--max-seconds", "1e-9"]
    argv = [*(budget if where == "root" else []), "train", "--steps", "8", *TINY]
    argv += [*(budget if where == "command" else []), "--set", f"cache_dir={cache}"]
    code, text, err = run(capsys, *argv, "--json", "--out", str(out))
    assert code == 0, err
    d = json.loads(text)
    assert d["stopped_early"] is True and d["stop_reason"] == "max_seconds"
    assert d["steps"] == 1 and d["steps_planned"] == 8
    assert d["resume"] == f"isingformer train --resume {out / 'checkpoint.pt'}"
    assert (out / "checkpoint.pt").is_file()
    with ResultsStore.open(out / "runs.sqlite", read_only=True) as st:
        assert st.sweeps() == []  # an unfinished run is not a result
    code, text, err = run(capsys, "train", "--resume", d["checkpoint"], "--json")
    assert code == 0, err
    d = json.loads(text)
    assert d["stopped_early"] is False and d["steps"] == 8
    with ResultsStore.open(out / "runs.sqlite", read_only=True) as st:
        assert st.sweeps()[0]["points"] == 1


def test_cli_train_human_output_says_stopped(capsys, tmp_path, cache):
    argv = ["train", "--steps", "4", *TINY, "--max-seconds", "1e-9"]
    code, text, err = run(capsys, *argv, "--set", f"cache_dir={cache}", "--out", str(tmp_path))
    assert code == 0, err
    assert "stopped early (--max-seconds) after 1 of 4 steps" in text
    assert "isingformer train --resume" in text


@pytest.mark.parametrize("cmd", ["train", "compare"])
@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "0", "-1", "abc"])
def test_bad_max_seconds_refused(capsys, tmp_path, cmd, bad):
    code, _, err = run(capsys, cmd, f"--max-seconds={bad}", "--out", str(tmp_path / "o"))
    assert code == 2
    assert err.count("\n") == 1 and "--max-seconds" in err and "No such option" not in err
    assert not (tmp_path / "o").exists()


def test_cli_compare_max_seconds_starts_no_run_past_the_budget(capsys, tmp_path, cache):
    argv = ["compare", "--policies", "sqrt_dk", "--seeds", "2", "--steps", "2", *TINY]
    argv += ["--executor", "serial", "--set", f"cache_dir={cache}", "--out", str(tmp_path)]
    code, _, err = run(capsys, *argv, "--max-seconds", "1e-9", "--json")
    assert code == 2
    assert err.count("\n") == 1 and "--max-seconds" in err and "0 of 2 points" in err
