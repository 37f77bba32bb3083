"""Store sweep names follow the CLI (docs/cli.md): each names a command that exists,
and ``numbers theta`` stores its points as ``numbers.theta`` (it wrote
``numbers.leeyang``, the name of another command; its resume is checked in
tests/numbers/test_numbers_cli.py)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

import isingformer
from isingformer.cli import app

_SWEEP = re.compile(r"""(?:\bsweep=|\bSWEEP\s*=\s*|\.put\(\s*)["']([a-z_][\w.]*)["']""")


def _commands() -> set[str]:
    out = set()

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        elif path:
            out.add(".".join(path))

    walk(typer.main.get_command(app), [])
    return out


def test_every_stored_sweep_is_named_after_a_command() -> None:
    src = Path(isingformer.__file__).parent
    names = {m[1] for f in src.rglob("*.py") for m in _SWEEP.finditer(f.read_text("utf-8"))}
    assert "numbers.theta" in names and "numbers.leeyang" not in names
    assert names <= _commands(), sorted(names - _commands())
