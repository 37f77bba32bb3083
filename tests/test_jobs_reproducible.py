"""Two identical main-job runs agree in every printed number except wall times."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from isingformer.jobs import run_main_job

_WALL = re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|seconds)\b")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


# timing columns of the report's tables (wall/CPU time, throughput, calibration share)
_TIMING_HEADER = re.compile(r"time|tokens/s|seconds|calibration share|\(s\)", re.IGNORECASE)
_TIMING_PROSE = re.compile(r"time, not judged: [^;]*")


def _mask_timing(text: str) -> str:
    """Replace wall times, and the cells of table columns whose header names a
    time or a throughput, by ``<wall>``; everything else is left as printed."""
    out, timing = [], None
    for line in _TIMING_PROSE.sub("<wall>", _WALL.sub("<wall>", text)).splitlines():
        if not line.startswith("|"):
            timing = None
            out.append(line)
            continue
        cells = line.split("|")
        if timing is None:  # a table's header row
            timing = {i for i, c in enumerate(cells) if _TIMING_HEADER.search(c)}
        elif not set(line) <= set("|-: "):
            cells = ["<wall>" if i in timing else c for i, c in enumerate(cells)]
        out.append("|".join(cells))
    return "\n".join(out)


def _printed(out: Path) -> tuple[list[str], dict]:
    text = (out / "report.md").read_text(encoding="utf-8")
    body, _, tail = text.partition("## Configuration and versions")
    config = json.loads(tail[tail.index("{") : tail.rindex("}") + 1])
    config.pop("versions", None)  # which modules a process has loaded, not a result
    return _NUMBER.findall(_mask_timing(body)), config


def _twice(tmp_path: Path, only: list[str] | None) -> None:
    runs = []
    for name in ("a", "b"):
        _, summary = run_main_job(tmp_path / name, only=only, seed=3)
        assert all(s["ok"] for s in summary.values()), summary
        runs.append(_printed(tmp_path / name))
    (nums_a, cfg_a), (nums_b, cfg_b) = runs
    # no table cell shows a Python value (the quantum CPTP table printed "True")
    cells = re.findall(r"(?<=\|)[^|\n]*(?=\|)", (tmp_path / "a" / "report.md").read_text())
    assert not {c.strip() for c in cells} & {"True", "False", "None", "nan", "inf"}
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


def test_timing_columns_are_masked_and_results_are_not() -> None:
    table = (
        "| policy | steps to target | time to target (s) | tokens/s |\n"
        "|---|---|---|---|\n"
        "| critical | 221 [177, 265] | 10.2 [-3.2, 23.7] | 25,395 |\n"
        "\nsteps 0.901; compute (CPU) time, not judged: 0.931 (n = 3); loss -0.0072"
    )
    nums = _NUMBER.findall(_mask_timing(table))
    assert "221" in nums and "265" in nums and "0.901" in nums and "-0.0072" in nums
    assert "10.2" not in nums and "25" not in nums and "0.931" not in nums
