"""Reports: a self-contained HTML page (figures embedded as PNG data URIs)
and a Markdown summary (figures written beside it), built from sections."""

from __future__ import annotations

import base64
import html
import io
import json
import math
import numbers
import platform
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from isingformer import __version__
from isingformer.errors import InputError

__all__ = ["FigureImage", "Report", "Section", "Table", "figure", "versions"]


@dataclass(frozen=True)
class FigureImage:
    """A rendered figure: PNG bytes and a caption."""

    png: bytes
    caption: str = ""


def figure(fig, caption: str = "", dpi: int = 110) -> FigureImage:
    """Render a matplotlib figure to PNG (and close it)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return FigureImage(buf.getvalue(), caption)


@dataclass(frozen=True)
class Table:
    """A table: column names and rows of plain values."""

    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """One part of a report. ``text`` is plain paragraphs (blank-line
    separated); ``**bold**``, ``*emphasis*`` and `code` are rendered."""

    title: str
    text: str = ""
    figures: list[FigureImage] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def versions() -> dict[str, str]:
    """Versions of the interpreter and the main libraries."""
    out = {
        "isingformer": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    for name in ("torch", "numpy", "scipy", "numba", "transformers", "qutip"):
        mod = sys.modules.get(name)
        if mod is not None:
            out[name] = getattr(mod, "__version__", "?")
    return out


def _config_json(config: Any) -> str:
    """The configuration block as strict JSON by the rule of docs/cli.md (NaN
    ``null``, ±inf ``"inf"``/``"-inf"``); anything else not JSON as its text."""
    from isingformer.runs.store import strict_jsonable

    payload = strict_jsonable({"config": config, "versions": versions()})
    return json.dumps(payload, indent=2, default=str, allow_nan=False)


def _fmt(v: Any) -> str:
    """A table cell as the reader sees it: a missing or undefined value
    (None, NaN) is "—", never "None"/"nan"; booleans are "yes"/"no"."""
    if v is None:
        return "—"
    if type(v).__name__ in ("bool", "bool_"):  # also numpy's
        return "yes" if v else "no"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "—"
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        return f"{x:.4g}"
    return str(v)


_NUMBER_LIKE = re.compile(r"^\s*[-+−±≥≤<>~≈]?\s*([\d.∞—]|n/a$)")


def _column_classes(t: Table) -> list[str]:
    """`` class='t'`` for a column holding words (read left-aligned), ``""`` for
    numbers and number-like cells ("0.9 [0.8, 1.0]", "2/3", "—"), right-aligned."""
    out = []
    for j in range(len(t.columns)):
        cells = [r[j] for r in t.rows if j < len(r)]
        words = any(
            isinstance(v, str) and not _NUMBER_LIKE.match(v)
            for v in cells
            if type(v).__name__ not in ("bool", "bool_")
        )
        out.append(" class='t'" if words else "")
    return out


def _th(text: str) -> str:
    """A header cell's HTML: it may wrap between words, never inside one or inside a
    bracket ("[95% t-CI]" broke after "t-"): hyphens become non-breaking (U+2011)
    and spaces inside brackets no-break spaces."""
    t = html.escape(text).replace("-", "\u2011")
    return re.sub(r"[\[(][^\])]*[\])]", lambda m: m[0].replace(" ", "\u00a0"), t)


def _md_cell(text: str) -> str:
    """A Markdown table cell: a ``|`` inside would start a new column."""
    return text.replace("|", "\\|").replace("\n", " ")


def _md_em(text: str) -> str:
    """Text inside a Markdown ``*…*``: its own ``*`` (β*) would end the emphasis."""
    return text.replace("*", "\\*")


def _md_alt(text: str) -> str:
    """Markdown image alt text: brackets would end it early."""
    return text.replace("[", "(").replace("]", ")")


def _inline(text: str) -> str:
    t = html.escape(text)
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    # *word*: emphasis only around letters and not glued to a word, so β* … β* stays
    t = re.sub(r"(?<![\w*])\*([^\W\d_][^*\n]*?[^\W\d_])\*(?![\w*])", r"<i>\1</i>", t)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", t)


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{border-bottom:2px solid #444}h2{border-bottom:1px solid #bbb;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f0f0f0}td.t,th.t{text-align:left}td{white-space:nowrap}td.t{white-space:normal}
div.tw{overflow-x:auto}figure{margin:1em 0}img{max-width:100%}figcaption{font-size:90%;color:#555}
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:85%}code{background:#f3f3f3}"""


