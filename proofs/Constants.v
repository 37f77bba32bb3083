(** * Certified constants the package uses (checked with the Interval library).

    Each [Theorem name : lo <= expr <= hi.] below is read by the test suite,
    which checks that the package's floating-point constant lies in [lo, hi].

    Exact facts at Onsager's critical coupling K_c = ln(1 + sqrt 2)/2:
    sinh 2K_c = 1 (so the elliptic modulus k = 2 sinh 2K/cosh² 2K equals 1),
    2 tanh² 2K_c = 1 (the factor in front of the divergent K(k) vanishes) and
    coth 2K_c = sqrt 2, so the bulk energy at T_c is u = -coth 2K_c = -sqrt 2. *)

From Coq Require Import Reals Lra.
From Interval Require Import Tactic Specific_ops Specific_stdz.

(** The [interval] tactic on floating-point numbers built from [Z]: the
    library's default instance computes with the kernel's primitive 63-bit
    integers, whose specifications are extra axioms; this one adds none. *)
Module StdZFloat := SpecificFloat StdZRadix2.
Module IntervalZ := IntervalTactic StdZFloat.
Import IntervalZ.
Open Scope R_scope.

(** ** Onsager's critical point *)

Theorem onsager_tc_bounds :
  2.269185314213 <= 2 / ln (1 + sqrt 2) <= 2.269185314214.
Proof. interval with (i_prec 70). Qed.

Theorem onsager_kc_bounds :
  0.440686793509 <= ln (1 + sqrt 2) / 2 <= 0.440686793510.
Proof. interval with (i_prec 70). Qed.

Lemma exp_two_kc : exp (2 * (ln (1 + sqrt 2) / 2)) = 1 + sqrt 2.
Proof.
  replace (2 * (ln (1 + sqrt 2) / 2)) with (ln (1 + sqrt 2)) by field.
  apply exp_ln. assert (0 <= sqrt 2) by apply sqrt_pos. lra.
Qed.

Lemma exp_minus_two_kc : exp (- (2 * (ln (1 + sqrt 2) / 2))) = sqrt 2 - 1.
Proof.
  rewrite exp_Ropp, exp_two_kc.
  assert (Hs : sqrt 2 * sqrt 2 = 2) by (apply sqrt_sqrt; lra).
  assert (0 <= sqrt 2) by apply sqrt_pos.
  field_simplify_eq; [nra | lra].
Qed.

(** sinh 2K_c = 1: the self-dual (Kramers–Wannier) point, modulus k = 1. *)
Theorem sinh_two_kc : sinh (2 * (ln (1 + sqrt 2) / 2)) = 1.
Proof. unfold sinh. rewrite exp_two_kc, exp_minus_two_kc. field. Qed.

(** cosh 2K_c = sqrt 2. *)
Lemma cosh_two_kc : cosh (2 * (ln (1 + sqrt 2) / 2)) = sqrt 2.
Proof. unfold cosh. rewrite exp_two_kc, exp_minus_two_kc. field. Qed.

(** 2 tanh² 2K_c = 1: the prefactor of the elliptic integral in u(T) vanishes. *)
Theorem tanh_two_kc_squared : 2 * (sinh (2 * (ln (1 + sqrt 2) / 2))
                                  / cosh (2 * (ln (1 + sqrt 2) / 2))) ^ 2 = 1.
Proof.
  rewrite sinh_two_kc, cosh_two_kc.
  assert (Hs : sqrt 2 * sqrt 2 = 2) by (apply sqrt_sqrt; lra).
  assert (0 < sqrt 2) by (apply sqrt_lt_R0; lra).
  field_simplify_eq; [nra | lra].
Qed.

(** coth 2K_c = sqrt 2, hence the bulk energy per spin u(T_c) = -coth 2K_c = -sqrt 2. *)
Theorem onsager_energy_at_tc :
  - (cosh (2 * (ln (1 + sqrt 2) / 2)) / sinh (2 * (ln (1 + sqrt 2) / 2))) = - sqrt 2.
Proof. rewrite sinh_two_kc, cosh_two_kc. field. Qed.

Theorem onsager_energy_tc_bounds :
  -1.414213562374 <= - sqrt 2 <= -1.414213562373.
Proof. interval with (i_prec 70). Qed.

(** ** Random Energy Model: β_c(N) = sqrt(2 ln N) at the sizes the tests and the main job use *)

Theorem rem_beta_c_16 : 2.354820045030 <= sqrt (2 * ln 16) <= 2.354820045031.
Proof. interval with (i_prec 70). Qed.

Theorem rem_beta_c_64 : 2.884053773201 <= sqrt (2 * ln 64) <= 2.884053773202.
Proof. interval with (i_prec 70). Qed.

Theorem rem_beta_c_256 : 3.330218444630 <= sqrt (2 * ln 256) <= 3.330218444631.
Proof. interval with (i_prec 70). Qed.

Theorem rem_beta_c_1024 : 3.723297411059 <= sqrt (2 * ln 1024) <= 3.723297411060.
Proof. interval with (i_prec 70). Qed.

(** ** Sherrington–Kirkpatrick: the replica-symmetric ground energy -sqrt(2/π) *)

Theorem sk_rs_energy_bounds : -0.797884560803 <= - sqrt (2 / PI) <= -0.797884560802.
Proof. interval with (i_prec 70). Qed.

(** All certified numbers at once: [Print Assumptions] on this one theorem
    covers every proof above (it is built from them). *)
Theorem certified_constants :
  (2.269185314213 <= 2 / ln (1 + sqrt 2) <= 2.269185314214)
  /\ (0.440686793509 <= ln (1 + sqrt 2) / 2 <= 0.440686793510)
  /\ sinh (2 * (ln (1 + sqrt 2) / 2)) = 1
  /\ 2 * (sinh (2 * (ln (1 + sqrt 2) / 2)) / cosh (2 * (ln (1 + sqrt 2) / 2))) ^ 2 = 1
  /\ - (cosh (2 * (ln (1 + sqrt 2) / 2)) / sinh (2 * (ln (1 + sqrt 2) / 2))) = - sqrt 2
  /\ (-1.414213562374 <= - sqrt 2 <= -1.414213562373)
  /\ (2.354820045030 <= sqrt (2 * ln 16) <= 2.354820045031)
  /\ (2.884053773201 <= sqrt (2 * ln 64) <= 2.884053773202)
  /\ (3.330218444630 <= sqrt (2 * ln 256) <= 3.330218444631)
  /\ (3.723297411059 <= sqrt (2 * ln 1024) <= 3.723297411060)
  /\ (-0.797884560803 <= - sqrt (2 / PI) <= -0.797884560802).
Proof.
  exact (conj onsager_tc_bounds (conj onsager_kc_bounds (conj sinh_two_kc
    (conj tanh_two_kc_squared (conj onsager_energy_at_tc (conj onsager_energy_tc_bounds
    (conj rem_beta_c_16 (conj rem_beta_c_64 (conj rem_beta_c_256 (conj rem_beta_c_1024
    sk_rs_energy_bounds)))))))))).
Qed.
