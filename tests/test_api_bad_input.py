"""Bad input through the researcher Python API raises the project's named errors.

Every case is a mistake a user can make when calling a documented entry point
directly (not through the CLI): a zero or negative size, a NaN or infinite β or
temperature, an empty list, a wrong shape, a non-integer count, a negative
seed, a missing file. Each must raise :class:`~isingformer.errors.InputError`
(or :class:`~isingformer.errors.ModelLoadError` for a model directory) whose
message names the offending parameter — never a bare ValueError/IndexError/
RuntimeError from deep inside, a hang, or a silently wrong/NaN result.
All sizes are tiny: the whole file runs in a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from isingformer.errors import InputError, ModelLoadError

NAN, INF = float("nan"), float("inf")
E = torch.randn(4, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
GRID = np.linspace(0.1, 2.0, 8)


def _ensemble():
    from isingformer import ensemble as e

    return [
        ("thermodynamics: NaN β", lambda: e.thermodynamics(E, [0.1, NAN]), "β"),
        ("thermodynamics: negative β", lambda: e.thermodynamics(E, [-1.0, 0.5]), "β"),
        ("thermodynamics: empty β grid", lambda: e.thermodynamics(E, []), "β grid is empty"),
        ("thermodynamics: no states", lambda: e.thermodynamics(torch.empty(3, 0), [0.1]), "energies"),
        ("thermodynamics: 2-D β grid", lambda: e.thermodynamics(E, [[0.1, 0.2]]), "betas"),
        ("thermodynamics: mask of wrong shape",
         lambda: e.thermodynamics(E, [0.1], mask=torch.ones(2, 2, dtype=torch.bool)), "mask"),
        ("thermodynamics: chunk 0", lambda: e.thermodynamics(E, [0.1], chunk=0), "chunk"),
        ("thermodynamics: chunk -1", lambda: e.thermodynamics(E, [0.1], chunk=-1), "chunk"),
        ("heat_capacity_peak: 1-point grid", lambda: e.heat_capacity_peak(E, [0.5]), "grid"),
        ("heat_capacity_peak: negative seed",
         lambda: e.heat_capacity_peak(E, GRID, seed=-1), "seed"),
        ("heat_capacity_peak: negative n_boot",
         lambda: e.heat_capacity_peak(E, GRID, n_boot=-1), "n_boot"),
        ("entropy_slope_peak: negative seed",
         lambda: e.entropy_slope_peak(E, GRID, seed=-1), "seed"),
        ("order_parameter_onset: threshold 2",
         lambda: e.order_parameter_onset(E, GRID, threshold=2.0), "threshold"),
        ("order_parameter_onset: NaN threshold",
         lambda: e.order_parameter_onset(E, GRID, threshold=NAN), "threshold"),
        ("rem_energies: N = 0", lambda: e.rem_energies(0, 3), "N >= 2"),
        ("rem_energies: N = 2.5", lambda: e.rem_energies(2.5, 3), "n"),
        ("rem_energies: NaN σ", lambda: e.rem_energies(4, 3, sigma=NAN), "σ"),
        ("rem_energies: negative samples", lambda: e.rem_energies(4, -1), "samples"),
        ("rem_energies: negative seed", lambda: e.rem_energies(4, 3, seed=-1), "seed"),
        ("rem_study: no sizes", lambda: e.rem_study([], progress=False), "ns"),
        ("fit_finite_size: unequal lengths",
         lambda: e.fit_finite_size([4, 8, 16], [1.0, 2.0]), "sizes and values"),
    ]  # fmt: skip


def _ising():
    from isingformer import physics as p

    def sampler():
        return p.Sampler(p.square_ising(4), p.metropolis())

    return [
        ("square_ising: side 0", lambda: p.square_ising(0), "lattice side"),
        ("square_ising: side 2.5", lambda: p.square_ising(2.5), "lattice side"),
        ("square_ising: NaN J", lambda: p.square_ising(4, J=NAN), "couplings"),
        ("cubic_ising: side -1", lambda: p.cubic_ising(-1), "lattice side"),
        ("energy: spins of the wrong length", lambda: p.chain_ising(4).energy(np.ones(5)), "spins"),
        ("local_field: spins of the wrong length",
         lambda: p.chain_ising(4).local_field(np.ones((2, 3))), "spins"),
        ("from_couplings: asymmetric J",
         lambda: p.IsingHamiltonian.from_couplings(np.array([[0, 1.0], [2.0, 0]])), "symmetric"),
        ("enumerate_exact: NaN β", lambda: p.enumerate_exact(p.chain_ising(4), [NAN]), "beta"),
        ("enumerate_exact: 60 spins", lambda: p.enumerate_exact(p.chain_ising(60), [0.1]), "N <="),
        ("exact_torus: T = 0", lambda: p.exact_torus(4, 0.0), "temperature"),
        ("exact_torus: NaN T", lambda: p.exact_torus(4, NAN), "temperature"),
        ("simulate: infinite T", lambda: p.simulate(4, INF, 10), "temperature"),
        ("simulate: negative sweeps", lambda: p.simulate(4, 2.0, -1), "sweeps"),
        ("simulate: negative seed", lambda: p.simulate(4, 2.0, 10, seed=-1), "seed"),
        ("simulate: dim 5", lambda: p.simulate(4, 2.0, 10, dim=5), "dim"),
        ("init_state: NaN β", lambda: sampler().init_state(betas=[NAN]), "beta"),
        ("init_state: no β", lambda: sampler().init_state(betas=[]), "beta"),
        ("init_state: negative seed", lambda: sampler().init_state(betas=[0.4], seed=-1), "seed"),
        ("init_state: 0 replicas",
         lambda: sampler().init_state(betas=[0.4], replicas_per_beta=0), "replicas_per_beta"),
        ("sweep: negative count",
         lambda: sampler().sweep(sampler().init_state(betas=[0.4]), -1), "sweeps"),
        ("sample: measure_every 0",
         lambda: sampler().sample(sampler().init_state(betas=[0.4]), 5, measure_every=0),
         "measure_every"),
        ("SamplerState.load: missing file",
         lambda: p.SamplerState.load("/nonexistent/chain.npz"), "chain.npz"),
        ("tfim_study: NaN g", lambda: p.tfim_study([4, 6], [NAN]), "g"),
    ]  # fmt: skip


def _glass_hopfield():
    from isingformer.physics import glass as g
    from isingformer.physics import hopfield as h

    J = np.array([[0.0, 0.5, -0.2], [0.5, 0.0, 0.3], [-0.2, 0.3, 0.0]])
    return [
        ("sk_couplings: 0 spins", lambda: g.sk_couplings(0), "n >= 2"),
        ("sk_couplings: negative seed", lambda: g.sk_couplings(4, seed=-1), "seed"),
        ("parallel_tempering: NaN β", lambda: g.parallel_tempering(J, [NAN, 1.0], n_sweeps=5), "betas"),
        ("parallel_tempering: infinite β",
         lambda: g.parallel_tempering(J, [0.5, INF], n_sweeps=5), "betas"),
        ("parallel_tempering: non-square J",
         lambda: g.parallel_tempering(np.ones((3, 4)), [0.5, 1.0], n_sweeps=5), "square"),
        ("parallel_tempering: 0 chains",
         lambda: g.parallel_tempering(J, [0.5, 1.0], n_sweeps=5, n_chains=0), "n_chains"),
        ("simulated_annealing: NaN t_start",
         lambda: g.simulated_annealing(J, t_start=NAN), "t_start"),
        ("geometric_ladder: reversed", lambda: g.geometric_ladder(1.6, 0.2, 4), "t_min"),
        ("exact_thermodynamics: 40 spins",
         lambda: g.exact_thermodynamics(np.zeros((40, 40)), [1.0]), "N <= 24"),
        ("sk_study: no sizes", lambda: g.sk_study([], samples=3, progress=False), "sizes"),
        ("random_patterns: 0 neurons", lambda: h.random_patterns(0, 3), "neurons"),
        ("corrupt: NaN fraction", lambda: h.corrupt(np.ones(8), NAN), "flip fraction"),
        ("run_dynamics: start of wrong length",
         lambda: h.run_dynamics(h.random_patterns(8, 2), np.ones(7)), "start state"),
        ("capacity_study: no sizes",
         lambda: h.capacity_study([], [0.1], trials=2, progress=False), "sizes"),
        ("modern_study: NaN β", lambda: h.modern_study(d=8, n_patterns=4, n_clusters=2,
                                                       betas=[NAN]), "betas"),
    ]  # fmt: skip


def _numbers_hyperbolic_icl():
    from isingformer import hyperbolic as hy
    from isingformer import icl
    from isingformer import numbers as n

    return [
        ("primes_up_to: negative limit", lambda: n.primes_up_to(-1), "limit"),
        ("primes_up_to: limit 2.5", lambda: n.primes_up_to(2.5), "limit"),
        ("primon: NaN β", lambda: n.primon(NAN), "beta"),
        ("primon: β below the Hagedorn point", lambda: n.primon(0.5), "beta"),
        ("primon: precision 0 bits", lambda: n.primon(2.0, prec=0), "prec"),
        ("zeta_zeros: count 0", lambda: n.zeta_zeros(0), "count"),
        ("lee_yang: NaN temperature", lambda: n.lee_yang("ring", 4, NAN), "temperature"),
        ("lee_yang: unknown lattice", lambda: n.lee_yang("hexagon", 4, 2.0), "lattice"),
        ("fisher_zeros: size 0", lambda: n.fisher_zeros(0), "size"),
        ("poincare_distance: curvature 0",
         lambda: hy.poincare_distance(torch.zeros(2), torch.zeros(2), 0.0), "curvature"),
        ("random_tree: branching 0", lambda: hy.random_tree(0, 2), "branching"),
        ("random_tree: negative seed", lambda: hy.random_tree(2, 2, seed=-1), "seed"),
        ("tree_data: val_fraction 1.5",
         lambda: hy.tree_data(2, 2, n_tokens=100, val_fraction=1.5), "val_fraction"),
        ("run_conjecture: positive curvature",
         lambda: hy.run_conjecture([1.0], [2], [1.0], seeds=1, steps=1, tokens=100), "curvatures"),
        ("icl parse_tasks: empty", lambda: icl.parse_tasks(""), "tasks"),
        ("icl theory_threshold: NaN α", lambda: icl.theory_threshold(NAN, 0.5), "α"),
        ("icl_sweep: unknown model", lambda: icl.icl_sweep([2], 8, [4, 16], model="rnn"), "model"),
        ("icl_sweep: 0 seeds", lambda: icl.icl_sweep([2], 8, [4, 16], seeds=0), "seeds"),
    ]  # fmt: skip


def _layers_quantum():
    from isingformer import layers as la
    from isingformer import quantum as q

    H = torch.randn(2, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    H = la.symmetric_part(H)
    return [
        ("commutator_norms: one matrix, not a stack",
         lambda: la.commutator_norms(torch.eye(3)), "stack"),
        ("product_vs_sum: non-square layers",
         lambda: la.product_vs_sum(torch.randn(2, 3, 4, dtype=torch.float64), 1.0), "square"),
        ("product_vs_sum: NaN β", lambda: la.product_vs_sum(H, NAN), "beta"),
        ("product_vs_sum: negative β", lambda: la.product_vs_sum(H, -1.0), "beta"),
        ("boltzmann_product: NaN in H",
         lambda: la.boltzmann_product(torch.full((2, 2, 2), NAN, dtype=torch.float64), 1.0),
         "finite"),
        ("trotter_product: n = 0", lambda: la.trotter_product(H, 1.0, 0), "Trotter"),
        ("trotter_product: n = 2.5", lambda: la.trotter_product(H, 1.0, 2.5), "Trotter"),
        ("trotter_bound_log10: n = -1", lambda: la.trotter_bound_log10(H, 1.0, -1), "Trotter"),
        ("load_spec: missing file", lambda: q.load_spec("/nonexistent/spec.json"), "spec"),
        ("random_spec: 0 tokens", lambda: q.random_spec(0, 2, 1), "n_tokens"),
        ("random_spec: negative seed", lambda: q.random_spec(2, 2, 1, seed=-1), "seed"),
        ("FockSpace: 0 tokens", lambda: q.FockSpace(0, 2), "N >= 1"),
        ("run_summary: negative samples",
         lambda: q.run_summary(q.example_spec(), samples=-1), "samples"),
        ("verify_spec: no seeds",
         lambda: q.verify_spec(q.example_spec(), seeds=[], n_samples=10), "seeds"),
        ("verify_spec: alpha 2", lambda: q.verify_spec(q.example_spec(), alpha=2.0), "alpha"),
        ("attention_weights: block out of range",
         lambda: q.attention_weights(q.example_spec(), 99, (0,)), "block"),
        ("attention_weights: unknown token",
         lambda: q.attention_weights(q.example_spec(), 0, (0, 7)), "token"),
    ]  # fmt: skip


def _attention_probe_phases():
    from isingformer import attention as at
    from isingformer import phases as ph
    from isingformer import probe as pr

    return [
        ("BetaAttention: 3 heads for width 8", lambda: at.BetaAttention(8, 3), "n_heads"),
        ("BetaAttention: dropout 2", lambda: at.BetaAttention(8, 2, dropout=2.0), "dropout"),
        ("BetaAttention: max_len 0", lambda: at.BetaAttention(8, 2, max_len=0), "max_len"),
        ("BetaAttention: input of the wrong width",
         lambda: at.BetaAttention(8, 2)(torch.randn(2, 3, 7)), "width"),
        ("make_beta_policy: NaN fixed β",
         lambda: at.make_beta_policy("fixed", 2, 4, beta=NAN), "beta"),
        ("make_beta_policy: unknown option",
         lambda: at.make_beta_policy("sqrt_dk", 2, 4, temperature=1), "option"),
        ("make_positional_bias: unknown name", lambda: at.make_positional_bias("rope", 2), "bias"),
        ("beta_scope: NaN β", lambda: at.beta_scope(NAN).__enter__(), "beta"),
        ("beta_scope: negative per-head β",
         lambda: at.beta_scope(torch.tensor([0.3, -1.0])).__enter__(), "beta"),
        ("classify_phase: NaN β_model", lambda: pr.classify_phase(NAN, 1.0, 0.1), "beta_model"),
        ("classify_phase: band below 1", lambda: pr.classify_phase(1.0, 1.0, 0.1, band=0.5), "band"),
        ("read_texts: missing file", lambda: pr.read_texts("/nonexistent/x.txt"), "texts"),
        ("load_model: missing directory", lambda: pr.load_model("/nonexistent/model"), "model"),
        ("analyze_attention: band below 1",
         lambda: pr.analyze_attention("/nonexistent/model", band=0.5), "band"),
        ("analyze_attention: negative seed",
         lambda: pr.analyze_attention("/nonexistent/model", seed=-1), "seed"),
        ("tc_closed_form: NaN C", lambda: ph.tc_closed_form(NAN, 4), "c"),
        ("total_variation: different outcome counts",
         lambda: ph.total_variation(np.ones(3) / 3, np.ones(4) / 4), "same K"),
        ("jensen_shannon: different outcome counts",
         lambda: ph.jensen_shannon(np.ones(3) / 3, np.ones(4) / 4), "same K"),
        ("TwoPhaseLM: vocabulary 0", lambda: ph.TwoPhaseLM(m=0), "m"),
        ("toy_validation: NaN logit gap", lambda: ph.toy_validation(m=8, a=NAN), "a"),
        ("detect: unknown parameter", lambda: ph.detect(parameter="pressure"), "parameter"),
        ("load_causal_lm: missing directory",
         lambda: ph.load_causal_lm("/nonexistent/m"), "model"),
        ("spin_study: missing checkpoints", lambda: ph.spin_study("/nonexistent/ck"), "checkpoints"),
        ("ising_validation: size 0", lambda: ph.ising_validation(size=0), "size"),
    ]  # fmt: skip


def _studies():
    from isingformer import ensemble as e
    from isingformer import hyperbolic as hy
    from isingformer import icl
    from isingformer import numbers as n
    from isingformer import phases as ph
    from isingformer import physics as p
    from isingformer.physics import glass as g
    from isingformer.physics import hopfield as h

    T5 = [2.1, 2.2, 2.3, 2.4, 2.5]
    J = np.array([[0.0, 0.5], [0.5, 0.0]])
    x6 = np.linspace(0.0, 1.0, 6)
    return [
        ("rem_study: negative seed", lambda: e.rem_study([4], samples=3, seed=-1), "seed"),
        ("tc_study: negative seed", lambda: p.tc_study([4, 6], T5, sweeps=10, seed=-1), "seed"),
        ("tc_study: negative n_boot", lambda: p.tc_study([4, 6], T5, sweeps=10, n_boot=-1),
         "n_boot"),
        # below 10 resamples the error cannot be formed (it crashed with numpy's AxisError)
        ("tc_study: n_boot 0", lambda: p.tc_study([4, 6], T5, sweeps=10, n_boot=0), "n_boot"),
        ("finite_size_scaling: n_boot 5",
         lambda: p.finite_size_scaling([4, 6], T5, *[np.ones((2, 5))] * 4, n_boot=5), "n_boot"),
        ("sk_study: negative seed", lambda: g.sk_study([4], samples=3, seed=-1), "seed"),
        ("overlap_study: negative seed",
         lambda: g.overlap_study([4], samples=3, seed=-1, sweeps=100, n_temps=2), "seed"),
        ("simulated_annealing: negative seed",
         lambda: g.simulated_annealing(J, seed=-1), "seed"),
        ("random_patterns: negative seed", lambda: h.random_patterns(4, 2, seed=-1), "seed"),
        ("capacity_study: negative seed",
         lambda: h.capacity_study([10], [0.1], trials=3, seed=-1), "seed"),
        ("modern_study: negative seed",
         lambda: h.modern_study(d=8, n_patterns=4, n_clusters=2, seed=-1), "seed"),
        ("run_conjecture: 0 seeds",
         lambda: hy.run_conjecture([-1.0], [2], [0.5, 1.0, 2.0], seeds=0), "seeds"),
        ("icl_sweep: no dimensions", lambda: icl.icl_sweep([], 8, [4, 16]), "dims"),
        ("icl_sweep: negative seed", lambda: icl.icl_sweep([2], 8, [4, 16], seed=-1), "seed"),
        ("icl_sweep: 0 evaluation sequences",
         lambda: icl.icl_sweep([2], 8, [4, 16], n_eval=0), "n_eval"),
        ("gaps_study: 0 seeds", lambda: n.gaps_study(100, ising_size=4, seeds=0), "seeds"),
        ("gaps_study: negative seed", lambda: n.gaps_study(100, seed=-1), "seed"),
        ("detect_on_grid: terms of the wrong length",
         lambda: ph.detect_on_grid(x6, {k: np.ones((3, 4)) for k in ph.INDICATORS}), "terms"),
        ("detect_on_grid: an indicator missing",
         lambda: ph.detect_on_grid(x6, {"tv": np.ones((4, 4))}), "terms"),
        ("detect_on_grid: 0 bootstrap resamples",
         lambda: ph.detect_on_grid(x6, {k: np.ones((4, 4)) for k in ph.INDICATORS}, n_boot=0),
         "n_boot"),
    ]  # fmt: skip


CASES = [
    *_ensemble(),
    *_studies(),
    *_attention_probe_phases(),
    *_ising(),
    *_glass_hopfield(),
    *_numbers_hyperbolic_icl(),
    *_layers_quantum(),
]


@pytest.mark.parametrize(
    "call, match", [pytest.param(c, m, id=name) for name, c, m in CASES]
)  # fmt: skip
def test_bad_input_raises_a_named_error(call, match):
    with pytest.raises((InputError, ModelLoadError), match=match):
        call()


def test_numpy_integers_pass_the_integer_checks():
    """Library callers pass numpy integers (sizes from arrays): accepted as ints,
    while a numpy bool is still refused."""
    from isingformer.validate import check_int, check_seed

    assert check_int(np.int64(3), "n", ge=1) == 3
    assert check_seed(np.uint32(7)) == 7
    with pytest.raises(InputError, match="n"):
        check_int(np.bool_(True), "n")


def _helpers():
    """Cases whose call takes a text file ``t`` (one short passage)."""
    from isingformer import hyperbolic as hy
    from isingformer import numbers as n
    from isingformer import periodic as pe
    from isingformer import physics as p
    from isingformer import probe as pr
    from isingformer import runs as r

    return [
        ("autocorrelation: empty series", lambda t: p.autocorrelation(np.array([])), "series"),
        ("tau_int: empty series", lambda t: p.tau_int(np.array([])), "series"),
        ("tau_int: window factor 0", lambda t: p.tau_int(np.arange(10.0), c=0.0), "c"),
        ("binning_analysis: fewer values than bins",
         lambda t: p.binning_analysis(np.arange(5.0)), "min_bins"),
        ("binning_analysis: min_bins 1",
         lambda t: p.binning_analysis(np.arange(50.0), min_bins=1), "min_bins"),
        ("spacings: no levels", lambda t: n.spacings(np.array([])), "unfolded"),
        ("spacings: NaN level", lambda t: n.spacings(np.array([1.0, NAN, 3.0])), "unfolded"),
        ("unfold_zeta: negative height", lambda t: n.unfold_zeta(np.array([-1.0])), "gammas"),
        ("gromov_delta: 0 quadruples",
         lambda t: hy.gromov_delta([[1], [0]], n_quads=0), "n_quads"),
        ("read_texts: 0 passages", lambda t: pr.read_texts(t, n=0), "n"),
        ("read_texts: 0 words per passage", lambda t: pr.read_texts(t, words=0), "words"),
        ("peak_beta: β grid of the wrong length",
         lambda t: pe.peak_beta(np.linspace(0.1, 1, 5), np.ones((2, 4))), "betas"),
        ("peak_fwhm: a zero β", lambda t: pe.peak_fwhm(np.array([0.0, 1, 2]), np.ones(3)), "betas"),
        ("decay_length: negative d_min",
         lambda t: pe.decay_length(np.ones(10), d_min=-1), "d_min"),
        ("rem_rounding: no sizes (a NaN fit)", lambda t: pe.rem_rounding(sizes=()), "sizes"),
        ("run_sweep: 0 workers",
         lambda t: r.run_sweep(dict, [{"a": 1}], sweep="x", max_workers=0, progress=False),
         "max_workers"),
        ("run_sweep: NaN time budget",
         lambda t: r.run_sweep(dict, [{"a": 1}], sweep="x", max_seconds=NAN, progress=False),
         "max_seconds"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "call, match", [pytest.param(c, m, id=name) for name, c, m in _helpers()]
)  # fmt: skip
def test_bad_input_to_helpers_raises_a_named_error(call, match, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("one two three four five six\n", encoding="utf-8")
    with pytest.raises(InputError, match=match):
        call(text)
