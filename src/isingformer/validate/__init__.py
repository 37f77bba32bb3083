"""The one validation layer: options, files and resource ceilings.

- :mod:`~isingformer.validate.values`: finite floats, integers, seeds, counts
  and grids/lists (``START:STOP:NUM`` or ``a,b,c``) for CLI options and fields.
- :mod:`~isingformer.validate.readers`: strict UTF-8, bounded JSON/YAML readers.
- :mod:`~isingformer.validate.schema`: the pydantic base :class:`Schema` of
  every spec/config/checkpoint and :func:`parse_model`.
- :mod:`~isingformer.validate.ceilings`: memory and work estimates checked
  before allocating (``ISINGFORMER_MAX_MEMORY``).

Every failure is an :class:`~isingformer.errors.InputError` naming the option
or field.
"""

from isingformer.validate.ceilings import (
    MEMORY_ENV,
    MEMORY_FRACTION,
    WORK_ENV,
    check_memory,
    check_work,
    format_bytes,
    memory_limit,
    work_limit,
)
from isingformer.validate.readers import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_FILE_BYTES,
    check_depth,
    loads_json,
    loads_yaml,
    read_json,
    read_text,
    read_yaml,
)
from isingformer.validate.schema import Schema, describe_error, parse_model
from isingformer.validate.values import (
    MAX_LIST,
    SEED_MAX,
    check_count,
    check_float,
    check_int,
    check_seed,
    parse_values,
    seeded_rng,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_FILE_BYTES",
    "MAX_LIST",
    "MEMORY_ENV",
    "MEMORY_FRACTION",
    "SEED_MAX",
    "WORK_ENV",
    "Schema",
    "check_count",
    "check_depth",
    "check_float",
    "check_int",
    "check_memory",
    "check_seed",
    "check_work",
    "describe_error",
    "format_bytes",
    "loads_json",
    "loads_yaml",
    "memory_limit",
    "parse_model",
    "parse_values",
    "read_json",
    "read_text",
    "read_yaml",
    "seeded_rng",
    "work_limit",
]
