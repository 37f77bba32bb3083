(** * Products of layer Boltzmann operators (seed 000 §4, eqs. 8-13).

    The document claims  Π_l e^(-β H^(l)) = e^(-β Σ_l H^(l))  (eq. 13, after
    eq. 11 with the error term dropped).  With the matrix exponential defined
    by its power series, entry by entry:
    - for commuting layers (diagonal matrices, and scalars) it is true, at every β;
    - for the two symmetric 2x2 projectors P = diag(1, 0) and Q = (1/2)[[1,1],[1,1]]
      (which do not commute) it is false at every β ≠ 0: the product of the
      exponentials is not symmetric, while the exponential of the symmetric
      sum is.  Their (1,2) and (2,1) entries differ by (e^(-β) - 1)²/2. *)

From Coq Require Import Reals Lra List FunctionalExtensionality.
Set Warnings "-ambiguous-paths".
From Coquelicot Require Import Coquelicot.
Import ListNotations.
Open Scope R_scope.

(** 2x2 real matrices, indexed by booleans (false = first row/column). *)
Definition M2 := bool -> bool -> R.
Definition mmul (A B : M2) : M2 := fun i j => A i false * B false j + A i true * B true j.
Definition madd (A B : M2) : M2 := fun i j => A i j + B i j.
Definition mscal (c : R) (A : M2) : M2 := fun i j => c * A i j.
Definition mid : M2 := fun i j => if Bool.eqb i j then 1 else 0.
Definition diag (x y : R) : M2 := fun i j => if Bool.eqb i j then (if i then y else x) else 0.
Fixpoint mpow (A : M2) (k : nat) : M2 :=
  match k with
  | O => mid
  | S k' => mmul A (mpow A k')
  end.
(** The matrix exponential, entry by entry from the power series Σ_k A^k / k!. *)
Definition mexp (A : M2) : M2 := fun i j => Series (fun k => mpow A k i j / INR (fact k)).
Definition symmetric (A : M2) : Prop := forall i j, A i j = A j i.

Ltac mext := apply functional_extensionality; intro i; apply functional_extensionality; intro j.

Lemma mmul_assoc (A B C : M2) : mmul A (mmul B C) = mmul (mmul A B) C.
Proof. mext. unfold mmul. ring. Qed.

Lemma exp_series (x : R) : is_series (fun k => x ^ k / INR (fact k)) (exp x).
Proof.
  generalize (is_exp_Reals x). unfold is_pseries. apply is_series_ext. intro k.
  rewrite pow_n_pow. unfold scal; simpl; unfold mult; simpl. unfold Rdiv. ring.
Qed.

Lemma zero_series : is_series (fun _ : nat => 0) 0.
Proof.
  assert (H := is_series_scal_l 0 _ _ (exp_series 0)).
  match type of H with
  | is_series _ ?l => replace l with 0 in H by (unfold scal; simpl; unfold mult; simpl; ring)
  end.
  revert H. apply is_series_ext. intro k. unfold scal; simpl; unfold mult; simpl. ring.
Qed.

(** ** Commuting layers: diagonal matrices *)

Lemma mpow_diag (x y : R) (k : nat) : mpow (diag x y) k = diag (x ^ k) (y ^ k).
Proof.
  induction k as [|k IH]; simpl.
  - mext. destruct i, j; reflexivity.
  - rewrite IH. mext. unfold mmul, diag. destruct i, j; simpl; ring.
Qed.

Lemma mexp_diag (x y : R) : mexp (diag x y) = diag (exp x) (exp y).
Proof.
  mext. unfold mexp.
  rewrite (Series_ext _ (fun k => diag (x ^ k) (y ^ k) i j / INR (fact k)))
    by (intro k; rewrite mpow_diag; reflexivity).
  apply is_series_unique. destruct i, j; simpl.
  - apply exp_series.
  - apply (is_series_ext (fun _ => 0)); [intro k; symmetry; apply Rmult_0_l | exact zero_series].
  - apply (is_series_ext (fun _ => 0)); [intro k; symmetry; apply Rmult_0_l | exact zero_series].
  - apply exp_series.
