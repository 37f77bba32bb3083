"""docs/performance.md's GPU table is rendered from the committed output of
benchmarks/bench_gpu.py (the H200 run), and the renderer reads what it says."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench_gpu():
    spec = importlib.util.spec_from_file_location(
        "_bench_gpu", ROOT / "benchmarks" / "bench_gpu.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules["_bench_gpu"] = mod
    spec.loader.exec_module(mod)
    return mod


RESULT = {
    "device": "NVIDIA H200",
    "metropolis_flips_per_ns": 2.0,
    "msc_cuda": [
        {"L": 1024, "block": 256, "form": "resident", "words_per_resident_thread": 0.12,
         "sweeps": 50, "flips_per_ns": 450.0},
    ],
    "nvidia_reference_flips_per_ns": 900.0,
    "ensemble_gpu_s": 0.005,
    "ensemble_cpu_s": 0.2,
    "cpu_threads": 16,
    "max_abs_dvar": 1e-5,
}  # fmt: skip


def test_render_states_the_rows_and_ratios(bench_gpu):
    table = bench_gpu.render(RESULT)
    assert "| 1024 | 256 | resident | 0.12 | 450 | 0.50x |" in table
    assert "at T_c, 50 sweeps" in table
    assert "**40.0x**" in table  # 0.2 s / 0.005 s
    out = 'noise\n{"a": 1}\nmore\n' + __import__("json").dumps(RESULT) + "\n"
    assert bench_gpu.last_json(out) == RESULT
    with pytest.raises(ValueError):
        bench_gpu.last_json("no json here")


@pytest.mark.regression
def test_performance_doc_gpu_table_is_the_committed_result(bench_gpu):
    doc = (ROOT / "docs" / "performance.md").read_text()
    names = re.findall(r"<!-- gpu table of (benchmarks/results/[\w.-]+\.txt) -->", doc)
    assert names, "docs/performance.md names no GPU result"
    for name in names:
        table = bench_gpu.render(bench_gpu.last_json((ROOT / name).read_text()))
        assert table in doc, f"{name}: re-render with bench_gpu.render"
    # docs/ising.md quotes the same run
    res = bench_gpu.last_json((ROOT / names[0]).read_text())
    rate = {(r["L"], r["form"]): r["flips_per_ns"] for r in res["msc_cuda"]}
    ising = (ROOT / "docs" / "ising.md").read_text()
    assert f"{rate[4096, 'auto']:.0f} flips/ns at L = 4096" in ising
    assert f"{rate[16384, 'auto']:.0f} at L = 16384" in ising
    assert f"{rate[1024, 'auto']:.0f} at L = 1024" in ising
    assert f"{rate[1024, 'resident'] / rate[1024, 'launch']:.0f}x faster" in ising
    assert f"{rate[4096, 'resident'] / rate[4096, 'launch']:.1f}x at 4096" in ising
    readme = (ROOT / "README.md").read_text()
    assert f"{rate[4096, 'auto']:.0f}–{rate[16384, 'auto']:.0f} flips/ns" in readme
    speed = res["ensemble_cpu_s"] / res["ensemble_gpu_s"]
    assert f"{speed:.1f}x the 16-thread CPU on an H200" in (ROOT / "docs/ensemble.md").read_text()
    # the analyze-on-GPU output is quoted whole from its committed file
    scale = ROOT / "benchmarks/results/gpu-20261129T213816Z-analyze-scale.txt"
    assert scale.read_text().rstrip("\n") in doc
