"""The Fock-space section says CPTP in words, not as a lowercased Python bool."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.mark.slow  # runs the worked Example's χ² sampling (about 8 s)
def test_quantum_section_has_no_raw_booleans() -> None:
    from isingformer.quantum import quantum_section

    sec = quantum_section(SimpleNamespace(seed=0, quick=True))
    assert not re.search(r"= (true|false)\b", sec.text), sec.text
    assert "every block is CPTP" in sec.text and "CPTP on the populated sectors" in sec.text