@dataclass(frozen=True)
class Report:
    """A whole report: title, the exact config that produced it, sections."""

    title: str
    config: dict[str, Any]
    sections: list[Section]
    created: float = field(default_factory=time.time)

    def to_html(self) -> str:
        parts = [
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>",
            f"<style>{_CSS}</style></head><body><h1>{html.escape(self.title)}</h1>",
            f"<p>Generated {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(self.created))} UTC "
            f"by isingformer {__version__}.</p><ul>",
        ]
        parts += [
            f"<li><a href='#s{i}'>{html.escape(s.title)}</a></li>"
            for i, s in enumerate(self.sections)
        ]
        parts.append("<li><a href='#config'>Configuration and versions</a></li></ul>")
        for i, s in enumerate(self.sections):
            parts.append(f"<h2 id='s{i}'>{html.escape(s.title)}</h2>")
            parts += [f"<p>{_inline(p.strip())}</p>" for p in s.text.split("\n\n") if p.strip()]
            for t in s.tables:
                cls = _column_classes(t)
                head = "".join(f"<th{cls[j]}>{_th(n)}</th>" for j, n in enumerate(t.columns))
                body = "".join(
                    "<tr>"
                    + "".join(
                        f"<td{cls[j] if j < len(cls) else ''}>{html.escape(_fmt(v))}</td>"
                        for j, v in enumerate(r)
                    )
                    + "</tr>"
                    for r in t.rows
                )
                cap = f"<caption>{html.escape(t.caption)}</caption>" if t.caption else ""
                # numbers never wrap ("[2.559,⏎2.596]"); a table wider than the page scrolls
                parts.append(f"<div class='tw'><table>{cap}<tr>{head}</tr>{body}</table></div>")
            for f in s.figures:
                b64 = base64.b64encode(f.png).decode()
                parts.append(
                    f"<figure><img src='data:image/png;base64,{b64}' alt='{html.escape(f.caption)}'>"
                    f"<figcaption>{html.escape(f.caption)}</figcaption></figure>"
                )
        parts.append("<h2 id='config'>Configuration and versions</h2><pre>")
        parts.append(html.escape(_config_json(self.config)))
        parts.append("</pre></body></html>")
        return "".join(parts)

    def to_markdown(self, figure_dir: str | None = None) -> tuple[str, list[tuple[str, bytes]]]:
        """Markdown text and the figure files it refers to (name, png)."""
        lines = [f"# {self.title}", "", f"isingformer {__version__}", ""]
        files: list[tuple[str, bytes]] = []
        for i, s in enumerate(self.sections):
            lines += [f"## {s.title}", ""]
            if s.text:
                lines += [s.text.strip(), ""]
            for t in s.tables:
                if t.caption:
                    lines += [f"*{_md_em(t.caption)}*", ""]
                lines.append("| " + " | ".join(_md_cell(c) for c in t.columns) + " |")
                lines.append("|" + "---|" * len(t.columns))
                lines += ["| " + " | ".join(_md_cell(_fmt(v)) for v in r) + " |" for r in t.rows]
                lines.append("")
            for j, f in enumerate(s.figures):
                name = f"fig{i:02d}_{j:02d}.png"
                files.append((name, f.png))
                path = f"{figure_dir}/{name}" if figure_dir else name
                lines += [f"![{_md_alt(f.caption)}]({path})", ""]
                if f.caption:  # the alt text is not shown where the image renders
                    lines += [f"*{_md_em(f.caption)}*", ""]
        lines += [
            "## Configuration and versions",
            "",
            "```json",
            _config_json(self.config),
            "```",
            "",
        ]
        return "\n".join(lines), files

    def write(self, out_dir: str | Path, name: str = "report") -> Path:
        """Write ``name.html`` (self-contained), ``name.md`` and the Markdown's
        figures under ``figures/``; return the HTML path."""
        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
            html_path = out / f"{name}.html"
            tmp = html_path.with_suffix(".html.tmp")
            tmp.write_text(self.to_html(), encoding="utf-8")
            tmp.replace(html_path)
            md, files = self.to_markdown("figures")
            written = {f"{name}_{fname}" for fname, _ in files}
            if (out / "figures").is_dir():  # an earlier report's figures this one lacks
                for old in (out / "figures").glob(f"{name}_fig[0-9][0-9]_[0-9][0-9].png"):
                    if old.name not in written:
                        old.unlink()
            if files:
                (out / "figures").mkdir(exist_ok=True)
                for fname, png in files:
                    (out / "figures" / f"{name}_{fname}").write_bytes(png)
                md = md.replace("](figures/fig", f"](figures/{name}_fig")
            (out / f"{name}.md").write_text(md, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the report to {out}: {exc.strerror}") from None
        return html_path
