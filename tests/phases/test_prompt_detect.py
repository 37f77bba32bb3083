"""``phases detect --parameter prompt``: a number in the prompt as the control
parameter; validated on a toy LM with a switch made on purpose, then applied
to the docs GPT (and its Hugging Face export: the same numbers); sampled
continuations after the prompt against exact enumeration."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from cli.test_json_rules import naming_problems  # tests/cli (docs/cli.md's key rules)
from isingformer.cli import main
from isingformer.errors import InputError
from isingformer.phases.prompt import (
    TOY_TEMPLATES,
    NumberSwitchLM,
    PromptScorer,
    check_templates,
    encode_prompts,
    fill_templates,
    format_values,
)
from isingformer.phases.sampled import sampled_terms

from .test_sampled import SEEDS, _assert_calibrated, _exact, _exact_two_tokens, _z

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
    ]
    for args, needle in cases:
        code, text, err = _run(capsys, [*args, "--skip-validation", "--json"])
        assert code == 2 and text == "", (args, err)
        assert err.count("\n") == 1 and needle in err, err


@pytest.mark.regression
def test_the_docs_gpt_follows_the_last_digit(gpt_checkpoint):
    """docs/phases.md: over x = 1 … 40 the linear indicator repeats with period 10
    (correlation of the indicator at x and x + 10: 0.95, the largest of lags 1–15)
    and the peak's interval (n = 8 templates, x̂ ± (t_7·se + step/4), se from 200
    resamples) spans more than one period (6.4–37.8): no transition in the number's value."""
    from isingformer.phases import detect

    r = detect(parameter="prompt", grid=np.arange(1.0, 41.0), checkpoint=gpt_checkpoint,
               templates=list(DOC_TEMPLATES), validate=False)  # fmt: skip
    lin = np.array(r["indicators"]["linear"])
    corr = {lag: np.corrcoef(lin[:-lag], lin[lag:])[0, 1] for lag in range(1, 16)}
    assert max(corr, key=corr.get) == 10
    assert corr[10] == pytest.approx(0.95, abs=0.03)  # stated to 2 digits
    lo, hi = r["peaks"][0]["ci"]
    assert hi - lo > 10.0
    assert lo == pytest.approx(6.4, abs=0.5) and hi == pytest.approx(37.8, abs=0.5), (lo, hi)


@pytest.mark.regression
def test_sampled_continuations_after_the_prompt_match_the_exact_ones():
    """Continuations of 2 tokens after each prompt (45² = 2025, enumerated) of the
    toy LM, 4 templates of 16–31 characters, x = 994 … 1006 around a switch at
    1000 (3 and 4 digits: the prompts of one template change length along the
    grid), 400 samples, 3 seeds: estimates within their standard errors."""
    chars = "AB" + "".join(sorted(set("".join(TOY_TEMPLATES) + "0123456789") - set("AB")))
    grid = np.arange(994.0, 1007.0, 2.0)
    texts = fill_templates(TOY_TEMPLATES[:4], grid)
    runs = []
    for seed in SEEDS:
        model = NumberSwitchLM(chars, threshold=1000.0, seed=seed)
        scorer = PromptScorer(model, encode_prompts(model.encode, texts))
        idx = scorer.prompts()
        exact = _exact(scorer, idx, len(chars), 2)
        assert exact["linear"].max() > 0.05  # the comparison is not trivial
        runs.append(_z(sampled_terms(scorer, idx, n_samples=400, length=2, seed=seed), exact))
    _assert_calibrated(runs, sd_tol=0.25)  # 60 z-scores per indicator: sd of sd ≈ 0.09


class _PromptAt:
    """An independent reference: grid point j of template p is the model with the
    first S tokens of its input replaced by the prompt ``ids[j]`` (all of length S),
    enumerated by ``_exact_two_tokens``."""

    def __init__(self, model, ids):
        self.model, self.ids, self.size = model, ids, len(ids)

    def at(self, j):
        import contextlib

        pre = torch.as_tensor(self.ids[j])

        def model(x):
            return self.model(torch.cat([pre.expand(x.shape[0], -1), x[:, pre.numel() :]], 1))

        return contextlib.nullcontext(model)


