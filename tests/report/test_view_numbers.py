"""The numbers verdict row on attention spectra names the nearest law in words
("GOE (exact law)", not "GOE (EXACT LAW)") and reads it right for every law (it said
"real symmetric random-matrix statistics" whichever law was nearest)."""

from __future__ import annotations

from isingformer.numbers.report import _attention_row


def _row(best: str) -> str:
    d = {"goe": 0.05, "goe_exact": 0.06, "gue": 0.07, "poisson": 0.08}
    d[best] = 0.01
    att = {"ks": {k: {"d": v} for k, v in d.items()}, "n_matrices": 288, "n_spacings": 21888}
    return _attention_row({"attention": att})[2]


def test_nearest_law_in_words() -> None:
    assert (
        _row("goe_exact")
        == "closest to GOE (exact law): real symmetric random-matrix statistics, not GUE"
    )
    assert _row("poisson").startswith("closest to Poisson: uncorrelated levels")
    assert "GUE: complex Hermitian" in _row("gue")
    assert not any(w in _row(b) for b in ("goe", "goe_exact") for w in ("EXACT", "LAW"))
