"""benchmarks/gpu_run.sh collects the ``cuda`` tests from tests/gpu alone (so that
the device needs none of the optional packages other test modules import):
every ``cuda``-marked test must live there."""

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_every_cuda_marked_test_is_in_tests_gpu():
    outside = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if p.parent.name != "gpu" and "mark.cuda" in p.read_text(encoding="utf-8")
    ]
    assert outside == []
    assert any("mark.cuda" in p.read_text(encoding="utf-8") for p in (TESTS / "gpu").glob("*.py"))
