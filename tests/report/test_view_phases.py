"""The phases section: its text does not name a band method of its own (the figures'
captions carry the one used), and both tables say what the interval and the flags are."""

from __future__ import annotations

import isingformer.phases.report as phases_report
from isingformer.report import FigureImage


def test_phases_tables_have_captions_and_text_defers_band_method(monkeypatch) -> None:
    monkeypatch.setattr(phases_report, "validation_figure", lambda v: FigureImage(b"", "v"))
    monkeypatch.setattr(phases_report, "detection_figure", lambda a: FigureImage(b"", "d"))
    val = [{"system": "REM", "expected": 3.0, "found": 2.9, "ci": [2.7, 3.2], "agrees": True}]
    app = [{"source": "run/series", "parameter": "step",
            "peaks": [{"value": 50.0, "ci": [42.0, 59.0], "at_edge": True}]}]  # fmt: skip
    sec = phases_report.phases_section(val, app)
    assert "bands are Student-t" not in sec.text  # the method lives in the captions
    assert "caption" in sec.text
    validation, application = sec.tables
    assert "95 % interval" in validation.caption and "agrees" in validation.caption
    assert "at edge" in application.caption and "no transition" in application.caption
