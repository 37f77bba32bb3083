"""README.md, DEVELOPERS.md, docs/, proofs/README.md and examples/README.md
tell the truth about the commands and the API. A failure names the page and
line of the stale text.

Commands. Every ``isingformer ...`` line of a code block (indented or fenced;
``\\`` continuations, ``# comments``, ``[--optional]`` brackets, ``a|b``
alternatives, ``...``, pipes, ``&&``, env assignments, ``.venv/bin/``,
``python -m``/``torchrun ... -m``) and every inline span that starts with
``isingformer`` (or with a command name and an option: ``train --attention
hyperbolic``) is resolved against the real click app: the command exists and
so does every option it names (root options before the command). Values: an
option whose help enumerates its values (``metropolis | heatbath | wolff``)
gets one of them, ``--set KEY=`` names a config key, ``--policy``/
``--policies`` and policy specs in prose parse, ``main-job --only`` names
sections. Code-block lines are dry-run through the option types, the guard
and the ceilings (``_guard``, ``_limits``) with every command stubbed. A bare
option in prose (`--samples`) belongs to a command its page names, and its
values (`--ladder geometric|adaptive`) are ones that command takes.

API. Every ``isingformer.<dotted.name>`` and ``from isingformer.x import a, b``
resolves; Python blocks (API sketches too) are followed through return
annotations: attributes, methods, keyword arguments, typed parameter lists
with defaults, ``f(a) -> Result`` lines; signatures in prose
(``HyperbolicAttention(d_model, n_heads, curvature=-1.0, ...)``) have those
parameters and literal defaults; a called bare name is defined in the package.

Facts. JSON keys listed for ``--json`` exist; store sweeps named exist; cited
files, globs, test functions and relative links exist; ``ISINGFORMER_*``
variables are read; pinned versions are the installed ones; docs/cli.md's
ceilings are the guard's.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import itertools
import re
import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def doc_files() -> list[Path]:
    """README.md, DEVELOPERS.md, every docs/**/*.md, proofs/README.md and
    examples/README.md."""
    files = [ROOT / "README.md", ROOT / "DEVELOPERS.md", *sorted((ROOT / "docs").rglob("*.md"))]
    more = [ROOT / "proofs" / "README.md", ROOT / "examples" / "README.md"]
    return [f for f in (*files, *more) if f.is_file()]


@dataclass(frozen=True)
class Snippet:
    """A piece of a doc page: ``kind`` is ``"block"`` (one logical line of a
    code block, continuations joined), ``"python"`` (a whole fenced python
    block) or ``"span"`` (an inline code span); ``line`` is 1-based."""

    path: Path
    line: int
    kind: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


_FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")
_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def _block_lines(path: Path, start: int, lines: list[str]) -> list[Snippet]:
    """Logical lines of a code block (a trailing backslash continues)."""
    out, buf, first = [], "", None
    for k, raw in enumerate(lines):
        text = raw.rstrip()
        if first is None:
            first = start + k
        if text.endswith("\\"):
            buf += text[:-1] + " "
            continue
        out.append(Snippet(path, first, "block", buf + text))
        buf, first = "", None
    if buf:
        out.append(Snippet(path, first, "block", buf))
    return out


def _spans(path: Path, start: int, lines: list[str]) -> list[Snippet]:
    """Inline code spans of a paragraph (a span may run over a line break)."""
    text = "\n".join(lines)
    return [
        Snippet(path, start + text.count("\n", 0, m.start()), "span", " ".join(m[2].split()))
        for m in _SPAN.finditer(text)
    ]


@cache
def snippets(path: Path) -> tuple[Snippet, ...]:
    """Code-block lines, python blocks and inline spans of one markdown page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Snippet] = []
    i, para, para_start = 0, [], 0

    def flush():
        nonlocal para
        if para:
            out.extend(_spans(path, para_start, para))
        para = []

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence[1]):
                j += 1
            body = lines[i + 1 : j]
            if fence[2].lower() in {"python", "py", "pycon"}:
                out.append(Snippet(path, i + 2, "python", "\n".join(body)))
            else:
                out.extend(_block_lines(path, i + 2, body))
            i = j + 1
            continue
        indented = line.startswith(("    ", "\t")) and line.strip()
        if indented and not para:
            # an indented code block: after a blank line, until a non-indented line
            j = i
            while j < len(lines) and (lines[j].startswith(("    ", "\t")) or not lines[j].strip()):
                j += 1
            out.extend(_block_lines(path, i + 1, [x[4:] for x in lines[i:j]]))
            i = j
            continue
        if not line.strip():
            flush()
        else:
            if not para:
                para_start = i + 1
            para.append(line)
        i += 1
    flush()
    return tuple(out)


def all_snippets() -> list[Snippet]:
    return [s for f in doc_files() for s in snippets(f)]


# ---------------------------------------------------------------- commands


@cache
def root():
    """The click group of the ``isingformer`` app."""
    import typer

    from isingformer.cli import app

    return typer.main.get_command(app)


_SEPARATORS = {"|", "||", "&&", ";", "&"}
_WRAPPERS = {"time", "nohup", "env", "sudo", "exec", "$"}
_ELLIPSIS = {"...", "…"}
_PLACEHOLDER = re.compile(r"^\[?[A-Z][A-Z0-9_]*\]?$")  # GROUP, COMMAND, [OPTIONS], DIR, P


def _tokens(text: str) -> list[str]:
    """Shell words of a command text; ``[--x]`` optional brackets dropped."""
    text = text.replace("\\|", "|")
    text = re.sub(r"(?<!\S)\[", " ", text)
    text = re.sub(r"\](?!\S)", " ", text)
    text = re.sub(r"\](\.\.\.|…)(?!\S)", " ", text)  # [--set K=V]...
    try:
        lex = shlex.shlex(text, posix=True, punctuation_chars=";&")
        lex.whitespace_split = True
        lex.commenters = "#"
        return list(lex)
    except ValueError:  # unbalanced quotes in a shortened example
        return text.split("#", 1)[0].split()


def _segments(tokens: list[str]) -> list[list[str]]:
    """Split shell words at ``|``, ``&&``, ``;``."""
    out, cur = [], []
    for t in tokens:
        if t in _SEPARATORS:
            out.append(cur)
            cur = []
        else:
            cur.append(t)
    out.append(cur)
    return [s for s in out if s]


def _is_isingformer(word: str) -> bool:
    return word.rsplit("/", 1)[-1] == "isingformer"


