"""A comparison point's run directory is continued only by the same run.

``compare --out DIR`` keeps each (spec, seed) run's checkpoint in
``DIR/runs/SPEC_seedS`` so that an interrupted run resumes. Re-running with
other settings (``--steps 6`` after ``--steps 4``) is a new point of the store,
but its run directory is the same: the old checkpoint was silently continued
(its learning-rate schedule was the 4-step one) and stored as a 6-step run
that a fresh 6-step run does not reproduce.
"""

from __future__ import annotations

import pytest

from isingformer.errors import InputError
from isingformer.lm.compare import compare_point
from isingformer.lm.train import train


def _point(cfg, run_dir) -> dict:
    return compare_point(
        {"train": cfg.to_dict(), "run_dir": None if run_dir is None else str(run_dir)}
    )


def test_run_dir_of_other_settings_is_refused_not_continued(tiny, tmp_path) -> None:
    short = tiny(n_layer=1, steps=4, eval_every=2, warmup=1)
    run_dir = tmp_path / "runs" / "sqrt_dk_seed0"
    _point(short, run_dir)
    ckpt = run_dir / "checkpoint.pt"
    before = ckpt.read_bytes()
    with pytest.raises(InputError, match=r"steps") as err:
        _point(short.replace(steps=6), run_dir)
    assert str(run_dir) in str(err.value)
    assert ckpt.read_bytes() == before  # the other run's checkpoint is untouched


def test_interrupted_run_resumes_to_the_uninterrupted_result(tiny, tmp_path) -> None:
    cfg = tiny(n_layer=1, steps=6, eval_every=2, warmup=1, checkpoint_every=2)
    run_dir = tmp_path / "runs" / "sqrt_dk_seed0"
    train(cfg, out=run_dir, stop_after=2)  # killed after step 2: its checkpoint stays
    resumed = _point(cfg, run_dir)
    fresh = _point(cfg, None)
    assert resumed["train_losses"] == fresh["train_losses"]  # bit for bit on CPU
    assert [e["val_loss"] for e in resumed["evals"]] == [e["val_loss"] for e in fresh["evals"]]
    assert resumed["final_val_loss"] == fresh["final_val_loss"]


class _StopError(Exception):
    pass


def test_a_corpus_file_rewritten_in_place_is_a_new_point(tiny, tmp_path, monkeypatch) -> None:
    """With ``--set corpus=FILE`` the store key held only the path: after the
    file changed, a re-run read back the old corpus's losses."""
    from isingformer.lm.compare import compare
    from isingformer.runs import config_key

    keys: list[str] = []

    def capture(fn, configs, **kw):
        keys.extend(config_key(c) for c in configs)
        raise _StopError

    monkeypatch.setattr("isingformer.runs.run_sweep", capture)
    corpus = tmp_path / "corpus.txt"
    for words in ("the cat sat on a mat ", "a dog ran far away "):
        corpus.write_text(words * 400)
        with pytest.raises(_StopError):
            compare(tiny(corpus=str(corpus)), ["sqrt_dk"], [0], progress=False)
    assert len(keys) == 2 and keys[0] != keys[1]


def test_run_dir_trained_on_an_older_corpus_file_is_refused(tiny, tmp_path) -> None:
    """With ``--out``, the run directory of the old corpus was continued (its
    finished checkpoint read back) and stored under the new corpus's key."""
    from isingformer.runs.store import content_fingerprint

    corpus = tmp_path / "corpus.txt"
    cfg = tiny(n_layer=1, steps=2, eval_every=2, warmup=1, corpus=str(corpus))
    run_dir = tmp_path / "runs" / "sqrt_dk_seed0"
    corpus.write_text("the cat sat on a mat " * 400)
    point = {"train": cfg.to_dict(), "run_dir": str(run_dir)}
    compare_point({**point, "corpus_sha256": content_fingerprint(corpus)})
    corpus.write_text("mat a on sat cat the " * 400)  # same characters
    with pytest.raises(InputError, match="corpus_sha256"):
        compare_point({**point, "corpus_sha256": content_fingerprint(corpus)})
