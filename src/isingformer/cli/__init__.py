"""The ``isingformer`` command line: one typer app, each command a thin wrapper
around a library function. Library modules are imported inside the commands so
that ``isingformer --help`` stays fast."""

from __future__ import annotations

import os
import sys
import traceback

import typer

try:  # typer >= 0.24 vendors click as typer._click
    from typer._click import exceptions as _cx
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as _cx

from isingformer import __version__
from isingformer.errors import IsingformerError

# vendored click (typer >= 0.24) has no Abort class; never reference a missing name
_ABORT = getattr(_cx, "Abort", ())

app = typer.Typer(
    name="isingformer",
    help="Statistical physics of transformers: measure, train, and check against exact results.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"isingformer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
    threads: int = typer.Option(
        None,
        "--threads",
        help="torch/BLAS intra-op threads for every command (default: $ISINGFORMER_THREADS, "
        "else 1 on machines with <= 2 cores, else all cores).",
    ),
    max_seconds: float = typer.Option(
        None,
        "--max-seconds",
        help="Wall-clock budget of every sweep: past it no new point starts; the stored "
        "points stay and a re-run resumes.",
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Show the traceback of an unexpected error (bug reports)."
    ),
) -> None:
    """isingformer command line."""
    from isingformer.runs.sweep import set_time_budget
    from isingformer.threads import set_threads

    set_threads(threads)
    set_time_budget(max_seconds)


def _register_all() -> None:
    from isingformer.cli import icl  # noqa: I001 - one line per group keeps merges small
    from isingformer.cli import numbers
    from isingformer.cli import layers
    from isingformer.cli import hopfield
    from isingformer.cli import phases
    from isingformer.cli import hyperbolic
    from isingformer.cli import periodic
    from isingformer.cli import analyze, ensemble, glass, ising, lm, main_job, quantum, runs, verify

    for module in (
        ensemble,
        runs,
        ising,
        glass,
        quantum,
        analyze,
        lm,
        main_job,
        verify,
        icl,
        numbers,
    ):
        module.register(app)
    layers.register(app)  # one line per group keeps merges small
    hopfield.register(app)
    phases.register(app)
    hyperbolic.register(app)
    periodic.register(app)


_register_all()


def _one_line(message: str) -> str:
    lines = [ln.strip() for ln in str(message).splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 400 else text[:397] + "..."


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"isingformer: error: {_one_line(message)}\n")
    return code


def _debug_requested(argv: list[str] | None) -> bool:
    args = sys.argv[1:] if argv is None else argv
    return os.environ.get("ISINGFORMER_DEBUG", "") not in ("", "0") or "--debug" in args


def _unexpected(exc: BaseException, debug: bool) -> int:
    """The last line of defence: any other exception is one line and exit 2
    (with the traceback first when debugging)."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, MemoryError):
        detail = "out of memory; choose smaller sizes or counts"
    elif isinstance(exc, RecursionError):
        detail = "input nested too deeply"
    elif isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        detail = f"{exc.strerror}{where}"
    else:
        detail = f"{type(exc).__name__}: {_one_line(str(exc)) or 'no message'}"
    hint = "" if debug else " (ISINGFORMER_DEBUG=1 shows the traceback)"
    return _fail(f"{detail}{hint}")


_BUILT: dict[tuple[int, int], object] = {}


def build_command():
    """The click command of the app, every command guarded (``_guard``);
    built once per set of registered commands (building takes ~0.2 s)."""
    from isingformer.cli._guard import harden

    key = (len(app.registered_commands), len(app.registered_groups))
    if key not in _BUILT:
        _BUILT.clear()
        _BUILT[key] = harden(typer.main.get_command(app))
    return _BUILT[key]


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; bad input and any unexpected error become one
    line on stderr and exit 2 (``--debug`` first, or ``ISINGFORMER_DEBUG=1``,
    also prints the traceback)."""
    debug = _debug_requested(argv)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        command = build_command()
        result = command.main(args=args, prog_name="isingformer", standalone_mode=False)
    except IsingformerError as exc:
        if debug:
            traceback.print_exception(exc, file=sys.stderr)
        return _fail(str(exc), exc.exit_code)
    except _cx.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            sys.stderr.write(exc.ctx.get_help() + "\n")
            return 2
        return _fail(exc.format_message().splitlines()[0] if exc.format_message() else str(exc))
    except _cx.ClickException as exc:
        return _fail(exc.format_message())
    except _ABORT:
        return _fail("aborted", 130)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    except Exception as exc:  # the last line of defence
        return _unexpected(exc, debug)
    code = result if isinstance(result, int) else 0
    return code


def _console_main() -> None:  # pragma: no cover - thin wrapper
    sys.exit(main())