def _groups_with(command: str) -> list[str]:
    """The groups that have a subcommand ``command`` (``tc``: ``ising``)."""
    return [g for g, cmd in root().commands.items() if command in getattr(cmd, "commands", {})]


def command_args(snippet: Snippet) -> list[list[str]]:
    """The argument lists (after ``isingformer``) of the commands in a snippet."""
    if snippet.kind == "python":
        return []
    text = snippet.text
    if snippet.kind == "span" and " --" in text:  # `ising tc --dim`, `tc --dim` on ising.md
        first = text.split(" ", 1)[0].replace("\\|", "|")
        if set(first.split("|")) <= set(root().commands):
            text = "isingformer " + text
        elif len(groups := _groups_with(first)) == 1:
            text = f"isingformer {groups[0]} {text}"
    out = []
    for seg in _segments(_tokens(text)):
        k = 0
        while k < len(seg) and (re.match(r"^\w+=", seg[k]) or seg[k] in _WRAPPERS):
            k += 1
        if k == len(seg):
            continue
        head = seg[k]
        if _is_isingformer(head):
            out.append(seg[k + 1 :])
        elif re.search(r"(^|/)(python[\d.]*|torchrun)$", head):
            for j in range(k + 1, len(seg) - 1):
                if seg[j] == "-m":
                    if seg[j + 1] == "isingformer":
                        out.append(seg[j + 2 :])
                    break
    return out


def _names(param) -> list[str]:
    return [*param.opts, *getattr(param, "secondary_opts", [])]


def _find(cmd, name: str):
    """The click option of ``cmd`` called ``name`` (``--help`` included)."""
    for p in cmd.params:
        if p.param_type_name == "option" and name in _names(p):
            return p
    return "help" if name == "--help" else None  # every command has --help


def _takes_value(param) -> bool:
    return param != "help" and not (param.is_flag or getattr(param, "count", False))


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def resolve(args: list[str]) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Problems of one argument list, and the ``(command, option, value)``
    triples it names (for the value checks)."""
    problems: list[str] = []
    named: list[tuple[str, str, str]] = []

    def walk(cmd, path: list[str], rest: list[str]) -> None:
        i = 0
        group = hasattr(cmd, "commands")  # typer may bring its own click
        where = " ".join(["isingformer", *path])
        while i < len(rest):
            tok = rest[i]
            if tok in _ELLIPSIS:
                if group:
                    return
                i += 1
                continue
            if tok.startswith("-") and len(tok) > 1 and not _is_number(tok):
                name, eq, value = tok.partition("=")
                param = _find(cmd, name)
                if param is None:
                    problems.append(f"{where}: no option {name}")
                    i += 1
                    continue
                if _takes_value(param) and not eq:
                    value = rest[i + 1] if i + 1 < len(rest) else ""
                    i += 1
                named.append((" ".join(path), name, value))
                i += 1
                continue
            if not group:
                i += 1  # a positional argument
                continue
            if _PLACEHOLDER.match(tok) or tok.startswith("<"):
                return  # GROUP COMMAND [OPTIONS]: the grammar's shape
            for alt in tok.split("|"):
                sub = cmd.commands.get(alt)
                if sub is None:
                    problems.append(f"{where}: no command {alt!r}")
                else:
                    walk(sub, [*path, alt], rest[i + 1 :])
            return

    walk(root(), [], args)
    return problems, named


COMMANDS = [(s, args) for s in all_snippets() for args in command_args(s)]


def test_the_docs_have_commands_to_check():
    """The extraction finds the command lines (an empty list would pass vacuously)."""
    assert len(COMMANDS) >= 100
    pages = {s.path.name for s, _ in COMMANDS}
    assert {"README.md", "cli.md", "training.md", "phases.md", "ising.md"} <= pages


@pytest.mark.parametrize(
    ("snippet", "args"), COMMANDS, ids=[f"{s.where}:{' '.join(a[:2])}" for s, a in COMMANDS]
)
def test_documented_command_exists(snippet, args):
    problems, _ = resolve(args)
    assert not problems, f"{snippet.where}: {snippet.text!r}: {'; '.join(problems)}"


def _choices(command, option: str) -> list[str] | None:
    """The values an option's help text enumerates (``"a | b | c ..."``;
    ``"metropolis: a | b; heatbath: ..."`` for per-case lists), else None;
    ``command`` is a command or its name (``"ising tc"``)."""
    cmd = root() if isinstance(command, str) else command
    for word in command.split() if isinstance(command, str) else []:
        cmd = cmd.commands[word]
    param = _find(cmd, option)
    helptext = getattr(param, "help", None) or ""
    word = r"[\w+-]+(?:\.[\w+-]+)*"  # no sentence's full stop
    lists = re.findall(rf"(?:^|: )({word}(?: \| {word})+)", helptext)
    if not lists:
        return None
    return sorted({v for group in lists for v in group.split(" | ")})


def _sections() -> list[str]:
    from isingformer.jobs import SECTIONS

    return [name for name, _ in SECTIONS]


def test_readme_lists_the_main_job_sections():
    """README's list of main-job sections is the job's own, in its order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"sections `([a-z_,\s]+)`", text)
    assert listed, "README.md names the main job's sections"
    assert [x.strip() for x in listed[1].split(",")] == _sections()


def _placeholder_value(value: str) -> bool:
    return bool(re.search(r"\b[A-Z]\b|\.\.\.|…|^[A-Z_]+$", value)) or not value


@pytest.mark.parametrize(
    ("snippet", "args"), COMMANDS, ids=[f"{s.where}:{' '.join(a[:2])}" for s, a in COMMANDS]
)
def test_documented_values_parse(snippet, args):
    """A value of an option whose help enumerates its values is one of them
    (each of ``a|b``); ``--set KEY=`` names a config key; ``--policy``/
    ``--policies`` parse."""
    from dataclasses import fields

    from isingformer.errors import InputError
    from isingformer.lm.config import TrainConfig
    from isingformer.lm.specs import parse_policies

    keys = {f.name for f in fields(TrainConfig)}
    _, named = resolve(args)
    for command, option, value in named:
        if _placeholder_value(value):
            continue
        choices = _choices(command, option)
        if choices is not None:
            bad = [v for v in value.split("|") if v not in choices]
            assert not bad, f"{snippet.where}: {command} {option} takes {choices}, not {bad}"
        if (command, option) == ("main-job", "--only"):
            bad = sorted(set(value.split(",")) - set(_sections()))
            assert not bad, f"{snippet.where}: main-job has no sections {bad}"
        if command not in {"train", "compare"}:
            continue
        if option == "--set":
            key = value.partition("=")[0].strip()
            assert key in keys, f"{snippet.where}: --set {key}= is not a config key"
        elif option in {"--policy", "--policies"}:
            try:
                parse_policies(value)
            except InputError as exc:
                pytest.fail(f"{snippet.where}: {option} {value!r}: {exc}")


