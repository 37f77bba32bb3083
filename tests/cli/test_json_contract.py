"""The ``--json`` contract, checked mechanically on tiny runs of computing
commands (docs/cli.md): stdout is one strict JSON object (no NaN/Infinity
tokens), every interval states its n and method and has lo <= hi around its
estimate, every error bar names its method, a key a command documents is
present (``null`` when it cannot be computed) rather than missing, and the keys
follow the naming rules (``tests/cli/test_json_rules.py``)."""

from __future__ import annotations

import json
import re

import pytest

from isingformer.cli import main

from .test_json_rules import command_naming_problems


def _strict(text: str) -> dict:
    def refuse(token: str):
        raise ValueError(f"non-strict JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def run_json(capsys, argv: list[str]) -> dict:
    """Run one command in-process with ``--json``: exit 0, one line, strict."""
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.endswith("\n") and out.count("\n") == 1, "stdout is not exactly one line"
    data = _strict(out)
    assert isinstance(data, dict)
    return data


_CI = re.compile(r"^(ci|.+_ci)$")
_ERR = re.compile(r"^(err|.+_err)$")
_N = re.compile(r"^(n|n_\w+|\w+_n|samples|trials|seeds|n_boot)$")
_ERR_METHOD = re.compile(r"^(\w*err\w*_method|error_method|errors)$")
_NUM = (int, float)


def _number(x) -> bool:
    return isinstance(x, _NUM) and not isinstance(x, bool)


def _pair(x) -> bool:
    return isinstance(x, list) and len(x) == 2 and all(_number(v) for v in x)


def interval_problems(obj, path: str = "", ancestors: tuple = ()) -> list[str]:
    """Every non-null ``ci``/``*_ci`` is ``[lo, hi]`` with lo <= hi, contains the
    estimate beside it (``value``/``mean``/the key without ``_ci``), and an
    ``n`` and a ``method`` are stated in its object or an enclosing one; every
    non-null ``err``/``*_err`` has an error method stated (``method`` beside
    it, or ``*err*_method``/``error_method``/``errors`` up the tree) and an n."""
    bad: list[str] = []
    if isinstance(obj, list):
        for i, v in enumerate(obj):
            bad += interval_problems(v, f"{path}[{i}]", ancestors)
        return bad
    if not isinstance(obj, dict):
        return bad
    scope = (*ancestors, obj)
    keys = {k for d in scope for k in d}
    for k, v in obj.items():
        where = f"{path}.{k}"
        pairs = v if isinstance(v, list) and v and isinstance(v[0], list) else [v]
        if _CI.match(k) and v is not None and all(_pair(x) or x is None for x in pairs):
            for pair in pairs:
                if pair is None:
                    continue
                lo, hi = pair
                if lo > hi:
                    bad.append(f"{where}: lo {lo} > hi {hi}")
            if not any("method" in x for x in keys):
                bad.append(f"{where}: no method stated")
            texts = [str(d[x]) for d in scope for x in d if "method" in x or x == "interval"]
            if not any("level" in d for d in scope) and not any("%" in t for t in texts):
                bad.append(f"{where}: no confidence level stated")
            if not any(_N.match(x) for x in keys):
                bad.append(f"{where}: no n stated")
            stem = k[: -len("_ci")] if k.endswith("_ci") else None
            est = obj.get(stem) if stem else obj.get("value", obj.get("mean"))
            if _number(est) and len(pairs) == 1 and pairs[0] is not None:
                lo, hi = pairs[0]
                if not lo - 1e-12 * abs(est) <= est <= hi + 1e-12 * abs(est):
                    bad.append(f"{where}: [{lo}, {hi}] does not contain {est}")
        if _ERR.match(k) and v is not None:
            if not ("method" in obj or any(_ERR_METHOD.match(x) for x in keys)):
                bad.append(f"{where}: error bar without a stated method")
            if not any(_N.match(x) for x in keys):
                bad.append(f"{where}: error bar without a stated n")
        bad += interval_problems(v, where, scope)
    return bad


# tiny but honest configurations: a few seconds each on a loaded machine
CASES = {
    "ising exact": ["ising", "exact", "--size", "4", "--temperature", "2.3"],
    "ising simulate": ["ising", "simulate", "--size", "8", "--temperature", "2.3",
                       "--sweeps", "40", "--seed", "5"],
    "ising tfim": ["ising", "tfim", "--sizes", "4,6", "--fields", "0.5:1.5:5"],
    "numbers primon": ["numbers", "primon", "--beta", "2"],
    "numbers theta": ["numbers", "theta", "--sizes", "2,3,4,5"],
    "numbers zeros": ["numbers", "zeros", "--count", "20", "--n-boot", "40"],
    "hopfield modern": ["hopfield", "modern", "--dim", "16", "--patterns", "8",
                        "--clusters", "2", "--betas", "0.1:100:4"],
    "hyperbolic trees": ["hyperbolic", "trees", "--branching", "2", "--depth", "2"],
}  # fmt: skip
STORED = {  # sweeps: each gets its own store
    "ising tc": ["ising", "tc", "--sizes", "4,6", "--temperatures", "2.1:2.5:5",
                 "--sweeps", "30", "--seed", "7", "--executor", "serial"],
    "ensemble rem": ["ensemble", "rem", "--sizes", "16,32,64", "--samples", "6",
                     "--n-boot", "10", "--executor", "serial"],
    "glass sk": ["glass", "sk", "--sizes", "6", "--samples", "3", "--sweeps", "20",
                 "--temperatures", "0.3:1.5:4", "--executor", "serial"],
    "glass overlap": ["glass", "overlap", "--sizes", "6", "--samples", "3", "--sweeps", "100",
                      "--ladder-size", "3", "--executor", "serial"],
    "icl sweep": ["icl", "sweep", "--dim", "2", "--context", "4", "--tasks", "1,4,inf",
                  "--seeds", "3", "--model", "linear", "--pretrain", "2", "--pairs", "4",
                  "--samples", "20", "--executor", "serial"],
    "hopfield capacity": ["hopfield", "capacity", "--sizes", "20", "--alphas", "0.05:0.4:3",
                          "--trials", "3", "--executor", "serial"],
}  # fmt: skip


# keys the docs promise (docs/<package>.md, docs/cli.md) and provenance: present
# in every run, null where they cannot be computed (one size, no crossing)
REQUIRED = {
    "ising exact": ["log_z_per_spin", "energy_per_spin", "specific_heat_per_spin"],
    "ising simulate": ["seed", "sweeps", "algorithm", "error_method", "n_samples",
                       "energy_per_spin.err"],
    "ising tc": ["seed", "tc", "tc_err", "tc_stat_err", "tc_syst_err", "tc_method", "nu",
                 "nu_err", "exact_tc", "gamma_over_nu", "error_method", "n_boot",
                 "curves_error_method", "curves_n_samples"],
    "ensemble rem": ["seed", "points[].beta_peak_err", "points[].c_max_err",
                     "points[].beta_slope_err", "points[].peak_at_edge", "errors.method",
                     "errors.n", "errors.n_boot", "ratio_extrapolation.n",
                     "ratio_extrapolation.method", "height_scaling.n", "height_scaling.method"],
    "glass sk": ["seed", "points[].e0_err", "points[].e0_std", "points[].samples",
                 "points[].agree_fraction", "points[].acceptance", "points[].e0", "e_inf",
                 "e_inf_err", "e_inf_stat_err", "e_inf_syst_err", "amplitude", "chi2_per_dof",
                 "z_vs_parisi", "e0_err_method", "e_inf_err_method"],
    "glass overlap": ["seed", "q_rs", "curves[].weight_small", "curves[].weight_small_err",
                      "weight_small_err_method"],
    "hopfield capacity": ["seed", "curves[].p_ci", "curves[].trials", "p_err_method",
                          "p_ci_method", "alpha_50", "alpha_c", "alpha_c_err", "alpha_c_stat",
                          "alpha_c_syst", "exponent"],
    "hopfield modern": ["seed", "regimes", "retrieval_beta", "separation_beta"],
    "hyperbolic trees": ["seed", "trees[].growth_rate", "trees[].gromov_delta", "lambda_estimator"],
    "numbers zeros": ["seed", "spacing_ks", "spacing_ks_interval.gue.lo",
                      "spacing_ks_interval.gue.method", "spacing_ks_interval.gue.n"],
    "numbers theta": ["y_h", "y_h_stderr", "y_h_method", "fit_n", "fit_dof"],
}  # fmt: skip


def missing_keys(data, path: str) -> list[str]:
    """The parts of a dotted ``path`` (``a[].b``: every element of list a) not in ``data``."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(data, dict) or key not in data:
        return [path]
    value = data[key]
    if not rest:
        return []
    items = value if many else [value]
    return [f"{key}.{m}" for v in items for m in missing_keys(v, rest)]


def _argv(name: str, tmp_path) -> list[str]:
    if name in STORED:
        return [*STORED[name], "--store", str(tmp_path / "runs.sqlite")]
    return CASES[name]


@pytest.mark.parametrize("name", [*CASES, *STORED])
def test_strict_json_and_interval_rules(name, capsys, tmp_path):
    data = run_json(capsys, _argv(name, tmp_path))
    assert not interval_problems(data), interval_problems(data)
    assert not command_naming_problems(name, data), command_naming_problems(name, data)
    missing = [m for path in REQUIRED.get(name, []) for m in missing_keys(data, path)]
    assert not missing, f"{name}: documented keys missing: {missing}"


def test_the_checker_can_fail():
    """The rules catch what they are meant to catch."""
    assert interval_problems({"x": {"value": 1.0, "ci": [0.0, 2.0]}})  # no n, no method
    ok = {"value": 1.0, "ci": [0.0, 2.0], "n": 3, "method": "Student t", "level": 0.95}
    no_level = {k: v for k, v in ok.items() if k != "level"}
    assert interval_problems({"x": no_level})  # a level is stated nowhere
    assert not interval_problems({"x": {**no_level, "method": "Student t 95 %"}})
    assert not interval_problems({"x": ok})
    assert interval_problems({"x": {**ok, "ci": [2.0, 0.0]}})  # lo > hi
    assert interval_problems({"x": {**ok, "value": 3.0}})  # outside its interval
    assert interval_problems({"n": 3, "e_err": 0.1})  # an error bar without a method
    assert not interval_problems({"n": 3, "e_err": 0.1, "e_err_method": "std error"})
    assert not interval_problems({"model_inside_ci": [True]})  # not an interval
    assert missing_keys({"a": [{"b": 1}, {}]}, "a[].b") == ["a.b"]
    assert not missing_keys({"a": [{"b": None}]}, "a[].b")
    with pytest.raises(ValueError, match="NaN"):
        _strict('{"a": NaN}')


def test_periodic_one_model_interval_states_its_own_n():
    """With one model per bias the rounding exponent's interval is that model's
    OLS fit over its sizes: the JSON said n = 1 (the models) beside it."""
    from isingformer.periodic.experiment import _rounding

    fit = {"theta": 0.1, "ci": [0.0, 0.2], "n": 29, "method": "OLS log-log"}
    out = _rounding([{"rounding_fit": fit}])
    assert out["ci"] == [0.0, 0.2] and out["n"] == 1
    assert out["ci_n"] == 29 and "29 sizes" in out["method"]
    assert not interval_problems({"x": out})


@pytest.mark.slow
def test_model_commands_json_contract(capsys, tmp_path):
    """train, sample and phases detect on a 4-step GPT: strict JSON, the
    interval rules, and the seed that reruns each (phases detect had none)."""
    from isingformer.lm.corpus import prepare_data

    cache = tmp_path / "cache"
    prepare_data("shakespeare", "char", cache_dir=cache)
    tiny = ["--n-layer", "1", "--n-head", "2", "--d-model", "16", "--context", "16",
            "--batch-size", "4", "--eval-every", "2", "--set", f"cache_dir={cache}"]  # fmt: skip
    t = run_json(capsys, ["train", "--steps", "4", "--seed", "3", *tiny, "--out", str(tmp_path)])
    assert t["seed"] == 3 and not interval_problems(t)
    ck = t["checkpoint"]
    s = run_json(capsys, ["sample", "--checkpoint", ck, "--tokens", "4", "--seed", "5"])
    assert s["seed"] == 5
    argv = ["phases", "detect", "--checkpoint", ck, "--grid", "0.5:2:5", "--tokens", "8",
            "--n-texts", "3", "--n-boot", "10", "--seed", "4", "--skip-validation"]  # fmt: skip
    d = run_json(capsys, argv)
    assert d["seed"] == 4 and not interval_problems(d), interval_problems(d)
    argv = ["layers", "--checkpoint", ck, "--n-texts", "2", "--max-tokens", "12", "--betas",
            "0.1,0.5,2", "--store", str(tmp_path / "l.sqlite")]  # fmt: skip
    layers = run_json(capsys, argv)  # its config said betas [0.1, 2, 3]: first, last, count
    assert layers["config"]["betas"] == [0.1, 0.5, 2.0]
    argv = ["compare", "--policies", "sqrt_dk,critical", "--seeds", "1", "--seed", "2",
            "--steps", "2", *tiny, "--executor", "serial", "--store", str(tmp_path / "c.sqlite")]  # fmt: skip
    c = run_json(capsys, argv)  # compare had no seed: the runs were not reproducible from it
    assert c["seed"] == 2 and c["config"]["seeds"] == [2] and not interval_problems(c)


def test_hyperbolic_cell_intervals_state_their_level():
    """A conjecture cell's β_opt and β* intervals (3 seeds, interior minima)
    name their 95 % level; the method said only "Student-t interval"."""
    import numpy as np

    from isingformer.hyperbolic.conjecture import _cell_summary

    betas = np.array([0.25, 0.5, 1.0, 2.0, 4.0])
    loss = np.array([(np.log(betas) - c) ** 2 for c in (-0.1, 0.0, 0.2)])
    star = np.array([[1.0, 1.1, 1.2, 1.3, 1.4], [1.1, 1.2, 1.3, 1.4, 1.5], [0.9, 1, 1.1, 1.2, 1.3]])
    cell = _cell_summary(betas, loss, star)
    assert cell["beta_opt"]["ci"] is not None and cell["beta_critical"]["ci"] is not None
    assert not interval_problems(cell), interval_problems(cell)


def test_main_job_json_records_its_provenance(capsys, tmp_path, monkeypatch):
    """main-job --json said only report/sections/ok: no seed or threads."""
    import isingformer.jobs as jobs
    from isingformer.report import Section

    monkeypatch.setattr(jobs, "SECTIONS", [("rem", lambda ctx: Section("t", f"{ctx.seed}"))])
    d = run_json(capsys, ["--threads", "1", "main-job", "--only", "rem", "--seed", "6",
                          "--out", str(tmp_path)])  # fmt: skip
    assert d["ok"] is True and set(d["sections"]) == {"rem"}
    assert (d["seed"], d["quick"], d["device"], d["threads"]) == (6, True, "cpu", 1)


@pytest.mark.parametrize(
    ("name", "file"),
    [("ising exact", "exact.json"), ("numbers primon", "numbers_primon.json"),
     ("hyperbolic trees", "trees.json"), ("ising simulate", "simulate.json")],
)  # fmt: skip
def test_out_dir_json_file_is_the_json_output(name, file, capsys, tmp_path):
    """``--out DIR`` writes the same object as ``--json`` (strict JSON too)."""
    data = run_json(capsys, [*CASES[name], "--out", str(tmp_path)])
    written = _strict((tmp_path / file).read_text(encoding="utf-8"))
    assert written == {k: v for k, v in data.items() if k != "report"}


def test_trees_json_file_is_strict_when_a_statistic_is_not_finite(capsys, tmp_path, monkeypatch):
    """trees.json was written with a bare json.dumps: a NaN statistic became
    the token NaN in the file (null on stdout)."""
    import isingformer.hyperbolic.trees as trees

    real = trees.tree_stats

    class Stats:
        def __init__(self, s):
            self.s = s

        def to_dict(self):
            return {**self.s.to_dict(), "gromov_delta": float("nan")}

    monkeypatch.setattr(trees, "tree_stats", lambda *a, **k: Stats(real(*a, **k)))
    data = run_json(capsys, [*CASES["hyperbolic trees"], "--out", str(tmp_path)])
    assert data["trees"][0]["gromov_delta"] is None
    assert _strict((tmp_path / "trees.json").read_text(encoding="utf-8")) == data
