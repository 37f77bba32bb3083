"""The main job's layers section (quick): MiniLM and its random-init control."""

import pytest


@pytest.mark.slow
def test_layers_job_section(tmp_path):
    from isingformer.jobs import JobContext
    from isingformer.layers.report import layers_job
    from isingformer.runs import ResultsStore

    store = ResultsStore.open(tmp_path / "runs.sqlite")
    try:
        section = layers_job(JobContext(out=tmp_path, store=store, quick=True))
    finally:
        store.close()
    assert len(section.figures) == 5
    assert section.data["models"] == ["all-MiniLM-L6-v2", "all-MiniLM-L6-v2 (random init)"]
    assert "eq. 13" in section.text and "A3 fails" in section.text