@cache
def dry_app():
    """A fresh copy of the app whose commands only parse and check their
    options (types, the guard, the ceilings of ``_limits``) and then return:
    nothing is computed or written."""
    import typer

    from isingformer.cli import app
    from isingformer.cli._guard import harden

    cmd = typer.main.get_command(app)  # new objects: the real app is untouched
    cmd.callback = lambda **kw: None  # no --threads/--max-seconds side effects
    for leaf in _leaves(cmd):
        leaf.callback = lambda **kw: None
    return harden(cmd)


#: inputs the guard checks exist (they exist only on the author's machine)
_INPUTS = {"--texts", "--spec", "--config", "--proofs"}
#: placeholders of output paths, and what stands in for them
_PATHS = {"DIR": "dir", "OUT": "out", "PATH": "store.sqlite", "FILE": "file"}


def dry_args(args: list[str]) -> list[str] | None:
    """The arguments to check a documented line with: ``a|b`` becomes ``a``,
    ``...`` goes, ``--device cuda`` becomes ``cpu``, ``DIR`` a folder name;
    None for a line with other placeholders (``P``, ``κ``) or input files that
    exist only on the author's machine."""
    out = []
    for k, tok in enumerate(args):
        if tok in _ELLIPSIS:
            continue
        if tok in _INPUTS:
            return None
        tok = re.sub(r"\b(DIR|OUT|PATH|FILE)\b", lambda m: _PATHS[m[1]], tok)
        prose = " " in tok  # a quoted text ("I will give thee {x} ducats")
        if not prose and (_placeholder_value(tok) or re.fullmatch(r"[^\x00-\x7f]+", tok)):
            return None
        previous = args[k - 1] if k else ""
        if previous == "--device":
            tok = "cpu"
        elif not tok.startswith("-") and "|" in tok:
            tok = tok.split("|")[0]
        out.append(tok)
    return out


#: the command lines of code blocks (spans name commands in passing: `isingformer glass`)
DRY = [
    (s, a)
    for s, args in COMMANDS
    if s.kind == "block" and not resolve(args)[0] and (a := dry_args(args))
]


@pytest.mark.parametrize(("snippet", "args"), DRY, ids=[s.where for s, _ in DRY])
def test_documented_command_line_passes_the_checks(snippet, args, tmp_path, monkeypatch):
    """A documented line's values pass the command's checks before any work
    (types, ranges of the guard, memory and work ceilings); relative paths
    land in a temporary folder and nothing runs."""
    monkeypatch.chdir(tmp_path)
    # the same ceilings on every machine: a documented run may need a bigger one
    monkeypatch.setenv("ISINGFORMER_MAX_MEMORY", "16G")
    monkeypatch.delenv("ISINGFORMER_MAX_WORK", raising=False)
    try:
        dry_app().main(args=args, prog_name="isingformer", standalone_mode=False)
    except Exception as exc:  # InputError or click's usage errors
        pytest.fail(f"{snippet.where}: {snippet.text!r}: {type(exc).__name__}: {exc}")


def test_documented_policy_specs_parse():
    """Policy specs in prose (`annealed:target=critical,steps=300`) parse."""
    from isingformer.attention import BETA_POLICIES
    from isingformer.errors import InputError
    from isingformer.lm.specs import parse_policies

    names = "|".join(BETA_POLICIES)
    spec = rf"(?:{names})(?::\S+)?"
    specs = [
        s
        for s in all_snippets()
        if s.kind == "span"
        and ":" in s.text
        and re.fullmatch(rf"{spec}(?:[,;]{spec})*", s.text)
        and not _placeholder_value(s.text)
    ]
    assert len(specs) >= 8
    bad = []
    for s in specs:
        try:
            parse_policies(s.text)
        except InputError as exc:
            bad.append(f"{s.where}: {s.text}: {exc}")
    assert not bad, bad


def test_python_m_isingformer_runs_the_cli():
    """The docs run ``python -m isingformer``/``torchrun ... -m isingformer``:
    the package has a ``__main__`` that calls the CLI."""
    uses = [s for s in all_snippets() if re.search(r"-m isingformer\b", s.text)]
    assert uses
    main = ROOT / "src" / "isingformer" / "__main__.py"
    assert "from isingformer.cli import main" in main.read_text(encoding="utf-8")


def test_a_stale_option_is_caught():
    """The check can fail: a made-up option and command are reported."""
    page = ROOT / "docs" / "x.md"
    snip = Snippet(page, 3, "block", "isingformer ising tc --sizes 8 --temps 2:3:4 --json")
    [args] = command_args(snip)
    assert resolve(args)[0] == ["isingformer ising tc: no option --temps"]
    span = Snippet(page, 1, "span", "glass sk --ladder-sizes 4")
    assert resolve(command_args(span)[0])[0] == ["isingformer glass sk: no option --ladder-sizes"]
    assert resolve(["ising", "fit"])[0] == ["isingformer ising: no command 'fit'"]
    assert resolve(["--threads", "2", "ising", "tc", "--json"])[0] == []
    assert resolve(["ising", "--json"])[0] == ["isingformer ising: no option --json"]


def test_extraction_handles_the_shell_forms():
    page = ROOT / "docs" / "x.md"

    def args(text, kind="block"):
        return command_args(Snippet(page, 1, kind, text))

    assert args("bash scripts/setup.sh && .venv/bin/isingformer main-job --out r") == [
        ["main-job", "--out", "r"]
    ]
    assert args("OMP_NUM_THREADS=1 isingformer periodic --json   # trains") == [
        ["periodic", "--json"]
    ]
    assert args("torchrun --standalone --nproc_per_node=2 -m isingformer train --steps 3") == [
        ["train", "--steps", "3"]
    ]
    assert args("python -m isingformer verify | jq .all_proved") == [["verify"]]
    assert args("isingformer runs export [SWEEP] [--format csv|json]") == [
        ["runs", "export", "SWEEP", "--format", "csv|json"]
    ]
    assert args("isingformer runs list\\|show", "span") == [["runs", "list|show"]]
    assert args("import isingformer  # registers") == []
    assert args("train --attention hyperbolic --curvature κ", "span") == [
        ["train", "--attention", "hyperbolic", "--curvature", "κ"]
    ]
    assert args("train", "span") == []
    assert args("tc --dim 3", "span") == [["ising", "tc", "--dim", "3"]]
    assert args("torchrun --standalone -m isingformer train ...", "span") == [["train", "..."]]


