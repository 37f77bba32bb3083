"""``isingformer layers`` reads a stored result back only for the same inputs.

Its store key held the *paths* of ``--checkpoint``, ``--texts`` and
``--model``: after ``train --resume CKPT --steps N`` (which rewrites CKPT in
place) a re-run of ``layers --checkpoint CKPT --out DIR`` printed the old
model's numbers from the store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import isingformer.layers.study as study
from isingformer.runs import ResultsStore


def _stub(config: dict) -> dict:
    """What the analysis saw: the bytes of every input file of the point."""
    seen = {}
    for key in ("checkpoint", "texts_file", "model"):
        p = config.get(key)
        if p is not None:
            p = Path(p)
            files = sorted(p.rglob("*")) if p.is_dir() else [p]
            seen[key] = [f.read_text() for f in files if f.is_file()]
    return seen


@pytest.mark.parametrize("option", ["checkpoint", "texts_file", "model"])
def test_changed_input_at_the_same_path_is_recomputed(tmp_path, monkeypatch, option) -> None:
    monkeypatch.setattr(study, "layers_point", _stub)
    path = tmp_path / "input"
    target = path / "weights.bin" if option == "model" else path
    target.parent.mkdir(parents=True, exist_ok=True)
    kw = {option: str(path)}
    with ResultsStore.open(tmp_path / "runs.sqlite") as st:
        target.write_text("old")
        assert study.layers_study(store=st, **kw)[option] == ["old"]
        target.write_text("new")  # e.g. train --resume rewrote the checkpoint
        assert study.layers_study(store=st, **kw)[option] == ["new"]
        # unchanged inputs are read back, not recomputed
        assert len(list(st.records("layers"))) == 2
        assert study.layers_study(store=st, **kw)[option] == ["new"]
        assert len(list(st.records("layers"))) == 2
