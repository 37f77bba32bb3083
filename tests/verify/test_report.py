"""The proofs section of the report and of the main job."""

from __future__ import annotations

import isingformer.verify.check as check
from isingformer.jobs import SECTIONS
from isingformer.report import Report
from isingformer.verify import VERDICT, CoqMissingError, proofs_job_section, proofs_section


def test_section_lists_every_theorem_and_the_verdict(verified: dict, tmp_path) -> None:
    section = proofs_section(verified)
    assert VERDICT in section.text
    n = len(verified["theorems"])
    assert f"every one of the {n} theorems is proved" in section.text
    (table,) = section.tables
    assert [row[0] for row in table.rows] == [r["name"] for r in verified["theorems"]]
    assert {row[3] for row in table.rows} == {"proved"}
    Report("proofs", {}, [section]).write(tmp_path)
    assert "eq13_false_without_commutation" in (tmp_path / "report.md").read_text()


def test_main_job_has_a_proofs_section_that_survives_missing_coq(monkeypatch) -> None:
    assert "proofs" in [name for name, _ in SECTIONS]

    def missing(proofs=None):
        raise CoqMissingError("coqc not found: install Coq")

    monkeypatch.setattr(check, "verify_proofs", missing)
    section = proofs_job_section(None)
    assert "Not checked" in section.text and VERDICT in section.text
