"""Issue 11 (quantum specs): wrong types, booleans, huge entries and sizes,
non-UTF-8 and hostile JSON are one clear line, exit 2."""

import json
from pathlib import Path

import pytest

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.quantum.spec import spec_from_dict

EXAMPLE = Path(__file__).parents[2] / "src/isingformer/quantum/examples/paper_example.json"
BASE = json.loads(EXAMPLE.read_text())
HUGE = [[1e308, 0], [0, 1e308]]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"text": [["x0"]]}, "text.0"),
        ({"text": [{"a": 1}]}, "text.0"),
        ({"vacuum_token": ["x0"]}, "vacuum_token"),
        ({"M": 10**30}, "field M"),
        ({"M": True}, "field M"),
        ({"tokens": {"x0": [True, False], "x1": [0, 1]}}, "tokens.x0.0"),
        ({"blocks": [{**BASE["blocks"][0], "WQ": HUGE, "WK": HUGE}]}, "blocks.0.WQ"),
        ({"blocks": [{**BASE["blocks"][0], "beta": True}]}, "beta"),
        ({"description": 5}, "description"),
    ],
)
def test_bad_fields_name_the_field(change, field):
    with pytest.raises(InputError, match=field):
        spec_from_dict({**BASE, **change})


@pytest.mark.parametrize(
    "content",
    [
        b'{"tokens": {"x0": [1, 0]}, "text": ["caf\xe9"]}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"M": ' + b"9" * 5000 + b"}",
        b'{"M": NaN}',
        json.dumps({**BASE, "M": 10**30}).encode(),
        json.dumps({**BASE, "text": [["x0"]]}).encode(),
    ],
)
@pytest.mark.parametrize("command", ["run", "verify"])
def test_cli_spec_files(tmp_path, capsys, content, command):
    p = tmp_path / "spec.json"
    p.write_bytes(content)
    assert main(["quantum", command, "--spec", str(p)]) == 2
    err = capsys.readouterr().err
    assert (
        err.count("\n") == 1 and err.startswith("isingformer: error: ") and "Traceback" not in err
    )
    assert "--spec" in err or "spec" in err
