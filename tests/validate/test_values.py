"""Option values: finite floats, 64-bit integers, seeds, counts, grids/lists."""

import math

import pytest

from isingformer.errors import InputError
from isingformer.validate import (
    SEED_MAX,
    check_count,
    check_float,
    check_int,
    check_seed,
    parse_values,
)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, True, "1.0", None, [1.0]])
def test_float_refuses_non_finite_and_wrong_types(bad):
    with pytest.raises(InputError, match="--lr"):
        check_float(bad, "lr")


def test_float_bounds_name_the_option():
    assert check_float(3, "beta", gt=0) == 3.0
    with pytest.raises(InputError, match=r"--margin: must be >= 0, got -1"):
        check_float(-1.0, "margin", ge=0)
    with pytest.raises(InputError, match=r"adam_beta1"):
        check_float(5.0, "config.adam_beta1", ge=0, lt=1)
    with pytest.raises(InputError, match="too large"):
        check_float(10**400, "x")


@pytest.mark.parametrize("bad", [-1, 2**63, 2**64 + 5, True, 1.5, "3"])
def test_seed_range(bad):
    with pytest.raises(InputError, match="--seed"):
        check_seed(bad)


def test_seed_accepts_full_range():
    assert check_seed(0) == 0 and check_seed(SEED_MAX) == 2**63 - 1


def test_int_and_count():
    assert check_int(-5, "k") == -5
    with pytest.raises(InputError):
        check_int(2**63, "k")
    assert check_count(3, "workers", ceiling=64) == 3
    for bad in (0, -1, 65):
        with pytest.raises(InputError, match="--workers"):
            check_count(bad, "workers", ceiling=64)


def test_grid_and_list_forms():
    assert parse_values("2.0:2.6:4", "temperatures") == pytest.approx([2.0, 2.2, 2.4, 2.6])
    assert parse_values("2.3,2.2,2.27", "temperatures") == [2.2, 2.27, 2.3]
    assert parse_values("8,16,32", "sizes", kind=int, ge=2) == [8, 16, 32]
    assert parse_values("8:32:4", "sizes", kind=int) == [8, 16, 24, 32]
    assert parse_values("5", "sizes", kind=int) == [5]
    assert parse_values("3,1", "order", sort=False) == [3.0, 1.0]


@pytest.mark.parametrize(
    "text",
    [
        "",
        ",",
        "1,,2",
        "nan,1",
        "1,inf",
        "3:1:5",  # descending grid
        "1:2",
        "1:2:0",
        "1:2:-3",
        "1:2:1e9",
        "1,1",  # duplicates
        "0:nan:3",
        "x,y",
        "1" * 60,
        "-1,2",  # below the range
    ],
)
def test_bad_sets_are_refused(text):
    with pytest.raises(InputError, match="--temperatures"):
        parse_values(text, "temperatures", gt=0)


def test_list_length_ceiling():
    with pytest.raises(InputError, match="at most 10"):
        parse_values(",".join(str(i) for i in range(11)), "sizes", kind=int, max_len=10)
    with pytest.raises(InputError, match=r"1\.\.10"):
        parse_values("0:1:11", "betas", max_len=10)
