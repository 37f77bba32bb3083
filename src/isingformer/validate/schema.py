"""One pydantic schema per input kind: the base model and the error mapping.

A spec, config or checkpoint reader declares a :class:`Schema` subclass (its
fields typed with ranges) and calls :func:`parse_model`; any problem becomes
one :class:`~isingformer.errors.InputError` line naming the field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from isingformer.errors import InputError, IsingformerError

__all__ = ["Schema", "describe_error", "parse_model"]

M = TypeVar("M", bound=BaseModel)
_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}


class Schema(BaseModel):
    """Base of every input schema: unknown fields, wrong types (a boolean for a
    number, a list for a string), NaN and ±inf are refused."""

    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, frozen=True, hide_input_in_errors=True
    )


def describe_error(exc: ValidationError, source: str) -> str:
    """The first validation error as one line: ``source: field.path: message``."""
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err.get("loc", ())) or "(top level)"
    msg = str(err.get("msg", "invalid value")).splitlines()[0]
    bound = _BOUNDS.get(str(err.get("type")))
    ctx = err.get("ctx") or {}
    if bound is not None and isinstance(ctx.get(bound[0]), int | float):
        msg = f"must be {bound[1]} {ctx[bound[0]]:.6g}"
    more = len(exc.errors()) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
    return f"{source}: field {loc}: {msg[:200]}{tail}"


def parse_model(
    model: type[M], data: Any, source: str, error: type[IsingformerError] = InputError
) -> M:
    """Validate ``data`` against ``model``; raise ``error`` (default
    :class:`InputError`) with one line naming ``source`` and the field."""
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(describe_error(exc, source)) from None
    except RecursionError:
        raise error(f"{source}: nesting too deep") from None