@pytest.mark.regression
def test_sampled_continuations_after_the_prompt_on_the_gpt(gpt_checkpoint, hf_export, capsys):
    """``--parameter prompt --continuation 2`` on the docs GPT against the exact
    indicators (7056 continuations per prompt by the chain rule, the prompt put
    in by a different route): every indicator within 4 of its stated errors; its
    Hugging Face export (another tokenizer and forward pass, the same seed) gives
    the same estimates to half a standard error."""
    from isingformer.lm.sample import load_trained

    # the number last: it moves the continuation (exact TV up to 0.2 per template)
    tpl, grid = ["He hath {x}", "I give thee {x}", "Act {x}"], np.arange(1.0, 10.0, 2.0)
    args = ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--parameter", "prompt",
            "--grid", "1:9:5", "--continuation", "2", "--samples", "300", "--n-boot", "20",
            "--skip-validation", "--json"]  # fmt: skip
    for t in tpl:
        args += ["--template", t]
    code, text, err = _run(capsys, args)
    assert code == 0, err
    r = json.loads(text)
    assert not naming_problems(r), naming_problems(r)
    assert r["continuation"] == 2 and r["n_prompts"] == 3 and "300 sampled" in r["output"]
    trained = load_trained(gpt_checkpoint)
    ids = encode_prompts(trained.tokenizer.encode, fill_templates(tpl, grid))
    exact = {k: [] for k in ("tv", "js", "linear")}
    for p in range(len(tpl)):
        ref = _PromptAt(trained.model, [row[p] for row in ids])
        for k, v in _exact_two_tokens(ref, torch.as_tensor(ids[0][p])[None]).items():
            exact[k].append(v[:, 0])
    tv = np.mean(exact["tv"], axis=0).max()  # docs: up to 0.19 (exact, float32 model)
    assert tv > 0.1 and tv == pytest.approx(0.19, abs=0.005)  # the number moves the output
    for k, v in exact.items():
        z = (np.array(r["indicators"][k]) - np.mean(v, axis=0)) / np.array(r["indicators_se"][k])
        assert np.all(np.abs(z) < 4.0), (k, z)
    code, text, err = _run(capsys, [*args[:2], "--model", str(hf_export), *args[4:]])
    assert code == 0, err
    hf = json.loads(text)
    for k, v in hf["indicators"].items():
        diff = np.abs(np.array(v) - r["indicators"][k]) / np.array(r["indicators_se"][k])
        assert np.all(diff < 0.5), (k, diff)
    long = ["--template", "x {x}" * 10]  # 30 characters filled: fits 32, not 32 less 3
    code, text, err = _run(capsys, [*args[:4], "--parameter", "prompt", "--grid", "1:9:9",
                                    *long, "--continuation", "3", "--json"])  # fmt: skip
    assert code == 2 and text == "" and err.count("\n") == 1, err
    assert "context of 32 less --continuation 3" in err


def test_templates_from_a_file(gpt_checkpoint, tmp_path, capsys):
    """``--templates FILE`` (one per line, blank lines skipped, CRLF, trailing
    space kept) after any ``--template``: the same run as the templates given one
    by one; bad files are one line, exit 2."""
    f = tmp_path / "templates.txt"
    f.write_bytes(b"He hath {x}\r\n\n  \nAct {x} \nIn {x} days")
    base = ["phases", "detect", "--checkpoint", str(gpt_checkpoint), "--parameter", "prompt",
            "--grid", "1:9:5", "--n-boot", "20", "--skip-validation", "--json"]  # fmt: skip
    runs = []
    for extra in (
        ["--template", "ACT {x}", "--templates", str(f)],
        ["--template", "ACT {x}", "--template", "He hath {x}", "--template", "Act {x} ",
         "--template", "In {x} days"],
    ):  # fmt: skip
        code, text, err = _run(capsys, [*base, *extra])
        assert code == 0, err
        runs.append(json.loads(text))
    assert runs[0]["templates"] == ["ACT {x}", "He hath {x}", "Act {x} ", "In {x} days"]
    assert runs[0]["indicators"] == runs[1]["indicators"]
    bad = {"binary.txt": bytes(range(256)), "latin1.txt": "caf\xe9 {x}".encode("latin-1"),
           "noslot.txt": b"{x} fine\nno slot\n", "blank.txt": b"\n  \n"}  # fmt: skip
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    cases = [("binary.txt", "not UTF-8"), ("latin1.txt", "not UTF-8"),
             ("noslot.txt", "no slot {x}"), ("blank.txt", "no template"),
             ("missing.txt", "cannot read")]  # fmt: skip
    for name, needle in cases:
        code, text, err = _run(capsys, [*base, "--templates", str(tmp_path / name)])
        assert code == 2 and text == "", (name, err)
        assert err.count("\n") == 1 and needle in err and "--templates" in err, err


def test_a_template_given_twice_is_refused():
    # a copy would be resampled as another prompt: n and the interval overstated
    with pytest.raises(InputError, match="given twice"):
        check_templates(["The year is {x}.", "In {x}", "The year is {x}."])
    assert check_templates(["In {x}", "in {x}"]) == ["In {x}", "in {x}"]