Qed.

(** Two commuting (diagonal) layer Hamiltonians: e^(-βH1) e^(-βH2) = e^(-β(H1+H2)), every β. *)
Theorem commuting_layers_exp_sum (beta x1 y1 x2 y2 : R) :
  mmul (mexp (mscal (- beta) (diag x1 y1))) (mexp (mscal (- beta) (diag x2 y2)))
  = mexp (mscal (- beta) (madd (diag x1 y1) (diag x2 y2))).
Proof.
  assert (Hs : forall c x y, mscal c (diag x y) = diag (c * x) (c * y))
    by (intros; mext; unfold mscal, diag; destruct i, j; simpl; ring).
  assert (Ha : madd (diag x1 y1) (diag x2 y2) = diag (x1 + x2) (y1 + y2))
    by (mext; unfold madd, diag; destruct i, j; simpl; ring).
  assert (E : forall a b, exp (- beta * (a + b)) = exp (- beta * a) * exp (- beta * b))
    by (intros; rewrite <- exp_plus; f_equal; ring).
  rewrite Ha, !Hs, !mexp_diag. mext. unfold mmul, diag.
  destruct i, j; simpl; rewrite ?E; ring.
Qed.

(** Scalar layers, any number L of them: Π_l e^(-β h_l) = e^(-β Σ_l h_l). *)
Theorem scalar_layers_exp_sum (beta : R) (hs : list R) :
  fold_right (fun h acc => exp (- beta * h) * acc) 1 hs
  = exp (- beta * fold_right Rplus 0 hs).
Proof.
  induction hs as [|h t IH]; simpl.
  - rewrite Rmult_0_r, exp_0. reflexivity.
  - rewrite IH, <- exp_plus. f_equal. ring.
Qed.

(** ** Non-commuting layers: the counterexample *)

Lemma mpow_scal (c : R) (A : M2) (k : nat) : mpow (mscal c A) k = mscal (c ^ k) (mpow A k).
Proof.
  induction k as [|k IH]; simpl.
  - mext. unfold mscal. ring.
  - rewrite IH. mext. unfold mmul, mscal. ring.
Qed.

Lemma mpow_projector (P : M2) (k : nat) : mmul P P = P -> mpow P (S k) = P.
Proof.
  intro HP. induction k as [|k IH].
  - simpl. mext. unfold mmul, mid. destruct j; simpl; ring.
  - change (mpow P (S (S k))) with (mmul P (mpow P (S k))). rewrite IH. exact HP.
Qed.

(** For a projector P (P² = P): e^(tP) = I + (e^t - 1) P. *)
Lemma mexp_projector (t : R) (P : M2) :
  mmul P P = P -> mexp (mscal t P) = fun i j => mid i j + (exp t - 1) * P i j.
Proof.
  intro HP. mext. unfold mexp. apply is_series_unique.
  assert (Htail : is_series (fun k => t ^ S k / INR (fact (S k))) (exp t - 1)).
  { apply (is_series_incr_1 (fun k => t ^ k / INR (fact k))).
    match goal with
    | |- is_series _ ?l => replace l with (exp t) by (simpl; unfold plus; simpl; field)
    end.
    apply exp_series. }
  apply is_series_decr_1.
  match goal with |- is_series _ ?l => replace l with (scal (P i j) (exp t - 1)) end.
  2: { unfold plus, opp, scal; simpl; unfold mult; simpl. unfold mid.
       destruct i, j; simpl; field. }
  apply (is_series_ext (fun k => scal (P i j) (t ^ S k / INR (fact (S k))))).
  - intro k. rewrite mpow_scal, mpow_projector by exact HP.
    unfold scal; simpl; unfold mult; simpl. unfold mscal, Rdiv. ring.
  - exact (is_series_scal_l (P i j) _ _ Htail).
Qed.

