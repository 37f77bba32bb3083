"""Text sources of the probe."""

import pytest

from isingformer.errors import InputError
from isingformer.probe import default_texts, read_texts


def test_default_texts_deterministic():
    a = default_texts(10, words=50)
    assert a == default_texts(10, words=50)
    assert len(a) == 10 and all(len(t.split()) == 50 for t in a)
    assert len(set(a)) == 10
    assert not any("gutenberg" in t.lower() for t in a)
    assert default_texts(3, words=50, seed=1) != a[:3]


def test_read_texts(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("one two three four five\n\nsix seven", encoding="utf-8")
    assert read_texts(f, words=3) == ["one two three", "four five six", "seven"]
    assert read_texts(f, n=1, words=3) == ["one two three"]


@pytest.mark.parametrize(
    ("content", "match"),
    [(b"", "empty"), (b"   \n\t ", "empty"), (b"abc\x00def", "binary"), (b"\xff\xfe\xfa", "UTF-8")],
)
def test_read_texts_bad(tmp_path, content, match):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(InputError, match=match):
        read_texts(f)
    with pytest.raises(InputError, match="not a file"):
        read_texts(tmp_path / "missing.txt")
