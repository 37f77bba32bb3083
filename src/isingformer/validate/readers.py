"""Strict readers for user files (JSON specs, YAML/JSON configs, text).

Every reader decodes UTF-8 strictly, bounds the file size, the nesting depth
and the length of every number, refuses ``NaN``/``Infinity`` tokens and
duplicate keys, and raises :class:`~isingformer.errors.InputError` naming the
option and the file. Nothing here can raise ``RecursionError`` or run
unbounded on a hostile file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from isingformer.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_FILE_BYTES",
    "check_depth",
    "loads_json",
    "loads_yaml",
    "read_json",
    "read_text",
    "read_yaml",
]

MAX_FILE_BYTES = 16 * 2**20  # specs and configs are small
MAX_DEPTH = 32
MAX_DIGITS = 40  # characters of one number token (a float64 needs < 25)
_YAML12_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


def read_text(path: str | os.PathLike, option: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The file's text, decoded as strict UTF-8 (a clear error for binary or
    non-UTF-8 files, directories, missing or oversized files)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{option}: {p} is a directory, expected a file")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"{option}: {p} has {size} bytes, at most {max_bytes} allowed")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{option}: cannot read {p}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{option}: {p} is not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    if "\x00" in text:
        raise InputError(f"{option}: {p} is a binary file (NUL bytes), expected text")
    return text.removeprefix("\ufeff")


def _depth_scan(text: str, option: str, limit: int) -> None:
    """Refuse bracket nesting deeper than ``limit`` before any recursive parser
    sees the text (strings are skipped; flow and JSON brackets counted)."""
    depth = 0
    in_str = False
    quote = ""
    escape = False
    for ch in text:
        if in_str:
            if escape:
                escape = False
            elif ch == "\\" and quote == '"':
                escape = True
            elif ch == quote:
                in_str = False
        elif ch in "\"'":
            in_str, quote = True, ch
        elif ch in "[{":
            depth += 1
            if depth > limit:
                raise InputError(f"{option}: nesting deeper than {limit} levels")
        elif ch in "]}":
            depth -= 1


def check_depth(obj: Any, option: str, limit: int = MAX_DEPTH) -> None:
    """Refuse a parsed value nested deeper than ``limit`` (iterative)."""
    stack = [(obj, 1)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict | list):
            if d > limit:
                raise InputError(f"{option}: nesting deeper than {limit} levels")
            items = node.values() if isinstance(node, dict) else node
            stack.extend((v, d + 1) for v in items)


def _json_number(kind: type, option: str):
    def parse(token: str):
        if len(token.lstrip("-")) > MAX_DIGITS:
            raise InputError(f"{option}: a number with {len(token)} characters is too long")
        return kind(token)

    return parse


def _unique_pairs(option: str):
    def hook(pairs: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in pairs:
            if k in out:
                raise InputError(f"{option}: duplicate key {k!r}")
            out[k] = v
        return out

    return hook


def loads_json(text: str, option: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse strict JSON (no NaN/Infinity, no duplicate keys, bounded depth and
    number length)."""
    _depth_scan(text, option, max_depth)

    def constant(token: str):
        raise InputError(f"{option}: {token} is not allowed (numbers must be finite)")

    try:
        return json.loads(
            text,
            parse_int=_json_number(int, option),
            parse_float=_json_number(float, option),
            parse_constant=constant,
            object_pairs_hook=_unique_pairs(option),
        )
    except json.JSONDecodeError as exc:
        raise InputError(f"{option}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:  # pragma: no cover - the depth scan comes first
        raise InputError(f"{option}: nesting too deep") from None


def loads_yaml(text: str, option: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse YAML safely (safe loader, duplicate keys refused, no aliases,
    bounded depth and number length, NaN/inf refused)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise InputError(f"{option}: a mapping key must be a scalar") from None
            if key in out:
                line = key_node.start_mark.line + 1
                raise InputError(f"{option}: duplicate key {key!r} (line {line})")
            out[key] = loader.construct_object(value_node, deep=True)
        return out

    def number(kind: type):
        base = yaml.SafeLoader.construct_yaml_int if kind is int else None

        def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode):
            if len(str(node.value).lstrip("-+")) > MAX_DIGITS:
                raise InputError(
                    f"{option}: a number with {len(node.value)} characters is too long"
                )
            if base is not None:
                return base(loader, node)
            value = yaml.SafeLoader.construct_yaml_float(loader, node)
            if value != value or value in (float("inf"), float("-inf")):
                raise InputError(f"{option}: {node.value} is not allowed (numbers must be finite)")
            return value

        return construct

    # YAML 1.1 reads 1e-3 as a string; accept exponent floats as YAML 1.2 does
    _Loader.add_implicit_resolver("tag:yaml.org,2002:float", _YAML12_FLOAT, list("-+0123456789."))
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    _Loader.add_constructor("tag:yaml.org,2002:int", number(int))
    _Loader.add_constructor("tag:yaml.org,2002:float", number(float))
    if "&" in text or "*" in text:
        # refuse anchors/aliases (billion-laughs); cheap pre-check on events
        try:
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent):
                    raise InputError(f"{option}: YAML aliases (*name) are not allowed")
        except yaml.YAMLError:
            pass  # reported with its line by the load below
    _depth_scan(text, option, max_depth)
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{option}: not valid YAML: {first}") from None
    except RecursionError:
        raise InputError(f"{option}: nesting too deep") from None
    check_depth(data, option, max_depth)
    return data


def read_json(path: str | os.PathLike, option: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """:func:`read_text` then :func:`loads_json`; messages name ``option`` and the file."""
    text = read_text(path, option, max_bytes=max_bytes)
    return loads_json(text, f"{option} {Path(path).name}")


def read_yaml(path: str | os.PathLike, option: str, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """:func:`read_text` then :func:`loads_yaml` (YAML is a superset of JSON, so
    this reads JSON configs too)."""
    text = read_text(path, option, max_bytes=max_bytes)
    return loads_yaml(text, f"{option} {Path(path).name}")
