"""``phases detect --parameter prompt``: a number in the prompt as the control
parameter; validated on a toy LM with a switch made on purpose, then applied
to the docs GPT (and its Hugging Face export: the same numbers)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.phases.prompt import check_templates, fill_templates, format_values

#: the docs/phases.md prompt study of the docs GPT: 8 templates, x = 1 … 40
DOC_TEMPLATES = (
    "I will give thee {x} ducats", "He hath {x} sons", "There were {x} men", "ACT {x}",
    "Give me {x} pounds, and", "In {x} days", "I have {x} reasons", "Some {x} years ago",
)  # fmt: skip


def _run(capsys, args):
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_grid_values_fill_the_slot():
    assert format_values([1990.0, 2000.0]) == ["1990", "2000"]
    assert format_values([0.25, 1.0]) == ["0.25", "1"]
    assert format_values([-3.0, 0.1]) == ["-3", "0.1"]
    assert fill_templates(["a {x} b {x}", "{x}!"], [7, 8]) == [["a 7 b 7", "7!"], ["a 8 b 8", "8!"]]
    with pytest.raises(InputError, match="no slot"):
        check_templates(["no slot here"])
    with pytest.raises(InputError, match="needs --template"):
        check_templates([])


@pytest.mark.regression
def test_detector_finds_the_switch_of_the_toy_lm():
    """docs/phases.md: the peak lies within a quarter grid step of the exact Fisher
    maximum, inside its bootstrap interval (8 templates, 200 resamples)."""
    from isingformer.phases.prompt import prompt_validation

    found = {}
    for threshold in (1950.0, 1977.0):  # the peak must follow the switch (it can fail)
        r = prompt_validation(threshold=threshold)
        assert not r["detection"]["peaks"][0]["at_edge"]
        assert abs(r["expected"] - threshold) < 3.0  # the toy's exact Fisher maximum
        assert r["ci"][0] <= r["expected"] <= r["ci"][1]  # inside the bootstrap interval
        assert abs(r["found"] - r["expected"]) < 1.25  # docs: within a quarter grid step
        found[threshold] = r["found"]
    assert abs(found[1977.0] - found[1950.0] - 27.0) < 2.5


def test_prompt_parameter_on_the_gpt_and_its_export(gpt_checkpoint, hf_export, capsys):
    common = ["--parameter", "prompt", "--grid", "5:14:10", "--template", DOC_TEMPLATES[0],
              "--template", DOC_TEMPLATES[1], "--template", DOC_TEMPLATES[3],
              "--n-boot", "20", "--skip-validation", "--json"]  # fmt: skip
    out = {}
    for kind, src in (
        ("gpt", ["--checkpoint", str(gpt_checkpoint)]),
        ("hf", ["--model", str(hf_export)]),
    ):
        code, text, err = _run(capsys, ["phases", "detect", *src, *common])
        assert code == 0, err
        r = out[kind] = json.loads(text)
        assert r["parameter"] == "prompt" and r["grid"] == list(range(5, 15))
        assert r["n_prompts"] == 3 and r["n_positions"] == 1
        assert all(len(v) == 8 for v in r["indicators"].values()) and r["validated_on"] == []
        lo, hi = r["peaks"][0]["ci"]
        assert 5 <= lo <= hi <= 14
    for name in ("tv", "js", "linear"):  # one model through two tokenizers and two forwards
        np.testing.assert_allclose(out["gpt"]["indicators"][name], out["hf"]["indicators"][name],
                                   rtol=1e-4, atol=1e-9)  # fmt: skip
    assert max(out["gpt"]["indicators"]["linear"]) > 1e-4  # the number does change the output
    ck = ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--parameter", "prompt"]
    cases = [
        ([*ck, "--grid", "1:9:9", "--template", "no slot"], "no slot {x}"),
        ([*ck, "--grid", "1:9:9", "--template", "caf\u00e9 {x}"], "not in the vocabulary"),
        ([*ck, "--template", "x {x}"], "needs --grid"),
        ([*ck, "--grid", "1:9:9"], "needs --template"),
        ([*ck, "--grid", "1:9:9", "--template", "x {x}" * 30], "longer than the model's context"),
        ([*ck, "--grid", "1:9:9", "--template", "x {x}", "--continuation", "2"], "takes 1"),
    ]
    for args, needle in cases:
        code, text, err = _run(capsys, [*args, "--skip-validation", "--json"])
        assert code == 2 and text == "", (args, err)
        assert err.count("\n") == 1 and needle in err, err


@pytest.mark.regression
def test_the_docs_gpt_follows_the_last_digit(gpt_checkpoint):
    """docs/phases.md: over x = 1 … 40 the linear indicator repeats with period 10
    (correlation of the indicator at x and x + 10: 0.95, the largest of lags 1–15)
    and the peak's bootstrap interval (n = 8 templates, 200 resamples) spans more
    than one period (9.5–22.1): no transition in the number's value."""
    from isingformer.phases import detect

    r = detect(parameter="prompt", grid=np.arange(1.0, 41.0), checkpoint=gpt_checkpoint,
               templates=list(DOC_TEMPLATES), validate=False)  # fmt: skip
    lin = np.array(r["indicators"]["linear"])
    corr = {lag: np.corrcoef(lin[:-lag], lin[lag:])[0, 1] for lag in range(1, 16)}
    assert max(corr, key=corr.get) == 10
    assert corr[10] == pytest.approx(0.95, abs=0.03)  # stated to 2 digits
    lo, hi = r["peaks"][0]["ci"]
    assert hi - lo > 10.0
    assert lo == pytest.approx(9.5, abs=0.5) and hi == pytest.approx(22.1, abs=0.5)
