"""Issue 11: a Hypothesis fuzzer of bad command lines over every registered
command, run in-process through ``isingformer.cli.main``.

For each command (found by walking the app, so commands added later are
covered), each example gives one or two options a value that is invalid for
that kind of option (by its type and its docs/cli.md name: NaN/inf numbers,
non-integers, seeds outside ``0 <= s < 2**63``, counts ``<= 0``, broken grids
and lists, unknown devices and choices, binary / non-UTF-8 / too deep / NaN /
duplicate-key files, an ``--out`` that is a file, a store that is foreign,
empty or not SQLite, bad ``--set`` overrides). It asserts exit code 2, exactly
one stderr line ``isingformer: error: …``, no traceback, no hang (a
BaseException alarm that the CLI cannot swallow), and that every store and
file of the run is byte-identical afterwards.

CI runs 30 examples per command (about a thousand in all, inside the suite's
time budget); a deeper run sets ``ISINGFORMER_FUZZ_EXAMPLES``, e.g.
``ISINGFORMER_FUZZ_EXAMPLES=300 pytest tests/cli/test_cli_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import signal
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isingformer.cli import build_command, main
from isingformer.cli._guard import COUNTS

HANG_SECONDS = 30
EXAMPLES_PER_COMMAND = int(os.environ.get("ISINGFORMER_FUZZ_EXAMPLES", "30"))


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so the CLI cannot turn it into exit 2."""


def leaf_commands():
    out = []

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            out.append((tuple(path), cmd))

    walk(build_command(), [])
    return out


COMMANDS = leaf_commands()

