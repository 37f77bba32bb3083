"""The HTML/Markdown report as a reader sees it: cell values, links, offline use."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import numpy as np

from isingformer.report import FigureImage, Report, Section, Table


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.urls: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a":
            self.hrefs.append(a.get("href", ""))
        for key in ("src", "href"):
            if a.get(key) and not a[key].startswith(("data:", "#")):
                self.urls.append(a[key])
        if tag == "td":
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.cells[-1] += data


def _page(report: Report) -> _Page:
    p = _Page()
    p.feed(report.to_html())
    return p


def _report(rows) -> Report:
    return Report("t", {}, [Section("s", "text", tables=[Table(["a", "b", "c"], rows)])])


def test_missing_values_show_as_a_dash_not_nan_or_none() -> None:
    rows = [[None, math.nan, np.float64("nan")], [np.float32(0.5), math.inf, -math.inf]]
    cells = _page(_report(rows)).cells
    assert cells == ["—", "—", "—", "0.5", "∞", "−∞"]
    md, _ = _report(rows).to_markdown()
    assert not re.search(r"\b(nan|None|inf)\b", md)


def test_booleans_read_yes_no_and_integers_stay_integers() -> None:
    cells = _page(_report([[True, np.bool_(False), np.int64(7)]])).cells
    assert cells == ["yes", "no", "7"]


def test_every_toc_link_resolves_and_the_page_is_offline() -> None:
    rep = Report("t", {"x": 1}, [Section("one", "a"), Section("two", "b")])
    p = _page(rep)
    internal = [h for h in p.hrefs if h.startswith("#")]
    assert len(internal) == 3  # both sections and the configuration
    assert all(h[1:] in p.ids for h in internal)
    assert p.urls == []


def test_markdown_shows_figure_captions_and_keeps_table_columns() -> None:
    fig = FigureImage(b"\x89PNG", "P(|q| < 0.5) per size [n = 3]")
    table = Table(["a", "|x|"], [["|q|", 1]])
    md, _ = Report("t", {}, [Section("s", figures=[fig], tables=[table])]).to_markdown()
    assert "*P(|q| < 0.5) per size [n = 3]*" in md  # visible, not only the alt text
    star = FigureImage(b"\x89PNG", "β*(N) against N")
    md, _ = Report("t", {}, [Section("s", figures=[star])]).to_markdown()
    assert "*β\\*(N) against N*" in md  # the caption's own * does not end the emphasis
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert all(len(re.findall(r"(?<!\\)\|", r)) == 3 for r in rows)  # two columns each


def test_word_columns_read_left_aligned_and_number_columns_right() -> None:
    rows = [["gibbs_sum_one", "0.9 [0.8, 1.0]", 3, "the weights sum to one", "2/3"],
            ["x", "—", 4.5, "yes", "≥ 7 (n = 2)"]]  # fmt: skip
    page = Report("t", {}, [Section("s", tables=[Table(list("abcde"), rows)])]).to_html()
    head = re.findall(r"<th( class='t')?>", page)
    assert head == [" class='t'", "", "", " class='t'", ""]
    assert "td.t,th.t{text-align:left}" in page


def test_single_asterisk_emphasis_renders_and_beta_star_does_not() -> None:
    text = "the two sides are *equal* as n → ∞; β* moves from β* = 1 to 2*3*4; **Rule:** x"
    page = Report("t", {}, [Section("s", text)]).to_html()
    assert "are <i>equal</i> as" in page
    assert "β* moves from β* = 1 to 2*3*4" in page and "<b>Rule:</b>" in page


def test_rewriting_a_report_leaves_no_stale_figures(tmp_path) -> None:
    fig = FigureImage(b"\x89PNG", "c")
    Report("t", {}, [Section("a", figures=[fig, fig]), Section("b", figures=[fig])]).write(tmp_path)
    (tmp_path / "figures" / "notes.png").write_bytes(b"x")  # not ours: kept
    Report("t", {}, [Section("a", figures=[fig])]).write(tmp_path)
    names = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert names == ["notes.png", "report_fig00_00.png"]
