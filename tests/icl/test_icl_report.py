"""The ICL report section and its main-job entry."""

from __future__ import annotations

from isingformer.jobs import SECTIONS, JobContext
from isingformer.runs import ResultsStore


def test_icl_job_section(tmp_path):
    fn = dict(SECTIONS)["icl"]
    store = ResultsStore.open(None)
    sec = fn(JobContext(out=tmp_path, store=store, quick=True, seed=0))
    assert "task-diversity" in sec.title
    assert len(sec.figures) == 3  # OOD error vs k, distances, P(q)
    assert all(f.png.startswith(b"\x89PNG") for f in sec.figures)
    (row,) = sec.tables[0].rows
    assert row[0] == 8 and row[3] == "4.46"  # d and the theory k*
    assert sec.data["dims"]["8"]["value"] is not None  # k* located