# ---------------------------------------------------------------- bad values
FLOAT_BAD = ["nan", "NaN", "inf", "-inf", "+Infinity", "1e999", "-1e999", "abc", "1,2", "0x1g"]
INT_BAD = ["nan", "1.5", "abc", "", str(2**64), str(-(2**64)), "1e3", "9" * 40, "0x10"]
SEED_BAD = [*INT_BAD, "-1", "-5", str(2**63)]
COUNT_BAD = [*INT_BAD, "0", "-1", "-100"]
SET_BAD = [
    "nan", "inf,1", "1,nan", "-inf:0:3", "1:2", "1:2:0", "1:2:-1", ",", ":", "::",
    "1,1", "x,y", "1:2:1e9", "1:nan:3", "1:2:3:4", "0x1:2:3", "2:2:2",
]  # fmt: skip
CHOICE_BAD = ["nope-xyz", "NaN", "\u00e9\u00e9", "-1"]
DEVICE_BAD = ["foo", "cuda:99", "gpu", "cpu:0", "CUDA:x", "cuda:-1"]
SET_OVERRIDES_BAD = [
    "adam_beta1=5", "adam_beta2=-1", "grad_clip=.nan", "grad_clip=nan", "lr=nan", "lr=-1",
    "context=100000", "steps=-5", "batch_size=100000000", "nokey=1", "noequals", "=",
    "seed=-1", "n_layer=100000", "dropout=2", "steps=1e9",
]  # fmt: skip
SET_NAMES = {
    "sizes", "temperatures", "betas", "fields", "alphas", "curvatures", "policies", "dims",
    "gs", "couplings", "lengths", "contexts", "widths", "depths", "seeds_list",
}  # fmt: skip
CHOICE_NAMES = {
    "executor", "fmt", "format", "algorithm", "backend", "method", "mode", "policy",
    "tokenizer", "bias", "spacing", "ladder", "kind", "model_kind", "estimator",
}  # fmt: skip
FILE_NAMES = {
    "config", "spec", "texts", "templates", "checkpoint", "checkpoints", "resume", "corpus",
    "proofs", "model",
}  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Bad input files, stores of every kind, and a valid store to keep intact."""
    d = tmp_path_factory.mktemp("fuzz")
    f = {}
    f["binary"] = d / "binary.bin"
    f["binary"].write_bytes(bytes(range(256)) * 8)
    f["latin1"] = d / "latin1.yaml"
    f["latin1"].write_bytes("lr: 0.1\nname: caf\xe9\n".encode("latin-1"))
    f["deep"] = d / "deep.json"
    f["deep"].write_text("[" * 100_000 + "]" * 100_000)
    f["bignum"] = d / "bignum.json"
    f["bignum"].write_text('{"M": ' + "9" * 5000 + ', "steps": ' + "9" * 5000 + "}")
    f["nan"] = d / "nan.json"
    f["nan"].write_text('{"lr": NaN, "beta": NaN, "M": NaN}')
    f["dupkeys"] = d / "dup.yaml"
    f["dupkeys"].write_text("steps: 5\nsteps: 6\n")
    f["nanyaml"] = d / "nan.yaml"
    f["nanyaml"].write_text("lr: .nan\ngrad_clip: .inf\n")
    f["unhashable"] = d / "unhashable.json"
    f["unhashable"].write_text('{"text": [["x0"]], "vacuum_token": ["x0"], "M": [1]}')
    f["bools"] = d / "bools.json"
    f["bools"].write_text('{"embeddings": [[true, false]], "M": true, "beta": false}')
    f["plainfile"] = d / "plain.txt"
    f["plainfile"].write_text("just a file\n")
    f["dir"] = d / "a_dir"
    f["dir"].mkdir()
    f["missing"] = d / "missing" / "nothing.json"
    f["empty"] = d / "empty.sqlite"
    f["empty"].write_bytes(b"")
    f["garbage"] = d / "garbage.sqlite"
    f["garbage"].write_bytes(b"not a database " * 100)
    f["foreign"] = d / "foreign.sqlite"
    conn = sqlite3.connect(f["foreign"])
    conn.execute("CREATE TABLE points(sweep TEXT, key TEXT, config TEXT, result TEXT)")
    conn.execute("INSERT INTO points VALUES ('ensemble.rem', 'k', '{}', '{}')")
    conn.commit()
    conn.close()
    from isingformer.runs import ResultsStore

    f["store"] = d / "valid.sqlite"
    with ResultsStore.open(f["store"]) as s:
        s.put("fuzz.point", {"x": 1}, {"y": 2.0}, started=0.0, finished=1.0)
    return d, f


def digests(root: Path) -> dict[str, str]:
    """Every file of the run (stores included) and every name in its folders."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file() and p.stat().st_size < 65536
        else str(p.stat().st_size)
        for p in sorted(root.rglob("*"))
    }


def bad_values(param, f) -> list[str] | None:
    """Values invalid for ``param`` whatever the command; None: no safe choice."""
    name = param.name
    kind = param.type_descriptor.annotation
    file_bad = [str(f[k]) for k in ("binary", "latin1", "deep", "bignum", "nan", "dupkeys",
                                     "nanyaml", "unhashable", "bools", "dir", "missing")]  # fmt: skip
    if name == "out":
        return [str(f["plainfile"]), str(f["plainfile"] / "sub"), str(f["store"])]
    if name == "store":
        return [str(f[k]) for k in ("empty", "garbage", "foreign", "dir", "plainfile")]
    if name == "output":
        return [str(f["dir"]), str(f["plainfile"] / "sub.csv")]
    if name == "device":
        return DEVICE_BAD
    if name == "sets":
        return SET_OVERRIDES_BAD
    if name in FILE_NAMES:
        if name == "proofs":
            return [str(f["plainfile"]), str(f["missing"]), str(f["binary"])]
        if name == "resume" or name == "checkpoint":
            return [str(f[k]) for k in ("binary", "latin1", "dir", "missing", "empty", "store")]
        if name in ("corpus", "texts", "templates"):
            return [str(f[k]) for k in ("binary", "latin1", "dir", "missing", "empty")]
        if name in ("model", "checkpoints"):
            return [str(f[k]) for k in ("dir", "plainfile", "missing", "binary")]
        return file_bad
    if kind is float:
        return FLOAT_BAD
    if kind is int:
        if name == "seed":
            return SEED_BAD
        if name in COUNTS:
            return COUNT_BAD
        return INT_BAD
    if kind is str and name in SET_NAMES:
        return SET_BAD
    if kind is str and name in CHOICE_NAMES:
        return CHOICE_BAD
    return None