#: options of other tools the docs show (torchrun's launcher options)
_OTHER_TOOLS = {"--standalone", "--nproc_per_node", "--nnodes", "--rdzv-backend", "--rdzv-endpoint"}
_OPTION = re.compile(r"(?<![\w-])--[a-z][\w-]*")


def _options_of(cmd) -> set[str]:
    return {o for p in cmd.params if p.param_type_name == "option" for o in _names(p)}


def _leaves(cmd=None) -> list:
    cmd = cmd or root()
    subs = getattr(cmd, "commands", None)
    return [leaf for sub in subs.values() for leaf in _leaves(sub)] if subs else [cmd]


def _named_leaves(args: list[str]) -> list:
    """The commands an argument list names (``ising exact|tc``: both)."""
    out, frontier = [], [root()]
    for word in (a for a in args if not a.startswith("-")):
        nxt = []
        for cmd in frontier:
            subs = getattr(cmd, "commands", None)
            if subs is None:
                out.append(cmd)
            else:
                nxt += [subs[w] for w in word.split("|") if w in subs]
        frontier = nxt
    return out + [c for c in frontier if not hasattr(c, "commands")]


@cache
def script_options() -> frozenset[str]:
    """The root group's options, torchrun's, and every ``"--x"`` literal of the
    repository's own scripts (benchmarks/, scripts/, .ci/, examples/)."""
    out = set(_OTHER_TOOLS) | _options_of(root())
    for folder in ("benchmarks", "scripts", ".ci", "examples"):
        for f in (ROOT / folder).rglob("*"):
            if f.is_file() and f.suffix in {".py", ".sh", ""}:
                text = f.read_text(encoding="utf-8", errors="replace")
                out.update(re.findall(r"""["'](--[a-z][\w-]*)""", text))
                out.update(re.findall(r"^\s*(--[a-z][\w-]*)\)", text, flags=re.M))  # sh case
    return frozenset(out)


def page_options(path: Path) -> set[str]:
    """The options of the commands a page names (of every command if it names
    none), its scripts' and the root group's."""
    leaves = [leaf for s, args in COMMANDS if s.path == path for leaf in _named_leaves(args)]
    return set(script_options()).union(*map(_options_of, leaves or _leaves()))


def bare_options() -> list[tuple[Snippet, str]]:
    """Options named in spans and code lines that hold no isingformer command."""
    out = []
    for s in all_snippets():
        if s.kind == "python" or command_args(s) or s.path.name == "DEVELOPERS.md":
            continue  # DEVELOPERS.md: options in general (`--name`), pip's, ruff's
        for opt in _OPTION.findall(s.text):
            renamed_away = s.path.name == "cli.md" and opt in {
                "--temps",
                "--t-min",
                "--t-max",
                "--x",
            }
            if not renamed_away:  # docs/cli.md names the dialects it banned
                out.append((s, opt))
    return out


def test_documented_bare_option_exists():
    """A bare option (`--samples`) is an option of a command its page names
    (or of one of the repository's scripts): a renamed option in prose is
    caught too."""
    found = bare_options()
    assert len(found) >= 50
    bad = [f"{s.where}: {opt}" for s, opt in found if opt not in page_options(s.path)]
    assert not bad, f"options none of the page's commands or scripts has: {bad}"


def test_documented_bare_option_values_are_accepted():
    """`--ladder geometric|adaptive` in prose: some command of the page with
    that option takes every value (its help enumerates them, or is free)."""
    checked, bad = 0, []
    for s in all_snippets():
        m = re.fullmatch(r"(--[\w-]+)[ =](\S+)", s.text) if s.kind == "span" else None
        if not m or command_args(s) or any(map(_placeholder_value, m[2].split("|"))):
            continue
        leaves = {leaf for p, args in COMMANDS if p.path == s.path for leaf in _named_leaves(args)}
        having = [leaf for leaf in leaves or _leaves() if _find(leaf, m[1]) not in (None, "help")]
        choices = [_choices(leaf, m[1]) for leaf in having]
        checked += any(choices)
        values = m[2].split("|")
        if having and not any(c is None or set(values) <= set(c) for c in choices):
            bad.append(f"{s.where}: {s.text} (choices {sorted(set().union(*choices))})")
    assert checked >= 10
    assert not bad, bad


def json_keys() -> list[tuple[Snippet, str]]:
    """JSON keys the docs list: a ``--json`` command line's comment that is a
    list of keys (``# tc, tc_err, nu, ...``), and the spans of a "JSON
    contract" section."""
    out = []
    for s in all_snippets():
        args = command_args(s)
        if s.kind == "block" and any("--json" in a for a in args) and "#" in s.text:
            items = _split_args(s.text.split("#", 1)[1])
            items = [i for i in items if i not in _ELLIPSIS]
            key_list = r"[a-z_][a-z0-9_]*(\[[a-z0-9_, ]+\])?"  # theorems[name, file]
            if len(items) >= 2 and all(re.fullmatch(key_list, i) for i in items):
                out += [(s, w) for i in items for w in re.findall(r"\w+", i)]
    for f in doc_files():
        lines = f.read_text(encoding="utf-8").splitlines()
        heads = [k + 1 for k, x in enumerate(lines) if x.startswith("#")] + [len(lines) + 1]
        for start, stop in itertools.pairwise(heads):
            if lines[start - 1].lstrip("# ").strip().lower() != "json contract":
                continue
            out += [
                (s, s.text)
                for s in snippets(f)
                if s.kind == "span"
                and start < s.line < stop
                and re.fullmatch(r"[a-z_][a-z0-9_]*", s.text)
            ]
    return out


def test_documented_json_keys_exist():
    """Every JSON key the docs list is a key the package writes (a string
    literal or a field of a dataclass it serializes)."""
    src = "\n".join(
        f.read_text(encoding="utf-8") for f in (ROOT / "src" / "isingformer").rglob("*.py")
    )
    found = json_keys()
    assert len(found) >= 30
    bad = [
        f"{s.where}: {key}"
        for s, key in found
        if not re.search(rf"[\"']{key}[\"']|^\s+{key}\s*:|\b{key}=", src, flags=re.M)
    ]
    assert not bad, f"JSON keys no code writes: {bad}"


