"""The proofs section and `isingformer verify` say the outcome in words, not as a
lowercased Python bool ("all proved: true")."""

from __future__ import annotations

import re

from isingformer.cli.verify import _human
from isingformer.verify import proofs_section


def _result(statuses: list[str], error: str = "") -> dict:
    rows = [{"name": f"t{i}", "file": "A.v", "statement": "s", "status": s,
             "assumptions": [], "assumptions_of": f"t{i}"} for i, s in enumerate(statuses)]  # fmt: skip
    return {"coq_version": "8.16.1", "proofs_dir": "proofs", "theorems": rows,
            "all_proved": all(s == "proved" for s in statuses) and not error,
            "forbidden": [], "build_seconds": 3.0, "error": error}  # fmt: skip


def test_proofs_outcome_in_words() -> None:
    for result in (_result(["proved"] * 3), _result(["proved", "not checked"], "make: boom")):
        text, cli = proofs_section(result).text, _human(result)
        for t in (text, cli):
            assert not re.search(r"[:=] *(true|false)\b", t, re.IGNORECASE), t
    assert "every one of the 3 theorems is proved" in proofs_section(_result(["proved"] * 3)).text
    bad = _result(["proved", "not checked"], "make: boom")
    assert "1 of 2 theorems proved, so not every theorem is proved (the build failed)" in (
        proofs_section(bad).text
    )
    assert "not every theorem is proved: 1 of 2" in _human(bad)
