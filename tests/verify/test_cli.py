"""``isingformer verify``: the JSON contract, the table, and the missing-Coq error."""

from __future__ import annotations

import json

import pytest

import isingformer.verify as verify_pkg
from isingformer.cli import main


def test_verify_json_contract(verified: dict, monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setattr(verify_pkg, "verify_proofs", lambda proofs=None: verified)
    assert main(["verify", "--json", "--out", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["coq_version"].startswith("8.")
    assert data["all_proved"] is True
    assert data["theorems"]
    for row in data["theorems"]:
        assert {"name", "file", "statement", "status", "assumptions"} <= set(row)
        assert row["status"] == "proved"
    assert json.loads((tmp_path / "verify.json").read_text())["all_proved"] is True


def test_verify_prints_the_table(verified: dict, monkeypatch, capsys) -> None:
    monkeypatch.setattr(verify_pkg, "verify_proofs", lambda proofs=None: verified)
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    for row in verified["theorems"]:
        assert row["name"] in out
    assert f"every one of the {len(verified['theorems'])} theorems is proved" in out


def test_missing_coq_is_one_line_naming_the_install_command(monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["verify", "--json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("isingformer: error: coqc not found")
    assert "apt-get install -y coq libcoq-coquelicot libcoq-interval" in err


def test_missing_proofs_dir_is_an_input_error(tmp_path, capsys) -> None:
    pytest.importorskip("isingformer.verify")
    if verify_pkg.check.shutil.which("coqc") is None:
        pytest.skip("needs coqc to reach the --proofs check")
    assert main(["verify", "--proofs", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "--proofs" in err and err.count("\n") == 1
