"""Report tables read without mid-word breaks: a header never wraps inside a
hyphenated word or a bracket ("[95% t-" / "CI]" in the training tables), a number
cell never wraps ("[2.559," / "2.596]"), and a table too wide for the page scrolls."""

from __future__ import annotations

import re

from isingformer.report import Report, Section, Table
from isingformer.report.document import _CSS


def test_headers_and_number_cells_do_not_wrap_inside_a_word(tmp_path) -> None:
    table = Table(["policy", "final val loss [95% t-CI]", "β-calibration share", "judgement"],
                  [["sqrt_dk", "2.5774 [2.5590, 2.5957]", 0.0, "control as good or better"]])  # fmt: skip
    html = Report("t", {}, [Section("s", "", tables=[table])]).to_html()
    heads = re.findall(r"<th[^>]*>(.*?)</th>", html)
    assert heads[1] == "final val loss [95%\u00a0t\u2011CI]"  # breaks only before the bracket
    assert heads[2] == "β\u2011calibration share"
    assert not any("-" in h for h in heads)
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", html)
    assert cells[1] == ("", "2.5774 [2.5590, 2.5957]")  # a number cell: no class ...
    assert cells[3] == (" class='t'", "control as good or better")  # words may wrap
    assert "td{white-space:nowrap}" in _CSS and "td.t{white-space:normal}" in _CSS  # ... nowrap
    assert "<div class='tw'><table>" in html and "div.tw{overflow-x:auto}" in _CSS
    md, _ = Report("t", {}, [Section("s", "", tables=[table])]).to_markdown()
    assert "| final val loss [95% t-CI] |" in md  # Markdown keeps the plain text