# ---------------------------------------------------------------- Python names

_DOTTED = re.compile(r"(?<![\w/.-])isingformer(?:\.[A-Za-z_]\w*)+(?![\w/])")
_FILE_SUFFIX = {"json", "py", "md", "pt", "txt", "sqlite", "yaml", "yml", "html", "csv"}
_FROM = re.compile(r"from\s+(isingformer[\w.]*)\s+import\s+(\([^)]*\)|[\w ,]*)")


def resolve_name(dotted: str):
    """The object ``dotted`` names, as ``from a.b import c`` finds it: an
    attribute of the module so far, else its submodule."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for k, part in enumerate(parts[1:], start=2):
        if hasattr(obj, part):
            obj = getattr(obj, part)
        elif inspect.ismodule(obj):
            try:
                obj = importlib.import_module(".".join(parts[:k]))
            except ModuleNotFoundError as exc:
                raise AttributeError(f"{obj.__name__} has no {part}") from exc
        else:
            raise AttributeError(f"{'.'.join(parts[: k - 1])} has no {part}")
    return obj


def matches(pattern: re.Pattern) -> list[tuple[Path, str, re.Match]]:
    """``(page, "page:line", match)`` of a pattern over every page's text."""
    out = []
    for f in doc_files():
        text = f.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            out.append((f, f"{f.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}", m))
    return out


def python_names() -> list[tuple[str, str]]:
    """``(where, dotted name)`` for every Python name of isingformer in the docs."""
    out = []
    for _, where, m in matches(_DOTTED):
        if m[0].rsplit(".", 1)[-1] not in _FILE_SUFFIX:  # not a file such as isingformer.json
            out.append((where, m[0]))
    for _, where, m in matches(_FROM):
        names = m[2].split("#", 1)[0].strip("() \n")
        for item in names.replace("\n", " ").split(","):
            name = item.split(" as ")[0].strip()
            if re.fullmatch(r"\w+", name):
                out.append((where, f"{m[1]}.{name}"))
    return sorted(set(out))


NAMES = python_names()


def test_the_docs_have_names_to_check():
    assert len(NAMES) >= 30


@pytest.mark.parametrize(("where", "dotted"), NAMES, ids=[f"{w}:{d}" for w, d in NAMES])
def test_documented_python_name_exists(where, dotted):
    try:
        resolve_name(dotted)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{where}: {dotted} does not resolve ({exc})")


def _python_blocks() -> list[Snippet]:
    return [s for s in all_snippets() if s.kind == "python"]


def _imported(tree: ast.AST) -> dict[str, str]:
    """Local name -> dotted isingformer name of the block's imports."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("isingformer"):
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _keywords_ok(obj, keywords: list[str]) -> list[str]:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    params = sig.parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return []
    return [k for k in keywords if k not in sig.parameters]


def _chunks(text: str) -> list[tuple[str, ast.Module | None]]:
    """A block's top-level statements, each parsed, or None where a statement
    is an API sketch rather than Python (``BetaAttention(d_model: int, ...)``)."""
    lines = text.splitlines()
    starts = [i for i, x in enumerate(lines) if x and not x[0].isspace() and x[0] not in ")]}"]
    out, i = [], 0
    while i < len(starts):
        for j in range(i + 1, len(starts) + 1):
            stop = starts[j] if j < len(starts) else len(lines)
            chunk = "\n".join(lines[starts[i] : stop])
            try:
                out.append((chunk, ast.parse(chunk)))
                break
            except SyntaxError:
                continue
        else:  # never parses: keep the statement's first line as a sketch
            j = i + 1
            out.append(("\n".join(lines[starts[i] : starts[j] if j < len(starts) else None]), None))
        i = j
    return out


def _ours(tp) -> bool:
    return inspect.isclass(tp) and tp.__module__.startswith("isingformer")


def _wrap(tp) -> tuple[str, object] | None:
    """What the sketch follows of a value of annotation ``tp``: an instance of
    an isingformer class, or a list/sequence of them."""
    if _ours(tp):
        return ("instance", tp)
    args = getattr(tp, "__args__", None) or ()
    if getattr(tp, "__origin__", None) is not None and len(args) in (1, 2) and _ours(args[0]):
        return ("seq", args[0])  # list[X], Sequence[X], tuple[X, ...]
    return None


def _returns(func) -> object:
    """The return annotation of a callable (a class, a tuple of them) or None."""
    if inspect.isclass(func):
        return func
    try:
        import typing

        tp = typing.get_type_hints(func).get("return")
    except Exception:  # an annotation that does not evaluate here
        return None
    args = getattr(tp, "__args__", None)
    if getattr(tp, "__origin__", None) is tuple and args:
        return tuple(args)
    return tp


def _has(cls: type, attr: str) -> bool:
    """``attr`` is a class attribute, a field, an annotation or ``self.attr = ...``."""
    if hasattr(cls, attr):
        return True
    for klass in cls.__mro__:
        if attr in getattr(klass, "__annotations__", {}):
            return True
        if not klass.__module__.startswith("isingformer"):
            continue
        try:
            src = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        if re.search(rf"\bself\.{attr}\s*(?::[^=]+)?=", src):
            return True
    return False


def _self_annotation(cls: type, attr: str) -> object:
    """The annotation of ``self.attr: X = ...`` in the class's source, or None."""
    m = re.search(rf"\bself\.{attr}\s*:\s*([^=\n]+?)\s*=", inspect.getsource(cls))
    module = importlib.import_module(cls.__module__)
    return eval(m[1], vars(module)) if m else None


