"""Two identical main-job runs agree in every printed number except wall times."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from isingformer.jobs import run_main_job

_WALL = re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|seconds)\b")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _printed(out: Path) -> tuple[list[str], dict]:
    text = (out / "report.md").read_text(encoding="utf-8")
    body, _, tail = text.partition("## Configuration and versions")
    config = json.loads(tail[tail.index("{") : tail.rindex("}") + 1])
    config.pop("versions", None)  # which modules a process has loaded, not a result
    return _NUMBER.findall(_WALL.sub("<wall>", body)), config


def _twice(tmp_path: Path, only: list[str] | None) -> None:
    runs = []
    for name in ("a", "b"):
        _, summary = run_main_job(tmp_path / name, only=only, seed=3)
        assert all(s["ok"] for s in summary.values()), summary
        runs.append(_printed(tmp_path / name))
    (nums_a, cfg_a), (nums_b, cfg_b) = runs
    assert len(nums_a) > 20
    assert nums_a == nums_b
    assert cfg_a == cfg_b and cfg_a["config"]["threads"] >= 1


@pytest.mark.regression
def test_two_identical_main_job_runs_print_the_same_numbers(tmp_path: Path) -> None:
    """The quick sections in CI (the whole job, ~10 min a run, is the slow test)."""
    _twice(tmp_path, ["rem", "quantum", "icl"])


@pytest.mark.slow
def test_two_identical_whole_main_jobs_print_the_same_numbers(tmp_path: Path) -> None:
    _twice(tmp_path, None)


def test_wall_times_are_the_only_thing_masked() -> None:
    assert _WALL.sub("<wall>", "752 branches in 0.32 s, p = 0.701") == (
        "752 branches in <wall>, p = 0.701"
    )
