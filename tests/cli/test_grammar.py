"""Every command follows docs/cli.md, and the command table in docs/cli.md
names only commands and options that exist.

Regenerate the table with ``python -m tests.cli.test_grammar``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from isingformer.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
#: the old dialects that docs/cli.md renamed away (never again)
BANNED = {
    "--T", "--L", "--M", "--n", "--d", "--g", "--temps", "--t-min", "--t-max",
    "--beta-min", "--beta-max", "--num", "--wolff-L", "--seconds", "-o",
}  # fmt: skip
PLURAL_GRIDS = {"--sizes", "--temperatures", "--betas", "--alphas", "--fields", "--dims"}
#: sweep commands that take --dask-address (docs/cli.md asks it of every sweep)
DASK = {
    "ising tc", "glass sk", "glass overlap", "hopfield capacity", "ensemble rem", "compare",
    "icl sweep",
}  # fmt: skip


def commands() -> dict[str, list]:
    """``{"group command": [click parameters]}`` for every command."""
    out: dict[str, list] = {}

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out[" ".join(path)] = list(cmd.params)

    walk(typer.main.get_command(app), [])
    return dict(sorted(out.items()))


def _kind(param) -> type | None:
    """The Python type of an option's value (typer with or without its own click)."""
    td = getattr(param, "type_descriptor", None)
    if td is not None:
        return td.annotation
    return {"integer": int, "text": str}.get(getattr(param.type, "name", None))


def _options(params) -> list[str]:
    return [max(p.opts, key=len) for p in params if p.param_type_name == "option"]


def table() -> str:
    """The markdown command table of docs/cli.md."""
    lines = ["| command | options |", "|---|---|"]
    for name, params in commands().items():
        args = [f"`{p.name.upper()}`" for p in params if p.param_type_name == "argument"]
        opts = [f"`{o}`" for o in _options(params)]
        lines.append(f"| `isingformer {name}` | {' '.join(args + opts)} |")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", list(commands()))
def test_command_follows_the_grammar(name):
    params = commands()[name]
    opts = {o for p in params if p.param_type_name == "option" for o in p.opts}
    assert not opts & BANNED, f"{name}: renamed options {sorted(opts & BANNED)} (docs/cli.md)"
    for p in params:
        if p.param_type_name != "option":
            continue
        assert p.help, f"{name} {p.opts[0]}: every option has help text"
        if "--seeds" in p.opts:
            assert _kind(p) is int, f"{name}: --seeds is a count (docs/cli.md)"
        if set(p.opts) & PLURAL_GRIDS:
            assert _kind(p) is str, f"{name} {p.opts[0]}: a grid or list is text"
    if name in DASK:
        assert {"--executor", "--dask-address"} <= opts, f"{name}: --dask-address"


def test_doc_table_names_real_commands_and_options():
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `isingformer ([^`]+)` \| (.*) \|$", text, flags=re.M)
    assert len(rows) >= 25
    real = commands()
    for name, cell in rows:
        assert name in real, f"docs/cli.md lists {name!r}, which is not a command"
        documented = set(re.findall(r"`(--?[\w-]+)`", cell))
        assert documented <= set(_options(real[name])), f"{name}: {documented}"


if __name__ == "__main__":
    print(table(), end="")


@pytest.mark.parametrize(
    "args",
    [
        ["ising", "tc", "--sizes", "4,8", "--sweeps", "10"],
        ["glass", "sk", "--sizes", "8", "--samples", "3"],
        ["glass", "overlap", "--sizes", "8", "--samples", "3"],
        ["hopfield", "capacity", "--sizes", "20", "--alphas", "0.1,0.2", "--trials", "3"],
        ["ensemble", "rem", "--sizes", "16", "--samples", "4"],
        ["compare", "--policies", "sqrt_dk", "--seeds", "1", "--steps", "1"],
        ["icl", "sweep", "--dim", "2", "--tasks", "1,2,4,8", "--seeds", "1"],
    ],
)
def test_dask_address_reaches_the_executor(monkeypatch, capsys, args):
    import isingformer.runs.sweep as sweep
    from isingformer.cli import main
    from isingformer.errors import InputError

    def fake_dask(*a, **kw):
        addr = [x for x in (*a, *kw.values()) if isinstance(x, str) and x.startswith("tcp:")]
        raise InputError(f"dask at {addr}")

    monkeypatch.setattr(sweep, "_run_dask", fake_dask)
    code = main([*args, "--executor", "dask", "--dask-address", "tcp://10.0.0.1:8786"])
    assert code == 2 and "dask at ['tcp://10.0.0.1:8786']" in capsys.readouterr().err