class _Sketch:
    """Follows the isingformer values of a Python block: imported names, and
    names bound to the instance a call of them returns (by the annotations),
    and reports attributes, methods and keyword arguments that do not exist."""

    def __init__(self, imported: dict[str, object]):
        self.objects = dict(imported)  # name -> an isingformer object
        self.types: dict[str, tuple] = {}  # name -> ("instance"|"seq", isingformer class)
        self.bad: list[str] = []

    def value(self, node) -> tuple[str, object] | None:
        if isinstance(node, ast.Name):
            if node.id in self.types:
                return self.types[node.id]
            if node.id in self.objects:
                return ("object", self.objects[node.id])
            return None
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value)
            self.visit(node.slice)
            return ("instance", base[1]) if base and base[0] == "seq" else None
        for child in ast.iter_child_nodes(node):
            self.visit(child)
        return None

    def attribute(self, node: ast.Attribute):
        base = self.value(node.value)
        if base is None:
            return None
        kind, obj = base
        if kind == "object":
            if not hasattr(obj, node.attr):
                self.bad.append(f"{getattr(obj, '__name__', obj)} has no {node.attr}")
                return None
            return ("object", getattr(obj, node.attr))
        if kind == "instance" and _ours(obj):
            if not _has(obj, node.attr):
                self.bad.append(f"{obj.__name__} has no attribute {node.attr}")
                return None
            member = inspect.getattr_static(obj, node.attr, None)
            if isinstance(member, property):
                return _wrap(_returns(member.fget))
            if callable(member):
                return ("method", getattr(obj, node.attr))
            import typing

            try:
                tp = typing.get_type_hints(obj).get(node.attr) or _self_annotation(obj, node.attr)
            except Exception:  # an annotation that does not evaluate here
                tp = None
            return _wrap(tp)
        return None

    def call(self, node: ast.Call):
        f = self.value(node.func)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            self.visit(arg)
        if f is None or f[0] == "instance":
            return None
        func = f[1]
        if not callable(func):
            return None
        kws = [k.arg for k in node.keywords if k.arg]
        name = getattr(func, "__qualname__", func)
        self.bad += [f"{name}() has no argument {k}=" for k in _keywords_ok(func, kws)]
        tp = _returns(func)
        if isinstance(tp, tuple):
            return ("tuple", tp)
        return _wrap(tp)

    def bind(self, target, value) -> None:
        if isinstance(target, ast.Name):
            self.types.pop(target.id, None)
            self.objects.pop(target.id, None)
            if value and value[0] in ("instance", "seq"):
                self.types[target.id] = value
        elif isinstance(target, ast.Tuple) and value and value[0] == "tuple":
            for t, tp in zip(target.elts, value[1], strict=False):
                self.bind(t, _wrap(tp))
        else:
            self.visit(target)

    def comment_fields(self, chunk: str, tree: ast.Module) -> None:
        """``rec = ...   # .layer, .q/.k, .scale``: the fields a comment lists
        for the value just bound."""
        if not (len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)):
            return
        target = tree.body[0].targets[0]
        value = self.types.get(target.id) if isinstance(target, ast.Name) else None
        if not (value and value[0] == "instance"):
            return
        comments = " ".join(line.split("#", 1)[1] for line in chunk.splitlines() if "#" in line)
        for attr in re.findall(r"(?:^|[\s,/(])\.([a-z_]\w*)", comments):
            if not _has(value[1], attr):
                self.bad.append(f"{value[1].__name__} has no attribute {attr} (comment)")

    def visit(self, node) -> None:
        if isinstance(node, ast.Assign):
            value = self.value(node.value)
            for target in node.targets:
                self.bind(target, value)
        elif isinstance(node, ast.With):
            for item in node.items:
                value = self.value(item.context_expr)
                if item.optional_vars is not None:
                    enter = value[1].__enter__ if value and value[0] == "instance" else None
                    self.bind(item.optional_vars, _wrap(_returns(enter)) if enter else None)
            for stmt in node.body:
                self.visit(stmt)
        elif isinstance(node, ast.expr):
            self.value(node)
        elif not isinstance(node, ast.Import | ast.ImportFrom):
            for child in ast.iter_child_nodes(node):
                self.visit(child)


def sketch_problems(text: str) -> list[str]:
    """Problems of a Python block (see :class:`_Sketch`)."""
    chunks = _chunks(text)
    imported = {}
    for tree in (t for _, t in chunks if t is not None):
        for name, dotted in _imported(tree).items():
            with contextlib.suppress(ImportError, AttributeError):  # test_..._name_exists
                imported[name] = resolve_name(dotted)
    sketch = _Sketch(imported)
    for chunk, tree in chunks:
        if tree is not None:
            for stmt in tree.body:
                sketch.visit(stmt)
            sketch.comment_fields(chunk, tree)
            continue
        # a sketch line `f(a, b, **kw) -> Result  # ...`: f's parameters and result
        line = re.fullmatch(r"([\w.]+)\((.*)\)\s*->\s*(\w+)", chunk.split("#", 1)[0].strip())
        value = sketch.value(ast.parse(line[1], mode="eval").body) if line else None
        if value and value[0] == "object" and callable(value[1]):
            items = [a for a in _split_args(line[2]) if not a.startswith("*")]
            sketch.bad += _signature_problems(line[1], items, value[1], signature=True)
            tp = _returns(value[1])
            if getattr(tp, "__name__", line[3]) != line[3]:
                sketch.bad.append(f"{line[1]}() returns {tp.__name__}, not {line[3]}")
        # a sketch: `name = Callable(...)` still binds name to what Callable returns
        m = re.match(r"(\w+)\s*=\s*([\w.]+)\(", chunk)
        if m:
            value = sketch.value(ast.parse(m[2], mode="eval").body)
            if value and value[0] == "object" and callable(value[1]):
                sketch.bind(ast.Name(m[1]), _wrap(_returns(value[1])))
                # `BetaAttention(d_model: int, *, bias: str = "none", ...)`: its parameters
                body = chunk[m.end() :].rsplit(")", 1)[0]
                body = "\n".join(line.split("#", 1)[0] for line in body.splitlines())
                items = []
                for item in _split_args(body):
                    typed = re.fullmatch(r"(\w+)\s*:[^=]*?(?:=\s*(.+))?", item, flags=re.S)
                    if typed:
                        items.append(f"{typed[1]}={typed[2] or '...'}")
                if items:
                    sketch.bad += _signature_problems(m[2], items, value[1], signature=True)
    return sketch.bad


@pytest.mark.parametrize("snippet", _python_blocks(), ids=lambda s: s.where)
def test_python_block_uses_the_real_api(snippet):
    """Python blocks (often API sketches) name attributes, methods and keyword
    arguments the package has (followed through return annotations)."""
    bad = sketch_problems(snippet.text)
    assert not bad, f"{snippet.where}: {'; '.join(bad)}"


