(** * What three statements of the seed's Lean 4 sketch (§9) actually say.

    Each is checked here as written, and each turns out to carry no content:
    the sketch's partition function is identically 0, its finite-size-scaling
    "theorem" holds for every function whatsoever, and its RG fixed-point
    "theorem" assumes its conclusion. *)

From Coq Require Import Reals Lra List.
Import ListNotations.
Open Scope R_scope.

(** The sketch folds the Boltzmann weights over [allStates := []]: Z = 0 for
    every model, every Hamiltonian and every β (so its free energy is
    -(1/β) log 0). *)
Theorem sketch_partition_function_is_zero (S : Type) (H : S -> R) (beta : R) :
  fold_left (fun acc s => acc + exp (- beta * H s)) (@nil S) 0 = 0.
Proof. reflexivity. Qed.

(** "∃ f, χ = N^(γ/ν) f((T - T_c) N^(1/ν))" holds for any number χ whatsoever
    (take the constant f = χ / N^(γ/ν)): the statement says nothing about the model. *)
Theorem sketch_fss_is_vacuous (chi N gamma nu T Tc : R) :
  0 < N -> exists f : R -> R, chi = Rpower N (gamma / nu) * f ((T - Tc) * Rpower N (1 / nu)).
Proof.
  intro HN. exists (fun _ => chi / Rpower N (gamma / nu)).
  assert (0 < Rpower N (gamma / nu)) by (unfold Rpower; apply exp_pos).
  field. lra.
Qed.

(** "If RGFlow J* = J* then some J has RGFlow J = J": true of every map on
    every type, because the hypothesis is the conclusion. *)
Theorem sketch_rg_fixed_point_is_tautology (X : Type) (flow : X -> X) (x : X) :
  flow x = x -> exists y, flow y = y.
Proof. intro H. exists x. exact H. Qed.