Lemma mpow_comm (A : M2) (k : nat) : mmul A (mpow A k) = mmul (mpow A k) A.
Proof.
  induction k as [|k IH]; simpl.
  - mext. unfold mmul, mid. destruct i, j; simpl; ring.
  - rewrite IH at 1. rewrite mmul_assoc. reflexivity.
Qed.

Lemma mpow_symmetric (A : M2) (k : nat) : symmetric A -> symmetric (mpow A k).
Proof.
  intro HA. induction k as [|k IH]; intros i j.
  - unfold mpow, mid. destruct i, j; reflexivity.
  - change (mpow A (S k)) with (mmul A (mpow A k)).
    transitivity (mmul (mpow A k) A j i).
    + unfold mmul. rewrite (HA i false), (HA i true), (IH false j), (IH true j). ring.
    + rewrite (mpow_comm A k). reflexivity.
Qed.

(** The exponential of a symmetric matrix is symmetric. *)
Lemma mexp_symmetric (A : M2) : symmetric A -> symmetric (mexp A).
Proof.
  intros HA i j. unfold mexp. apply Series_ext. intro k. rewrite (mpow_symmetric A k HA i j).
  reflexivity.
Qed.

(** The two layer Hamiltonians of the counterexample. *)
Definition P : M2 := diag 1 0.
Definition Q : M2 := fun _ _ => / 2.

(** They do not commute: PQ <> QP. *)
Theorem layers_do_not_commute : mmul P Q <> mmul Q P.
Proof.
  intro H. apply (f_equal (fun M => M false true)) in H.
  unfold mmul, P, Q, diag in H. simpl in H. lra.
Qed.

(** Eq. 13 is false without commutation: for the symmetric projectors P and Q,
    e^(-βP) e^(-βQ) <> e^(-β(P+Q)) at every β <> 0. *)
Theorem eq13_false_without_commutation (beta : R) :
  beta <> 0 ->
  mmul (mexp (mscal (- beta) P)) (mexp (mscal (- beta) Q))
  <> mexp (mscal (- beta) (madd P Q)).
Proof.
  intros Hb Heq.
  assert (HP : mmul P P = P) by (mext; unfold mmul, P, diag; destruct i, j; simpl; ring).
  assert (HQ : mmul Q Q = Q) by (mext; unfold mmul, Q; field).
  assert (Hsym : symmetric (mexp (mscal (- beta) (madd P Q)))).
  { apply mexp_symmetric. intros i j. unfold mscal, madd, P, Q, diag.
    destruct i, j; reflexivity. }
  rewrite <- Heq, (mexp_projector _ _ HP), (mexp_projector _ _ HQ) in Hsym.
  specialize (Hsym false true). unfold mmul, mid, P, Q, diag in Hsym. simpl in Hsym.
  set (c := exp (- beta) - 1) in Hsym.
  assert (Hc : c * c = 0) by lra.
  apply Rmult_integral in Hc. assert (Hc0 : c = 0) by (destruct Hc; assumption).
  unfold c in Hc0. assert (Hexp : exp (- beta) = exp 0) by (rewrite exp_0; lra).
  apply exp_inv in Hexp. lra.
Qed.

(** How far from symmetric the product is: its (1,2) and (2,1) entries differ
    by exactly (e^(-β) - 1)² / 2, for every β. *)
Theorem layer_product_asymmetry (beta : R) :
  let M := mmul (mexp (mscal (- beta) P)) (mexp (mscal (- beta) Q)) in
  M false true - M true false = (exp (- beta) - 1) ^ 2 / 2.
Proof.
  assert (HP : mmul P P = P) by (mext; unfold mmul, P, diag; destruct i, j; simpl; ring).
  assert (HQ : mmul Q Q = Q) by (mext; unfold mmul, Q; field).
  simpl. rewrite (mexp_projector _ _ HP), (mexp_projector _ _ HQ).
  unfold mmul, mid, P, Q, diag. simpl. field.
Qed.