def option_flag(param) -> str | None:
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    return max(opts, key=len) if opts else None


def targets(cmd, f):
    out = []
    for p in cmd.params:
        if getattr(p, "is_flag", False) or option_flag(p) is None:
            continue
        values = bad_values(p, f)
        if values:
            out.append((option_flag(p), values))
    return out


ROOT_BAD = [
    ("--threads", COUNT_BAD),
    ("--max-seconds", [*FLOAT_BAD, "0", "-1", "-0.5"]),
]


def run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()

    def alarm(*_):
        raise Hang(f"no answer within {HANG_SECONDS} s: {argv}")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, err.getvalue()


def check_clean(argv, code, err):
    lines = err.splitlines()
    assert code == 2, f"{argv}: exit {code}, stderr {err[-600:]!r}"
    assert "Traceback" not in err, f"{argv}: {err[-1500:]}"
    assert len(lines) == 1, f"{argv}: {len(lines)} stderr lines: {err[:600]!r}"
    assert lines[0].startswith("isingformer: error: "), f"{argv}: {lines[0]!r}"


def documented_commands() -> set[str]:
    """The commands of the table in docs/cli.md (``| `isingformer X Y` | …``)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    return set(re.findall(r"^\| `isingformer ([a-z][a-z0-9 -]*)` \|", text, flags=re.M))


def test_every_command_is_fuzzed(files):
    """The fuzzer walks the app; it must cover exactly the documented
    commands, each with at least one option it can make invalid."""
    names = {" ".join(path) for path, _ in COMMANDS}
    documented = documented_commands()
    assert len(documented) >= 30
    assert names == documented, (
        f"fuzzed but not in docs/cli.md: {sorted(names - documented)}; "
        f"in docs/cli.md but not fuzzed: {sorted(documented - names)}"
    )
    _, f = files
    assert [" ".join(path) for path, cmd in COMMANDS if not targets(cmd, f)] == []


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_bad_command_lines_fail_cleanly(path, cmd, files, tmp_path, monkeypatch):
    root, f = files
    monkeypatch.chdir(tmp_path)  # default outputs (results/…) land in the test's folder
    opts = targets(cmd, f)
    if not opts:
        pytest.skip(f"{' '.join(path)} has no option with a value that is always invalid")
    before = digests(root)
    has_arg = any(not getattr(p, "opts", [""])[0].startswith("-") for p in cmd.params)

    @settings(
        max_examples=EXAMPLES_PER_COMMAND,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.lists(
            st.sampled_from(range(len(opts))).flatmap(
                lambda i: st.tuples(st.just(opts[i][0]), st.sampled_from(opts[i][1]))
            ),
            min_size=1,
            max_size=2,
            unique_by=lambda t: t[0],
        ),
        st.booleans(),
        st.text(alphabet="abcxyz._-", min_size=1, max_size=8),
        st.none()
        | st.sampled_from(ROOT_BAD).flatmap(
            lambda r: st.tuples(st.just(r[0]), st.sampled_from(r[1]))
        ),
    )
    def one(chosen, as_json, arg, prefix):
        argv = [] if prefix is None else [f"{prefix[0]}={prefix[1]}"]
        argv += [*path]
        if has_arg:
            argv.append("fuzz." + arg)
        for flag, value in chosen:
            argv += [flag, value] if not value.startswith("-") else [f"{flag}={value}"]
        if as_json and any(getattr(p, "name", "") == "as_json" for p in cmd.params):
            argv.append("--json")
        code, err = run_cli(argv)
        check_clean(argv, code, err)
        assert digests(root) == before, f"{argv} changed a file of the run"

    one()
