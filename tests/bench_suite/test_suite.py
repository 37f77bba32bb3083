"""The benchmark suite (benchmarks/suite.py): row parsing, the table, and the
docs/performance.md table regenerated from its committed JSON."""

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def suite():
    spec = importlib.util.spec_from_file_location("_bench_suite", ROOT / "benchmarks" / "suite.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_bench_suite"] = mod
    spec.loader.exec_module(mod)
    return mod


OUTPUT = """\
GPT 4 x 128, vocabulary 1024, 16 x 128 tokens, 1 threads (medians of 5)
Metropolis L=1024 T_c, one thread
  multi-spin coding (numba): 0.503 flips/ns
  ratio                    : 22.7x (meets the 15x target)
speed-up closed form / GD = 14.6x  (target >= 50x: FAIL)
phase map (no finite-size scan):   1.000 s  =   4.2x forward (target <= 20x: ok)
[float32, 2 thread(s), median of 5] softmax loop 1 s -> speed-up 3.10x (target >= 3x)
max |Γ_cf − Γ_gd| = 1.72e-08  (target <= 1e-4: ok)
{"ratio": 9.0}
"""


def test_rows_read_ratio_target_verdict_and_threads(suite):
    rows = suite.parse_rows("demo", OUTPUT, threads=1)
    got = [(r["label"], r["ratio"], r["threads"], r["target"], r["verdict"]) for r in rows]
    assert got == [
        ("Metropolis L=1024 T_c, one thread: ratio", 22.7, 1, ">= 15", "ok"),
        ("speed-up closed form / GD", 14.6, 1, ">= 50", "misses"),
        ("phase map (no finite-size scan): 1.000 s", 4.2, 1, "<= 20", "ok"),
        ("[float32, 2 thread(s), median of 5] softmax loop 1 s -> speed-up", 3.1, 2, ">= 3", "ok"),
    ]


def test_every_script_is_known_and_failures_become_rows(suite, tmp_path):
    names = set(suite.scripts())
    assert {"ising", "ensemble", "analyze", "gpu"} <= names
    bad = tmp_path / "bench_bad.py"
    bad.write_text("raise SystemExit('no model here')\n")
    rec = suite.run_script("bad", bad, [], threads=1, timeout=60)
    assert rec["exit_code"] == 1 and rec["rows"] == [] and "no model here" in rec["error"]
    table = suite.render(
        {"machine": suite.machine_info(), "utc": "now", "mode": "short", "runs": [rec]}
    )
    assert "| bad | not run: no model here |" in table


@pytest.mark.regression
def test_performance_doc_table_is_the_committed_result(suite):
    """docs/performance.md's table is rendered from the JSON it names."""
    doc = (ROOT / "docs" / "performance.md").read_text()
    names = re.findall(r"<!-- table of (benchmarks/results/[\w.-]+\.json) -->", doc)
    assert names, "docs/performance.md names no result JSON"
    for name in names:
        table = suite.render(json.loads((ROOT / name).read_text()))
        assert table in doc, f"{name}: re-render with python -m benchmarks --render {name}"
