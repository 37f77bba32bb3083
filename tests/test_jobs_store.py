"""The main job closes its results store however a section ends."""

from __future__ import annotations

import pytest

from isingformer import jobs
from isingformer.errors import InputError
from isingformer.report import Section


def _closing_spy(monkeypatch) -> list:
    opened: list = []
    real_open = jobs.ResultsStore.open

    def spy(path, *args, **kwargs):
        store = real_open(path, *args, **kwargs)
        real_close = store.close
        store.closed = False

        def close() -> None:
            store.closed = True
            real_close()

        store.close = close
        opened.append(store)
        return store

    monkeypatch.setattr(jobs.ResultsStore, "open", staticmethod(spy))
    return opened


def test_store_is_closed_when_a_section_refuses_its_input(tmp_path, monkeypatch):
    def bad(ctx):
        raise InputError("--size: must be >= 1")

    opened = _closing_spy(monkeypatch)
    monkeypatch.setattr(jobs, "SECTIONS", [("bad", bad)])
    with pytest.raises(InputError):
        jobs.run_main_job(tmp_path / "out", threads=1)
    assert [s.closed for s in opened] == [True]


def test_store_is_closed_after_a_normal_run(tmp_path, monkeypatch):
    opened = _closing_spy(monkeypatch)
    monkeypatch.setattr(jobs, "SECTIONS", [("ok", lambda ctx: Section("ok", "fine"))])
    path, summary = jobs.run_main_job(tmp_path / "out", threads=1)
    assert path.exists() and summary["ok"]["ok"]
    assert [s.closed for s in opened] == [True]