def test_the_sketch_check_can_fail():
    text = (
        "from isingformer.ensemble import thermodynamics\n"
        "th = thermodynamics(e, b, masks=None)\n"
        "th.log_z, th.free_energies\n"
    )
    assert sketch_problems(text) == [
        "thermodynamics() has no argument masks=",
        "Thermodynamics has no attribute free_energies",
    ]
    text = (
        "from isingformer.attention import QKCapture\n"
        "with QKCapture() as cap:\n"
        "    model(x)\n"
        "rec = cap.records[0]   # .layer, .q/.k,\n"
        "                       # .scales\n"
        "rec.energy()\n"
    )
    assert sketch_problems(text) == [
        "QKRecord has no attribute scales (comment)",
        "QKRecord has no attribute energy",
    ]
    text = (  # an API sketch that is not Python
        "from isingformer.attention import BetaAttention, make_beta_policy\n"
        "attn = BetaAttention(\n"
        "    d_model: int, *,\n"
        "    dropout: float = 0.1,   # on the weights\n"
        "    max_length: int = 1024,\n"
        ")\n"
        "attn.capturing = True\n"
        "make_beta_policy(name, n_heads, d_head, **kw) -> BetaPolicies\n"
    )
    assert sketch_problems(text) == [
        "BetaAttention(): dropout defaults to 0.0, not 0.1",
        "BetaAttention() has no parameter max_length",
        "BetaAttention has no attribute capturing",
        "make_beta_policy() returns BetaPolicy, not BetaPolicies",
    ]


#: functions of mathematics (C(β), softcap(x)) or of other libraries (torch,
#: QuTiP, pydantic) that spans name bare
_NOT_OURS = {"C", "log1p", "e_OOD", "softcap", "set_num_threads", "kraus_to_super", "Field"}
#: methods of Hugging Face models that spans name bare (`generate(beta=...)`)
_HF = {"generate", "forward"}


