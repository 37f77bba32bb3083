"""The ``isingformer`` command line: one typer app, each command a thin wrapper
around a library function. Library modules are imported inside the commands so
that ``isingformer --help`` stays fast."""

from __future__ import annotations

import sys

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
) -> None:
    """isingformer command line."""
    from isingformer.threads import set_threads

    set_threads(threads)


def _register_all() -> None:
    from isingformer.cli import analyze, ensemble, glass, ising, lm, main_job, quantum, runs

    for module in (ensemble, runs, ising, glass, quantum, analyze, lm, main_job):
        module.register(app)


_register_all()


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"isingformer: error: {message}\n")
    return code


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn expected errors into one line + exit 2."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="isingformer", standalone_mode=False)
    except IsingformerError as exc:
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
    code = result if isinstance(result, int) else 0
    return code


def _console_main() -> None:  # pragma: no cover - thin wrapper
    sys.exit(main())
