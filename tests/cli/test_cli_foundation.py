"""CLI contracts of the foundation: --version, ensemble rem, runs, errors."""

import json
import subprocess
import sys

import pytest

from isingformer import __version__
from isingformer.cli import main


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.strip() == f"isingformer {__version__}"


def test_rem_json_contract(capsys, tmp_path):
    code, out, err = run_cli(
        capsys,
        "ensemble",
        "rem",
        "--sizes",
        "16,64,256",
        "--samples",
        "60",
        "--seed",
        "0",
        "--json",
        "--executor",
        "serial",
        "--n-boot",
        "30",
    )
    assert code == 0, err
    data = json.loads(out)  # exactly one JSON object on stdout
    assert [p["size"] for p in data["points"]] == [16, 64, 256]
    for p in data["points"]:
        assert set(p) >= {"size", "beta_peak", "beta_peak_err", "c_max", "beta_c_theory"}
        assert p["beta_peak"] < p["beta_c_theory"]
    assert data["sigma"] == 1.0


def test_rem_out_writes_report_and_store(capsys, tmp_path):
    code, out, err = run_cli(
        capsys,
        "ensemble",
        "rem",
        "--sizes",
        "16,32",
        "--samples",
        "20",
        "--executor",
        "serial",
        "--n-boot",
        "10",
        "--sigma",
        "2",
        "--json",
        "--out",
        str(tmp_path),
    )
    assert code == 0, err
    data = json.loads(out)
    html = (tmp_path / "report.html").read_text()
    assert "data:image/png;base64," in html and "Random Energy Model" in html
    assert (tmp_path / "report.md").exists()
    assert data["points"][0]["beta_c_theory"] == pytest.approx(0.5 * (2 * 2.772588722239781) ** 0.5)
    code, out, _ = run_cli(
        capsys, "runs", "list", "--store", str(tmp_path / "runs.sqlite"), "--json"
    )
    assert code == 0 and json.loads(out)["sweeps"][0]["points"] == 2
    code, out, _ = run_cli(
        capsys, "runs", "show", "ensemble.rem", "--store", str(tmp_path / "runs.sqlite"), "--json"
    )
    assert code == 0 and len(json.loads(out)["points"]) == 2
    code, out, _ = run_cli(
        capsys, "runs", "export", "--store", str(tmp_path / "runs.sqlite"), "--format", "csv"
    )
    assert code == 0 and out.startswith("sweep,key")


@pytest.mark.parametrize(
    "args",
    [
        ["ensemble", "rem", "--sizes", "1,16"],
        ["ensemble", "rem", "--sizes", "abc"],
        ["ensemble", "rem", "--sigma", "0"],
        ["ensemble", "rem", "--sigma", "-1"],
        ["ensemble", "rem", "--betas", "0:2:10"],
        ["ensemble", "rem", "--betas", "1:2:0"],
        ["ensemble", "rem", "--betas", "nonsense"],
        ["ensemble", "rem", "--bogus-flag"],
        ["runs", "list", "--store", "/nonexistent/dir/x.sqlite"],
        ["no-such-command"],
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args):
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("isingformer: error:")
    assert "Traceback" not in err


def test_corrupt_store_via_subprocess(tmp_path):
    bad = tmp_path / "runs.sqlite"
    bad.write_bytes(b"garbage" * 50)
    proc = subprocess.run(
        [sys.executable, "-m", "isingformer", "runs", "list", "--store", str(bad)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "not a SQLite database" in proc.stderr
    assert bad.read_bytes() == b"garbage" * 50
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "isingformer",
            "ensemble",
            "rem",
            "--sizes",
            "16",
            "--samples",
            "5",
            "--store",
            str(bad),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and bad.read_bytes() == b"garbage" * 50


def test_unexpected_exception_is_named_not_hidden(monkeypatch, capsys):
    """A bug (not bad input) is one line naming the exception itself (issue 11:
    the last line of defence), and its traceback is shown with --debug."""
    import isingformer.ensemble as ens

    def boom(*a, **k):
        raise ZeroDivisionError("a real bug")

    monkeypatch.setattr(ens, "rem_study", boom)
    assert main(["ensemble", "rem", "--sizes", "16", "--samples", "4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ZeroDivisionError: a real bug" in err
    assert main(["--debug", "ensemble", "rem", "--sizes", "16", "--samples", "4"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and 'raise ZeroDivisionError("a real bug")' in err


def test_main_job_sections_and_report(capsys, tmp_path):
    code, out, err = run_cli(
        capsys, "main-job", "--only", "rem,quantum", "--out", str(tmp_path), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] and set(data["sections"]) == {"rem", "quantum"}
    html = (tmp_path / "report.html").read_text()
    assert "Random Energy Model" in html and html.count("data:image/png;base64,") >= 4
    assert "&quot;sections&quot;" in html  # the exact config is embedded (escaped JSON)
    assert (tmp_path / "runs.sqlite").exists()
    # re-running resumes from the store: the REM points are not recomputed
    from isingformer.runs import ResultsStore

    with ResultsStore.open(tmp_path / "runs.sqlite") as st:
        before = {r.key: r.finished for r in st.records("ensemble.rem")}
    assert run_cli(capsys, "main-job", "--only", "rem", "--out", str(tmp_path))[0] == 0
    with ResultsStore.open(tmp_path / "runs.sqlite") as st:
        after = {r.key: r.finished for r in st.records("ensemble.rem")}
    assert before == after and len(before) == 4


def test_main_job_unknown_section(capsys, tmp_path):
    code, out, err = run_cli(capsys, "main-job", "--only", "nope", "--out", str(tmp_path))
    assert code == 2 and out == "" and "unknown section" in err
    assert len(err.strip().splitlines()) == 1
