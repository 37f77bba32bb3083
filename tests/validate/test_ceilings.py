"""Memory and work ceilings: estimate, limit, configurable."""

import pytest

from isingformer.errors import InputError
from isingformer.validate import MEMORY_ENV, check_memory, check_work, format_bytes, memory_limit


def test_default_is_a_fraction_of_ram(monkeypatch):
    import os

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert memory_limit() == int(0.5 * ram)


@pytest.mark.parametrize("raw, value", [("1000", 1000), ("512M", 512 * 2**20), ("2GiB", 2 * 2**30)])
def test_env_limit(monkeypatch, raw, value):
    monkeypatch.setenv(MEMORY_ENV, raw)
    assert memory_limit() == value


@pytest.mark.parametrize("raw", ["-1", "nan", "lots", "0"])
def test_bad_env_limit(monkeypatch, raw):
    monkeypatch.setenv(MEMORY_ENV, raw)
    with pytest.raises(InputError, match=MEMORY_ENV):
        memory_limit()


def test_check_memory_states_estimate_and_limit(monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "1M")
    check_memory(2**19, "small")
    with pytest.raises(InputError, match=r"--size 9 needs about 2\.0 MiB .* limit of 1\.0 MiB"):
        check_memory(2 * 2**20, "--size 9")
    with pytest.raises(InputError):
        check_memory(float("inf"), "x")


def test_check_work():
    check_work(10, 100, "x")
    with pytest.raises(InputError, match="ceiling"):
        check_work(1e12, 1e9, "--n-boot 1e9")
    assert format_bytes(1536) == "1.5 KiB"
