"""Every ``--device`` help text names exactly what the validation layer accepts
(``cli._guard.check_device``): a device the help names is not refused as unknown,
and one it does not name is (``main-job`` said "cpu | cuda"; ``auto`` passed the
guard although no command resolves it)."""

from __future__ import annotations

import re

import pytest
import typer

from isingformer.cli import app
from isingformer.cli._guard import check_device
from isingformer.errors import InputError

CANDIDATES = {"cpu": "cpu", "cuda": "cuda", "cuda:N": "cuda:1", "mps": "mps", "auto": "auto",
              "gpu": "gpu", "cuda:all": "cuda:all", "xla": "xla"}  # fmt: skip


def _device_helps() -> dict[str, str]:
    out = {}

    def walk(cmd, path):
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])
        for p in getattr(cmd, "params", []):
            if "--device" in getattr(p, "opts", []):
                out[" ".join(path)] = p.help or ""

    walk(typer.main.get_command(app), [])
    return out


def _syntax_ok(value: str) -> bool:
    """Accepted as a device name (present on this machine or not)."""
    try:
        check_device(value)
    except InputError as exc:
        return "unknown device" not in str(exc)
    return True


def test_every_device_help_names_what_the_guard_accepts() -> None:
    helps = _device_helps()
    assert {"main-job", "analyze", "layers", "train", "compare", "sample"} <= set(helps)
    assert {"phases detect"} <= set(helps)
    for command, text in helps.items():
        named = {k for k in CANDIDATES if re.search(rf"(?<![\w:]){re.escape(k)}(?![\w:])", text)}
        accepted = {k for k, v in CANDIDATES.items() if _syntax_ok(v)}
        assert named == accepted, (command, text, named, accepted)


@pytest.mark.parametrize("value", ["auto", "AUTO", " auto"])
def test_auto_is_refused_by_name(value) -> None:
    with pytest.raises(InputError, match="unknown device"):
        check_device(value)
