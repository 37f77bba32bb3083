"""Phase transitions of language models (issue 16): the output-distribution
transition detector of Arnold, Holtorf, Schäfer and Lörch (2024) with its
validation systems (2D Ising, REM, a two-phase toy LM), applied to our GPT and
to local Hugging Face causal LMs; and the MLP blocks as a layered spin model
(Barney, Winer, Galitski 2024) at initialization and over training."""

from isingformer.phases.api import PARAMETERS, detect, load_causal_lm
from isingformer.phases.control import detect_on_grid
from isingformer.phases.detector import INDICATORS, Detection, detect_from_terms, window_terms
from isingformer.phases.divergence import (
    fisher_from_linear,
    jensen_shannon,
    linear_divergence,
    total_variation,
)
from isingformer.phases.policy_study import monte_carlo_tc, policy_run, summarize_policies
from isingformer.phases.prompt import NumberSwitchLM, PromptScorer, prompt_validation
from isingformer.phases.sampled import (
    ConfigurationScorer,
    Scorer,
    TemperatureScorer,
    beta_scorer,
    checkpoint_scorer,
    indicator_errors,
    sampled_temperature_terms,
    sampled_terms,
    sequence_logprobs,
)
from isingformer.phases.series import checkpoint_series
from isingformer.phases.spin import (
    gpt_bond_matrix,
    gpt_layer_graph,
    layered_bond_matrix,
    tc_closed_form,
    tc_layered,
    tc_squared_bonds,
    tc_tap,
)
from isingformer.phases.spin_mc import (
    critical_weights,
    curie_weiss_overlap,
    hidden_order_direction,
    overlap_tc,
    spin_mc,
    susceptibility_tc,
    tap_solve,
    tc_tap_iteration,
)
from isingformer.phases.spin_study import powerlaw_fit, spin_study
from isingformer.phases.validation import (
    ONSAGER_TC,
    TwoPhaseLM,
    ising_validation,
    rem_validation,
    toy_validation,
)

__all__ = [
    "INDICATORS",
    "ONSAGER_TC",
    "PARAMETERS",
    "ConfigurationScorer",
    "Detection",
    "NumberSwitchLM",
    "PromptScorer",
    "Scorer",
    "TemperatureScorer",
    "TwoPhaseLM",
    "beta_scorer",
    "checkpoint_scorer",
    "checkpoint_series",
    "critical_weights",
    "curie_weiss_overlap",
    "detect",
    "detect_from_terms",
    "detect_on_grid",
    "fisher_from_linear",
    "gpt_bond_matrix",
    "gpt_layer_graph",
    "hidden_order_direction",
    "indicator_errors",
    "ising_validation",
    "jensen_shannon",
    "layered_bond_matrix",
    "linear_divergence",
    "load_causal_lm",
    "monte_carlo_tc",
    "overlap_tc",
    "policy_run",
    "powerlaw_fit",
    "prompt_validation",
    "rem_validation",
    "sampled_temperature_terms",
    "sampled_terms",
    "sequence_logprobs",
    "spin_mc",
    "spin_study",
    "summarize_policies",
    "susceptibility_tc",
    "tap_solve",
    "tc_closed_form",
    "tc_layered",
    "tc_squared_bonds",
    "tc_tap",
    "tc_tap_iteration",
    "total_variation",
    "toy_validation",
    "window_terms",
]