def test_documented_function_exists():
    """A span that calls a bare name (`policy_run(P, S, workdir)`) names a
    function or class the package defines."""
    src = "\n".join(
        f.read_text(encoding="utf-8") for f in (ROOT / "src" / "isingformer").rglob("*.py")
    )
    defined = set(re.findall(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)", src, flags=re.M))
    defined |= set(re.findall(r"^(\w+)\s*[:=]", src, flags=re.M))  # module-level aliases
    calls = [
        (s, m[1])
        for s in all_snippets()
        if s.kind == "span" and (m := re.match(r"([A-Za-z_]\w*)\(", s.text))
    ]
    assert len(calls) >= 30
    bad = [f"{s.where}: {name}()" for s, name in calls if name not in defined | _NOT_OURS]
    assert not bad, f"functions the package does not define: {bad}"


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated items of an argument list."""
    out, depth, cur, quote = [], 0, "", None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        cur += ch
    return [x for x in [*out, cur.strip()] if x]


@cache
def _defined_at_top() -> dict[str, list[str]]:
    """Module-level ``def``/``class`` names of src/isingformer -> their modules."""
    out: dict[str, list[str]] = {}
    src = ROOT / "src"
    for f in sorted((src / "isingformer").rglob("*.py")):
        module = ".".join(f.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        for name in re.findall(r"^(?:def|class)\s+(\w+)", f.read_text(encoding="utf-8"), re.M):
            out.setdefault(name, []).append(module)
    return out


def _callables(name: str) -> list:
    """The objects a span's ``name`` (dotted, ``Class.method`` or bare) can mean."""
    if name.startswith("isingformer."):
        return [resolve_name(name)]
    head, *rest = name.split(".")
    out = []
    for module in _defined_at_top().get(head, []):
        with contextlib.suppress(ImportError, AttributeError):
            out.append(resolve_name(".".join([module, head, *rest])))
    return out


def signature_spans() -> list[tuple[Snippet, str, list[str]]]:
    """Spans written as a call of an isingformer callable: ``f(a, b=1)``."""
    out = []
    for s in all_snippets():
        m = re.fullmatch(r"((?:isingformer\.)?[A-Za-z_][\w.]*)\((.*)\)", s.text)
        if not (s.kind == "span" and m) or m[1] in _HF:
            continue
        if m[1].startswith("isingformer.") or _callables(m[1]):
            out.append((s, m[1], _split_args(m[2])))
    return out


def _signature_problems(name: str, args: list[str], obj, *, signature: bool = False) -> list[str]:
    """Keyword names exist, the positional ones fit (their names are often the
    page's notation: ``FockSpace(N, M)``), and in a signature (``f(a, b=1)``,
    not a call ``f("torch", device="cuda")``) a literal default is the real one."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    params = sig.parameters
    kinds = [p.kind for p in params.values()]
    var_kw = inspect.Parameter.VAR_KEYWORD in kinds
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        room = len(args)
    else:
        room = sum(
            k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for k in kinds
        )
    first_kw = next((i for i, a in enumerate(args) if "=" in a), len(args))
    positional = [a for a in args[:first_kw] if a not in _ELLIPSIS and a != "*"]
    # f(J, h, schedule=..., t_start, t_end): names after a keyword are keywords too
    args = args[:first_kw] + [a if "=" in a else f"{a}=..." for a in args[first_kw:]]
    # a signature: at least two positional names, the real ones in order
    names = [n for n, p in params.items() if p.kind is not p.VAR_POSITIONAL][: len(positional)]
    is_signature = signature or (len(positional) >= 2 and positional == names)
    bad = []
    if len(positional) > room:
        bad.append(f"{name}() takes {room} positional arguments, not {len(positional)}")
    for arg in args:
        key, eq, default = (x.strip() for x in arg.partition("="))
        if not eq or not re.fullmatch(r"[A-Za-z_]\w*", key):
            continue
        if key not in params:
            if not var_kw:
                bad.append(f"{name}() has no parameter {key}")
            continue
        if not is_signature or params[key].default is inspect.Parameter.empty:
            continue
        try:
            doc = ast.literal_eval(default)
        except (ValueError, SyntaxError):
            continue  # an expression
        if ... not in (doc if isinstance(doc, list | tuple) else [doc]) and (
            doc != params[key].default
        ):
            bad.append(f"{name}(): {key} defaults to {params[key].default!r}, not {default}")
    return bad


SIGNATURES = signature_spans()


def test_documented_signatures_match():
    """``HyperbolicAttention(d_model, n_heads, curvature=-1.0, ...)`` in prose:
    every parameter exists, and a literal default is the real one."""
    assert len(SIGNATURES) >= 10
    bad = []
    for s, name, args in SIGNATURES:
        problems = [_signature_problems(name, args, obj) for obj in _callables(name)]
        if problems and all(problems):  # no meaning of the name fits
            bad.append(f"{s.where}: {'; '.join(problems[0])}")
    assert not bad, bad


def test_the_signature_check_can_fail():
    def problems(name, args):
        return [_signature_problems(name, args, obj) for obj in _callables(name)]

    assert problems("HyperbolicAttention", ["d_model", "n_heads", "curvature=-2.0"]) == [
        ["HyperbolicAttention(): curvature defaults to -1.0, not -2.0"]
    ]
    assert problems("threaded_chain", ["shape", "beta", "n_sweeps", "sync_each=..."]) == [
        ["threaded_chain() has no parameter sync_each"]
    ]
    annealing = "isingformer.physics.glass.annealing.simulated_annealing"
    assert problems(annealing, ["J", "h", "schedule=...", "t_begin"]) == [
        [f"{annealing}() has no parameter t_begin"]
    ]
    assert problems("metropolis", ['"torch"', 'device="cuda"']) == [[]]  # a call


# ---------------------------------------------------------------- files

_PATH = re.compile(
    r"(?<![\w/.-])((?:src|tests|benchmarks|scripts|docs|proofs|examples|\.ci)/[\w./*{}-]*[\w/*])"
    r"(::\w+)?"
)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def cited_paths() -> list[tuple[str, str, str | None]]:
    """``(where, repository path, test function or None)`` for every path a page
    cites (``tests/physics/ising/test_fss.py``, ``...py::test_x``), and every
    relative link target (resolved from the page's folder)."""
    out = [(where, m[1], m[2][2:] if m[2] else None) for _, where, m in matches(_PATH)]
    for page, where, m in matches(_LINK):
        target = m[1].split("#", 1)[0]
        if target and not re.match(r"[a-z]+:", target):  # not http:, mailto:
            path = (page.parent / target).resolve()
            out.append((where, str(path.relative_to(ROOT)), None))
    return out


def test_cited_files_exist():
    """Every file, folder, glob and test function the docs cite exists (a
    placeholder such as ``benchmarks/results/FILE.json`` is skipped)."""
    found = cited_paths()
    assert len(found) >= 100
    bad = []
    for where, path, function in found:
        if "*" in path:
            ok = any(ROOT.glob(path))
        else:
            ok = (ROOT / path).exists() or bool(re.search(r"[A-Z]{3,}", path))
        if ok and function:
            ok = bool(re.search(rf"def {function}\b", (ROOT / path).read_text(encoding="utf-8")))
        if not ok:
            bad.append(f"{where}: {path}{'::' + function if function else ''}")
    assert not bad, f"cited paths that do not exist: {bad}"


_ENV = re.compile(r"\bISINGFORMER_[A-Z_]+\b")


def test_documented_environment_variables_are_read():
    """Every ``ISINGFORMER_*`` variable the docs name is read by the package,
    its tests, benchmarks or scripts."""
    read = {
        name
        for folder in ("src", "tests", "benchmarks", "scripts")
        for f in (ROOT / folder).rglob("*")
        if f.suffix in {".py", ".sh"} and f.resolve() != Path(__file__).resolve()
        for name in _ENV.findall(f.read_text(encoding="utf-8", errors="replace"))
    }
    found = matches(_ENV)
    assert len(found) >= 10
    bad = [f"{where}: {m[0]}" for _, where, m in found if m[0] not in read]
    assert not bad, f"environment variables nothing reads: {bad}"


def test_the_grammar_page_states_the_guard_constants():
    """docs/cli.md's ceilings (`--n-boot ≤ 100000`, `--seeds ≤ 10000`) and the
    default work limit are the guard's."""
    from isingformer.cli._guard import CEILINGS
    from isingformer.validate.ceilings import DEFAULT_WORK

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    stated = {o[2:].replace("-", "_"): int(n) for o, n in re.findall(r"`(--[\w-]+) ≤ (\d+)`", text)}
    assert stated == CEILINGS
    work = re.search(r"`ISINGFORMER_MAX_WORK` \(default ([\d.e+]+)", text)
    assert work and float(work[1]) == DEFAULT_WORK


_PIN = re.compile(r"(?<![\w.-])([A-Za-z][\w.-]*==\d[\w.+-]*\w)")


def test_documented_pins_are_the_installed_ones():
    """A pinned version the docs state (`torch==2.13.0`) is the one
    scripts/setup.sh or pyproject.toml installs."""
    setup = "\n".join(
        (ROOT / f).read_text(encoding="utf-8") for f in ("scripts/setup.sh", "pyproject.toml")
    )
    found = matches(_PIN)
    assert found
    bad = [f"{where}: {m[1]}" for _, where, m in found if m[1] not in setup]
    assert not bad, f"pins that setup does not install: {bad}"


# ---------------------------------------------------------------- store sweeps

_SWEEP_IN_CODE = re.compile(r"""(?:\bsweep=|\bSWEEP\s*=\s*|\.put\(\s*)["']([a-z_][\w.]*)["']""")
_SWEEP_IN_DOCS = re.compile(r"\bsweep `([\w.]+)`|\(sweep ([a-z_][\w.]*)\)")


def sweep_names_in_code() -> set[str]:
    """The sweep names the package writes into a results store."""
    src = ROOT / "src" / "isingformer"
    return {
        m[1]
        for f in src.rglob("*.py")
        for m in _SWEEP_IN_CODE.finditer(f.read_text(encoding="utf-8"))
    }


def test_documented_sweeps_exist():
    real = sweep_names_in_code()
    assert {"ensemble.rem", "ising.tc", "compare", "train"} <= real
    bad = [
        f"{where}: sweep {m[1] or m[2]!r}"
        for _, where, m in matches(_SWEEP_IN_DOCS)
        if (m[1] or m[2]) not in real
    ]
    # docs/cli.md lists every sweep name, and no other, in one paragraph
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = cli.split("## Store sweep names", 1)[1].split("##", 1)[0]
    listed = re.findall(r"`([a-z]+(?:\.[a-z]+)?)`", section)
    assert len(listed) >= 8
    listed = [n for n in listed if n.rsplit(".", 1)[-1] not in _FILE_SUFFIX]  # runs.sqlite
    bad += [f"docs/cli.md: sweep {n!r}" for n in listed if n not in real]
    bad += [f"docs/cli.md does not list sweep {n!r}" for n in sorted(real - set(listed))]
    assert not bad, f"sweeps no command writes (names in code: {sorted(real)}): {bad}"
