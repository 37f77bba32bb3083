"""The single thread-setting place: isingformer.threads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import isingformer.threads as threads_mod
from isingformer.errors import InputError
from isingformer.threads import ENV_VAR, default_threads, set_threads


def test_public_names() -> None:
    assert sorted(threads_mod.__all__) == [
        "ENV_VAR",
        "MAX_THREADS",
        "current_threads",
        "default_threads",
        "one_thread",
        "set_threads",
    ]


def test_default_is_one_on_small_machines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads_mod, "_usable_cores", lambda: 2)
    assert default_threads() == 1
    monkeypatch.setattr(threads_mod, "_usable_cores", lambda: 8)
    assert default_threads() == 8


def test_set_threads_applies_to_torch_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    for var in (ENV_VAR, "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, os.environ.get(var, "1"))
    try:
        assert set_threads(2) == 2
        assert torch.get_num_threads() == 2
        assert os.environ["OMP_NUM_THREADS"] == "2"
        # None keeps an earlier explicit choice (propagated through ENV_VAR)
        assert set_threads(None) == 2
        assert set_threads(1) == 1
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -1, 10**6, True, 1.5])
def test_bad_counts_are_input_errors(bad: object) -> None:
    with pytest.raises(InputError, match="--threads"):
        set_threads(bad)  # type: ignore[arg-type]


def test_bad_environment_is_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "many")
    with pytest.raises(InputError, match=ENV_VAR):
        set_threads(None)


def _run(code: str, env_threads: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_VAR, "OMP_NUM_THREADS")}
    if env_threads is not None:
        env[ENV_VAR] = env_threads
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_cli_root_option_sets_threads_before_torch_is_imported() -> None:
    code = (
        "import sys\n"
        "from isingformer.cli import app, main\n"
        "@app.command('_probe_threads')\n"
        "def _p():\n"
        "    import torch\n"
        "    print(torch.get_num_threads())\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    assert _run(code.replace("sys.argv[1:]", "['--threads', '2', '_probe_threads']"), None) == "2"
    assert _run(code.replace("sys.argv[1:]", "['_probe_threads']"), "1") == "1"


def test_cli_rejects_bad_threads() -> None:
    from isingformer.cli import main

    assert main(["--threads", "0", "runs", "--help"]) == 2
