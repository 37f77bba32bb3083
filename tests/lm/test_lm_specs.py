"""Policy specs: NAME[:KEY=VALUE,...] parsing, validation, and their use in a comparison."""

import pytest

from isingformer.errors import InputError
from isingformer.lm.config import TrainConfig
from isingformer.lm.specs import PolicySpec, parse_policies, parse_policy_spec


def test_list_syntax_groups_options_with_their_spec():
    specs = parse_policies(
        "sqrt_dk, critical,fixed:beta=8.0,annealed:target=critical,steps=300,"
        "critical:every=50,fixed:beta=[1,2.5,3,4]; critical:gamma=0.5,per_head=false"
    )
    assert [s.name for s in specs] == [
        "sqrt_dk",
        "critical",
        "fixed:beta=8.0",
        "annealed:target=critical,steps=300",
        "critical:every=50",
        "fixed:beta=[1,2.5,3,4]",
        "critical:gamma=0.5,per_head=false",
    ]
    assert specs[2] == PolicySpec("fixed", {"beta": 8.0})
    assert specs[3] == PolicySpec("annealed", {"target": "critical", "steps": 300})
    assert specs[4] == PolicySpec("critical", {}, {"recalibrate_every": 50})
    assert specs[5].options == {"beta": [1, 2.5, 3, 4]}
    assert specs[6].options == {"gamma": 0.5, "per_head": False}
    # run directories get file-name-safe names
    assert specs[0].slug == "sqrt_dk" and specs[5].slug == "fixed-beta=(1,2.5,3,4)"
    assert all("/" not in s.slug and ":" not in s.slug for s in specs)


def test_yaml_mappings_and_strings_give_the_same_specs():
    a = parse_policies([{"policy": "fixed", "beta": 8.0}, "critical:every=50"])
    b = parse_policies("fixed:beta=8.0,critical:every=50")
    assert a == b and parse_policy_spec(a[0]) is a[0]


@pytest.mark.parametrize(
    "text, message",
    [
        ("fixed:bta=8", "unknown key 'bta'"),
        ("sqrt_dk:every=5", "unknown key 'every'"),
        ("fixed:beta=", "empty value"),
        ("fixed:", "no options"),
        ("fixed:beta", "expected KEY=VALUE"),
        ("fixed:beta=nan", "finite"),
        ("fixed:beta=8,beta=9", "given twice"),
        ("fixed:beta=[1,2", "unbalanced"),
        ("fixed:beta=a b", "cannot parse"),
        ("critical:every=-1", "integer >= 0"),
        ("critical:every=2.5", "integer >= 0"),
        ("hot", "unknown policy 'hot'"),
        ("sqrt_dk,beta=3", "does not follow a spec"),
        ("critical,critical", "duplicate policies"),
        (":beta=3", "no policy name"),
        ("", "no policies"),
    ],
)
def test_bad_specs_are_input_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_policies(text)


@pytest.mark.parametrize(
    "text, message",
    [
        ("fixed:beta=-1", "finite and > 0"),
        ("fixed:beta=[1,2,3]", "1 or 4 values"),
        ("fixed:beta=abc", "fixed:beta=abc"),
        ("annealed:shape=zigzag", "shape must be"),
        ("annealed:target=hot", "target must be"),
        ("critical:gamma=0", "gamma must be"),
        ("learned:init=[0,1,1,1]", "finite and > 0"),
    ],
)
def test_bad_values_fail_when_applied(text, message):
    spec = parse_policy_spec(text)
    with pytest.raises(InputError, match=message) as exc:
        spec.apply(TrainConfig(n_head=4, d_model=64))
    assert "policy spec" in str(exc.value)


def test_apply_sets_policy_options_and_training_keys():
    base = TrainConfig(n_head=4, d_model=64, policy_kwargs={"gamma": 2.0})
    cfg = parse_policy_spec("critical:every=25").apply(base)
    assert (cfg.policy, cfg.recalibrate_every, cfg.policy_kwargs) == (
        "critical",
        25,
        {"gamma": 2.0},
    )
    cfg = parse_policy_spec("critical:gamma=0.5").apply(base)
    assert cfg.policy_kwargs == {"gamma": 0.5} and cfg.recalibrate_every == base.recalibrate_every


def test_each_spec_is_its_own_row_with_its_own_options(tiny):
    from isingformer.lm.compare import compare

    c = compare(
        tiny(steps=6, recalibrate_every=0),
        ["sqrt_dk", "fixed:beta=8.0", "fixed:beta=[2,3]", "critical:every=2"],
        [0],
        executor="serial",
        progress=False,
    )
    assert [p["name"] for p in c.policies] == [
        "sqrt_dk",
        "fixed:beta=8.0",
        "fixed:beta=[2,3]",
        "critical:every=2",
    ]
    runs = {r["name"]: r for r in c.runs}
    assert runs["fixed:beta=8.0"]["beta_per_head"] == [[8.0, 8.0]] * 2
    assert runs["fixed:beta=[2,3]"]["beta_per_head"] == [[2.0, 3.0]] * 2
    calib = [b["step"] for b in runs["critical:every=2"]["beta_log"] if b["event"] == "calibration"]
    assert calib == [0, 2, 4]
    # the claim row is the critical spec; the fixed rows are its controls
    assert c.control is not None and c.control["candidates"] == [
        "fixed:beta=8.0",
        "fixed:beta=[2,3]",
    ]
    assert c.control["paired"]["name"] == "critical:every=2"
    assert [x["baseline"] for x in c.control["each"]] == c.control["candidates"]
    labels = {"critical better", "control as good or better", "inconclusive"}
    assert all(x["verdict"] in labels for x in c.control["each"])
    assert c.control["verdict"] == "inconclusive"  # one seed never decides
    assert "Control:" in c.verdict_text
    with pytest.raises(InputError, match="describe the same run"):
        compare(tiny(), ["sqrt_dk", "critical", "critical:every=5"], [0], executor="serial")
