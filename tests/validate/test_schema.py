"""The pydantic base schema: one line naming the field."""

import pytest
from pydantic import Field

from isingformer.errors import InputError, ModelLoadError
from isingformer.validate import Schema, parse_model


class Demo(Schema):
    M: int = Field(ge=1, le=1000)
    beta: float = Field(gt=0)
    name: str = "x"


def test_valid():
    d = parse_model(Demo, {"M": 3, "beta": 1.5}, "--spec f.json")
    assert d.M == 3 and d.beta == 1.5 and d.name == "x"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"M": 10**30, "beta": 1.0}, "M"),
        ({"M": True, "beta": 1.0}, "M"),
        ({"M": 3, "beta": float("nan")}, "beta"),
        ({"M": 3, "beta": True}, "beta"),
        ({"M": 3, "beta": 1.0, "name": ["x0"]}, "name"),
        ({"M": 3, "beta": 1.0, "extra": 1}, "extra"),
        ({"beta": 1.0}, "M"),
    ],
)
def test_invalid_names_field(data, field):
    with pytest.raises(InputError, match=rf"--spec f.json: field {field}:"):
        parse_model(Demo, data, "--spec f.json")


def test_not_a_mapping_and_error_class():
    with pytest.raises(ModelLoadError, match="expected a mapping"):
        parse_model(Demo, [1], "checkpoint", error=ModelLoadError)
