"""Config: defaults → YAML → flags; unknown keys and wrong types are errors."""

import pytest

from isingformer.errors import InputError
from isingformer.lm.config import TrainConfig, load_config


def test_defaults_yaml_flags_precedence(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("steps: 50\nlr: 0.002\npolicy: learned\n")
    cfg = load_config(f, {"steps": 7, "seed": None})
    assert cfg.steps == 7 and cfg.lr == 0.002 and cfg.policy == "learned"
    assert cfg.seed == TrainConfig().seed


def test_unknown_key_in_yaml_and_flags(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text("stpes: 50\n")
    with pytest.raises(InputError, match="unknown config key"):
        load_config(f)
    with pytest.raises(InputError, match="unknown config key"):
        load_config(None, {"lerning_rate": 1.0})


def test_wrong_types_and_values():
    with pytest.raises(InputError, match="expects int"):
        TrainConfig(steps="ten")
    with pytest.raises(InputError, match="steps must be >= 1"):
        TrainConfig(steps=0)
    with pytest.raises(InputError, match="unknown policy"):
        TrainConfig(policy="hot")
    with pytest.raises(InputError, match="divisible"):
        TrainConfig(d_model=30, n_head=4)
    assert TrainConfig(lr=1).lr == 1.0 and isinstance(TrainConfig(lr=1).lr, float)


def test_round_trip_through_dict():
    cfg = TrainConfig(policy="critical", policy_kwargs={"gamma": 1.5})
    from isingformer.lm.config import config_from_dict

    assert config_from_dict(cfg.to_dict()) == cfg
