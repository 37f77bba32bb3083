(** * Thermodynamic identities of a finite Gibbs ensemble.

    For a non-empty list of energies and real β:
    d ln Z/dβ = -U, d(-U)/dβ = Var(E) >= 0 (so ln Z is convex and
    C = β² Var(E) >= 0), S = β U + ln Z, 0 <= S <= ln N, S(0) = ln N, and
    F = -ln Z/β <= U for β > 0.  These are the facts the Gibbs-ensemble core
    [isingformer.ensemble.thermodynamics] computes. *)

From Coq Require Import Reals Lra List.
Set Warnings "-ambiguous-paths".
From Coquelicot Require Import Coquelicot.
From Isingformer Require Import Gibbs.
Import ListNotations.
Open Scope R_scope.

(** First and second moments of the unnormalised weights. *)
Definition Z1 (beta : R) (es : list R) : R := sumR (map (fun e => e * boltz beta e) es).
Definition Z2 (beta : R) (es : list R) : R := sumR (map (fun e => e * e * boltz beta e) es).

(** Internal energy, energy variance, free energy, entropy. *)
Definition U (beta : R) (es : list R) : R := Z1 beta es / Z beta es.
Definition Var (beta : R) (es : list R) : R := Z2 beta es / Z beta es - U beta es ^ 2.
Definition F (beta : R) (es : list R) : R := - ln (Z beta es) / beta.
Definition S (beta : R) (es : list R) : R :=
  - sumR (map (fun p => p * ln p) (gibbs beta es)).

(** ** Derivatives of sums *)

Lemma is_derive_const_R (a x : R) : is_derive (fun _ : R => a) x 0.
Proof. apply (@is_derive_const R_AbsRing R_NormedModule). Qed.

Lemma is_derive_plus_R (f g : R -> R) (x df dg : R) :
  is_derive f x df -> is_derive g x dg -> is_derive (fun y => f y + g y) x (df + dg).
Proof. intros. now apply (@is_derive_plus R_AbsRing R_NormedModule). Qed.

Lemma is_derive_sumR (f df : R -> R -> R) (es : list R) (beta : R) :
  (forall e, is_derive (fun b => f b e) beta (df beta e)) ->
  is_derive (fun b => sumR (map (f b) es)) beta (sumR (map (df beta) es)).
Proof.
  intro H. induction es as [|e t IH]; simpl.
  - apply is_derive_const_R.
  - apply (is_derive_plus_R (fun b => f b e) (fun b => sumR (map (f b) t))); auto.
Qed.

Lemma is_derive_boltz (e beta : R) :
  is_derive (fun b => boltz b e) beta (- e * boltz beta e).
Proof.
  unfold boltz. auto_derive; [exact I | ring].
Qed.

Lemma is_derive_Z (es : list R) (beta : R) :
  is_derive (fun b => Z b es) beta (- Z1 beta es).
Proof.
  unfold Z, Z1.
  replace (- sumR (map (fun e => e * boltz beta e) es))
    with (sumR (map (fun e => - e * boltz beta e) es)).
  - apply (is_derive_sumR (fun b e => boltz b e) (fun b e => - e * boltz b e)).
    intro e. apply is_derive_boltz.
  - induction es as [|e t IH]; simpl; [ring | rewrite IH; ring].
Qed.

Lemma is_derive_Z1 (es : list R) (beta : R) :
  is_derive (fun b => Z1 b es) beta (- Z2 beta es).
Proof.
  unfold Z1, Z2.
  replace (- sumR (map (fun e => e * e * boltz beta e) es))
    with (sumR (map (fun e => e * (- e * boltz beta e)) es)).
  - apply (is_derive_sumR (fun b e => e * boltz b e) (fun b e => e * (- e * boltz b e))).
    intro e. apply (is_derive_scal (fun b => boltz b e)). apply is_derive_boltz.
  - induction es as [|e t IH]; simpl; [ring | rewrite IH; ring].
Qed.

(** ** Sums of non-negative terms *)

Lemma sumR_nonneg (xs : list R) : (forall x, In x xs -> 0 <= x) -> 0 <= sumR xs.
Proof.
  induction xs as [|x t IH]; simpl; intro H; [lra|].
  assert (0 <= x) by (apply H; now left).
  assert (0 <= sumR t) by (apply IH; intros; apply H; now right). lra.
Qed.

Lemma sumR_le_in (xs : list R) (x : R) :
  (forall y, In y xs -> 0 <= y) -> In x xs -> x <= sumR xs.
Proof.
  induction xs as [|y t IH]; simpl; intros H Hin; [contradiction|].
  destruct Hin as [<- | Hin].
  - assert (0 <= sumR t) by (apply sumR_nonneg; intros; apply H; now right). lra.
  - assert (0 <= y) by (apply H; now left).
    assert (x <= sumR t) by (apply IH; auto). lra.
Qed.

Lemma sumR_map_plus (f g : R -> R) (xs : list R) :
  sumR (map (fun x => f x + g x) xs) = sumR (map f xs) + sumR (map g xs).
Proof. induction xs as [|x t IH]; simpl; [ring | rewrite IH; ring]. Qed.

Lemma sumR_map_mult_l (c : R) (f : R -> R) (xs : list R) :
  sumR (map (fun x => c * f x) xs) = c * sumR (map f xs).
Proof. induction xs as [|x t IH]; simpl; [ring | rewrite IH; ring]. Qed.

Lemma sumR_opp (xs : list R) : sumR (map Ropp xs) = - sumR xs.
Proof. induction xs as [|x t IH]; simpl; [ring | rewrite IH; ring]. Qed.

Lemma sumR_opp' (f : R -> R) (xs : list R) :
  sumR (map (fun x => - f x) xs) = - sumR (map f xs).
Proof. induction xs as [|x t IH]; simpl; [ring | rewrite IH; ring]. Qed.

Lemma Z_nonzero (beta : R) (es : list R) : es <> [] -> Z beta es <> 0.
Proof. intro H. apply Rgt_not_eq, Z_pos, H. Qed.

(** Weighted squared deviation about any centre c. *)
Lemma spread_expand (beta c : R) (es : list R) :
  sumR (map (fun e => boltz beta e * (e - c) ^ 2) es)
  = Z2 beta es - 2 * c * Z1 beta es + c ^ 2 * Z beta es.
Proof.
  unfold Z, Z1, Z2. induction es as [|e t IH]; cbn [sumR map]; [ring | rewrite IH; ring].
Qed.

(** ** Theorems *)

(** d ln Z / dβ = -U. *)
Theorem dlogZ_dbeta (beta : R) (es : list R) :
  es <> [] -> is_derive (fun b => ln (Z b es)) beta (- U beta es).
Proof.
  intro Hne.
  assert (H := is_derive_comp ln (fun b => Z b es) beta _ _
                 (is_derive_ln _ (Z_pos beta es Hne)) (is_derive_Z es beta)).
  eapply is_derive_ext; [intro; reflexivity|].
  replace (- U beta es) with (scal (- Z1 beta es) (/ Z beta es)); [exact H|].
  unfold U, scal; simpl; unfold mult; simpl. field. apply Z_nonzero, Hne.
Qed.

(** d²ln Z/dβ² = d(-U)/dβ = Var(E). *)
Theorem d2logZ_dbeta2 (beta : R) (es : list R) :
  es <> [] -> is_derive (fun b => - U b es) beta (Var beta es).
Proof.
  intro Hne. unfold U.
  assert (H := is_derive_div _ _ beta _ _ (is_derive_Z1 es beta) (is_derive_Z es beta)
                 (Z_nonzero beta es Hne)).
  assert (H' := is_derive_opp _ _ _ H).
  replace (Var beta es) with
    (opp ((- Z2 beta es * Z beta es - Z1 beta es * - Z1 beta es) / Z beta es ^ 2)).
  - exact H'.
  - unfold opp; simpl. unfold Var, U. field. apply Z_nonzero, Hne.
Qed.

(** The variance is the mean squared deviation from U, hence >= 0. *)
Theorem variance_nonneg (beta : R) (es : list R) : es <> [] -> 0 <= Var beta es.
Proof.
  intro Hne. assert (HZ := Z_pos beta es Hne).
  assert (Hv : Var beta es
               = sumR (map (fun e => boltz beta e * (e - U beta es) ^ 2) es) / Z beta es).
  { rewrite spread_expand. unfold Var, U. field. lra. }
  rewrite Hv. apply Rmult_le_pos; [| left; apply Rinv_0_lt_compat, HZ].
  apply sumR_nonneg. intros x Hx. apply in_map_iff in Hx. destruct Hx as [e [<- _]].
  apply Rmult_le_pos; [left; apply exp_pos | apply pow2_ge_0].
Qed.

(** ln Z is convex: its second derivative Var(E) is >= 0 at every β. *)
Theorem logZ_convex (beta : R) (es : list R) :
  es <> [] ->
  is_derive (fun b => - U b es) beta (Var beta es) /\ 0 <= Var beta es.
Proof. intro Hne. split; [apply d2logZ_dbeta2 | apply variance_nonneg]; exact Hne. Qed.

(** The heat capacity C = β² Var(E) is >= 0. *)
Theorem heat_capacity_nonneg (beta : R) (es : list R) :
  es <> [] -> 0 <= beta ^ 2 * Var beta es.
Proof.
  intro Hne. apply Rmult_le_pos; [apply pow2_ge_0 | apply variance_nonneg, Hne].
Qed.

Lemma ln_gibbs_weight (beta e : R) (es : list R) :
  es <> [] -> ln (boltz beta e / Z beta es) = - beta * e - ln (Z beta es).
Proof.
  intro Hne. unfold boltz. rewrite ln_div; [| apply exp_pos | apply Z_pos, Hne].
  rewrite ln_exp. reflexivity.
Qed.

(** S = β U + ln Z, i.e. F = U - S/β. *)
Theorem entropy_identity (beta : R) (es : list R) :
  es <> [] -> S beta es = beta * U beta es + ln (Z beta es).
Proof.
  intro Hne. unfold S, gibbs. rewrite map_map.
  rewrite (map_ext_in _ (fun e => (- beta) * (e * boltz beta e / Z beta es)
                                   + (- ln (Z beta es)) * (boltz beta e / Z beta es))).
  2: { intros e _. rewrite ln_gibbs_weight by exact Hne. field. apply Z_nonzero, Hne. }
  rewrite sumR_map_plus, !sumR_map_mult_l.
  rewrite (sumR_map_scal (Z beta es) (fun e => e * boltz beta e)).
  rewrite (sumR_map_scal (Z beta es) (boltz beta)).
  fold (Z1 beta es). fold (Z beta es). unfold U. field. apply Z_nonzero, Hne.
Qed.

Lemma gibbs_weight_le_one (beta e : R) (es : list R) :
  es <> [] -> In e es -> boltz beta e / Z beta es <= 1.
Proof.
  intros Hne Hin. assert (HZ := Z_pos beta es Hne).
  apply (Rmult_le_reg_r (Z beta es)); [exact HZ|].
  unfold Rdiv. rewrite Rmult_assoc, Rinv_l, Rmult_1_r, Rmult_1_l by lra.
  apply sumR_le_in.
  - intros y Hy. apply in_map_iff in Hy. destruct Hy as [x [<- _]]. left. apply exp_pos.
  - apply in_map. exact Hin.
Qed.

(** The entropy is >= 0. *)
Theorem entropy_nonneg (beta : R) (es : list R) : es <> [] -> 0 <= S beta es.
Proof.
  intro Hne. unfold S.
  enough (sumR (map (fun p => p * ln p) (gibbs beta es)) <= 0) by lra.
  rewrite <- Ropp_0. rewrite <- (Ropp_involutive (sumR _)). apply Ropp_le_contravar.
  rewrite <- sumR_opp, map_map. apply sumR_nonneg. intros x Hx.
  apply in_map_iff in Hx. destruct Hx as [p [<- Hp]].
  assert (H0 : 0 < p) by (eapply gibbs_weights_positive; eauto).
  assert (H1 : p <= 1).
  { unfold gibbs in Hp. apply in_map_iff in Hp. destruct Hp as [e [<- Hin]].
    apply gibbs_weight_le_one; auto. }
  assert (ln p <= 0).
  { rewrite <- ln_1. destruct H1 as [Hlt | ->]; [left; apply ln_increasing; lra | lra]. }
  assert (p * ln p <= 0) by (apply Rmult_le_0_l; lra). lra.
Qed.

(** F = -ln Z/β <= U at every β > 0. *)
Theorem free_energy_le_energy (beta : R) (es : list R) :
  es <> [] -> 0 < beta -> F beta es <= U beta es.
Proof.
  intros Hne Hb. assert (HS := entropy_nonneg beta es Hne).
  rewrite entropy_identity in HS by exact Hne. unfold F.
  apply (Rmult_le_reg_r beta); [exact Hb|].
  unfold Rdiv. rewrite Rmult_assoc, Rinv_l by lra. lra.
Qed.

Lemma ln_ge_one_minus_inv (y : R) : 0 < y -> 1 - / y <= ln y.
Proof.
  intro Hy. assert (H := exp_ineq1_le (- ln y)).
  rewrite exp_Ropp, exp_ln in H by exact Hy. lra.
Qed.

Lemma length_gibbs (beta : R) (es : list R) : length (gibbs beta es) = length es.
Proof. unfold gibbs. apply map_length. Qed.

Lemma sumR_const (c : R) (xs : list R) :
  sumR (map (fun _ => c) xs) = INR (length xs) * c.
Proof.
  induction xs as [|x t IH]; cbn [sumR map length]; [simpl; ring|]. rewrite IH, S_INR. ring.
Qed.

Lemma sumR_map_minus_const (c : R) (xs : list R) :
  sumR (map (fun x => x - c) xs) = sumR xs - INR (length xs) * c.
Proof.
  induction xs as [|x t IH]; cbn [sumR map length]; [simpl; ring|]. rewrite IH, S_INR. ring.
Qed.

Lemma sumR_map_mult_r (c : R) (f : R -> R) (xs : list R) :
  sumR (map (fun x => f x * c) xs) = sumR (map f xs) * c.
Proof. induction xs as [|x t IH]; simpl; [ring | rewrite IH; ring]. Qed.

(** S <= ln N for N states (Gibbs' inequality). *)
Theorem entropy_le_log_states (beta : R) (es : list R) :
  es <> [] -> S beta es <= ln (INR (length es)).
Proof.
  intro Hne. set (n := INR (length es)).
  assert (Hn : 0 < n).
  { unfold n. destruct es; [contradiction | simpl length; rewrite S_INR].
    assert (0 <= INR (length es)) by apply pos_INR. lra. }
  set (ps := gibbs beta es).
  assert (Hpos : forall p, In p ps -> 0 < p) by (apply gibbs_weights_positive, Hne).
  assert (Hsum : sumR ps = 1) by (apply gibbs_sum_one, Hne).
  assert (Hlen : INR (length ps) = n) by (unfold ps, n; rewrite length_gibbs; reflexivity).
  (* ln n - S = sum p ln (n p) >= sum (p - 1/n) = 0 *)
  assert (Hk : forall xs : list R, (forall p, In p xs -> 0 < p) ->
            sumR (map (fun p => p - / n) xs) <= sumR (map (fun p => p * ln p + p * ln n) xs)).
  { intros xs Hxs. induction xs as [|p t IH]; simpl; [lra|].
    assert (Hp : 0 < p) by (apply Hxs; now left).
    assert (Hl := ln_ge_one_minus_inv (p * n) (Rmult_lt_0_compat _ _ Hp Hn)).
    rewrite ln_mult in Hl by lra.
    assert (p - / n <= p * ln p + p * ln n).
    { apply (Rmult_le_compat_l p) in Hl; [|lra].
      replace (p * (1 - / (p * n))) with (p - / n) in Hl by (field; lra). lra. }
    assert (sumR (map (fun p => p - / n) t) <= sumR (map (fun p => p * ln p + p * ln n) t))
      by (apply IH; intros; apply Hxs; now right).
    lra. }
  specialize (Hk ps Hpos).
  rewrite sumR_map_plus in Hk.
  rewrite sumR_map_minus_const, sumR_map_mult_r, map_id, Hsum, Hlen in Hk.
  unfold S. fold ps.
  assert (1 - n * / n = 0) by (field; lra). lra.
Qed.

(** At β = 0 the distribution is uniform and S = ln N. *)
Theorem entropy_at_infinite_temperature (es : list R) :
  es <> [] ->
  gibbs 0 es = map (fun _ => / INR (length es)) es /\ S 0 es = ln (INR (length es)).
Proof.
  intro Hne.
  assert (HZ : Z 0 es = INR (length es)).
  { unfold Z, boltz. rewrite <- (Rmult_1_r (INR _)), <- sumR_const.
    f_equal. apply map_ext. intro e. rewrite Ropp_0, Rmult_0_l, exp_0. reflexivity. }
  assert (Hu : gibbs 0 es = map (fun _ => / INR (length es)) es).
  { unfold gibbs. rewrite HZ. apply map_ext. intro e. unfold boltz.
    rewrite Ropp_0, Rmult_0_l, exp_0. unfold Rdiv. ring. }
  split; [exact Hu|].
  assert (Hn : 0 < INR (length es)).
  { destruct es; [contradiction | simpl length; rewrite S_INR].
    assert (0 <= INR (length es)) by apply pos_INR. lra. }
  unfold S. rewrite Hu, map_map, sumR_const, ln_Rinv by exact Hn. field. lra.
Qed.

Lemma ln_gt_one_minus_inv (y : R) : 0 < y -> y <> 1 -> 1 - / y < ln y.
Proof.
  intros Hy H1. assert (Hl : - ln y <> 0).
  { intro H. apply H1. rewrite <- (exp_ln y Hy).
    replace (ln y) with 0 by lra. apply exp_0. }
  assert (H := exp_ineq1 (- ln y) Hl).
  rewrite exp_Ropp, exp_ln in H by exact Hy. lra.
Qed.

Lemma sumR_nonneg_zero (xs : list R) :
  (forall x, In x xs -> 0 <= x) -> sumR xs = 0 -> forall x, In x xs -> x = 0.
Proof.
  induction xs as [|y t IH]; simpl; intros Hnn Hs x Hx; [contradiction|].
  assert (Hy : 0 <= y) by (apply Hnn; now left).
  assert (Ht : 0 <= sumR t) by (apply sumR_nonneg; intros; apply Hnn; now right).
  destruct Hx as [<- | Hx]; [lra|].
  apply IH; [intros; apply Hnn; now right | lra | exact Hx].
Qed.

(** S = ln N only where the distribution is uniform: at β = 0, or when every
    energy is the same.  (So "S = ln N exactly at β = 0" holds except for a
    fully degenerate ensemble, where S = ln N at every β.) *)
Theorem entropy_max_only_if_uniform (beta : R) (es : list R) :
  es <> [] -> S beta es = ln (INR (length es)) ->
  beta = 0 \/ (forall e1 e2, In e1 es -> In e2 es -> e1 = e2).
Proof.
  intros Hne HS. set (n := INR (length es)).
  assert (Hn : 0 < n).
  { unfold n. destruct es; [contradiction | simpl length; rewrite S_INR].
    assert (0 <= INR (length es)) by apply pos_INR. lra. }
  set (ps := gibbs beta es).
  assert (Hpos : forall p, In p ps -> 0 < p) by (apply gibbs_weights_positive, Hne).
  assert (Hsum : sumR ps = 1) by (apply gibbs_sum_one, Hne).
  assert (Hlen : INR (length ps) = n) by (unfold ps, n; rewrite length_gibbs; reflexivity).
  (* the excess terms p ln (n p) - (p - 1/n) are >= 0 and sum to ln n - S = 0 *)
  set (g := fun p => p * ln p + p * ln n - (p - / n)).
  assert (Hg : forall p, 0 < p -> 0 <= g p /\ (g p = 0 -> p * n = 1)).
  { intros p Hp. unfold g. rewrite <- Rmult_plus_distr_l, <- ln_mult by lra.
    destruct (Req_EM_T (p * n) 1) as [E | E].
    - split; [|intros; exact E]. rewrite E, ln_1.
      assert (p = / n) by (apply (Rmult_eq_reg_r n); [rewrite Rinv_l; lra | lra]). lra.
    - assert (Hl := ln_gt_one_minus_inv (p * n) (Rmult_lt_0_compat _ _ Hp Hn) E).
      apply (Rmult_lt_compat_l p) in Hl; [|lra].
      replace (p * (1 - / (p * n))) with (p - / n) in Hl by (field; lra).
      split; intros; lra. }
  assert (Hzero : sumR (map g ps) = 0).
  { unfold g. rewrite (map_ext (fun p => p * ln p + p * ln n - (p - / n))
                              (fun p => p * ln p + (p * ln n + - (p - / n)))) by (intro; ring).
    rewrite !sumR_map_plus, sumR_opp', sumR_map_minus_const, sumR_map_mult_r, map_id.
    rewrite Hsum, Hlen. unfold S in HS. fold ps in HS. fold n in HS.
    assert (n * / n = 1) by (field; lra). lra. }
  assert (Hall : forall p, In p ps -> p * n = 1).
  { intros p Hp. apply (proj2 (Hg p (Hpos p Hp))).
    apply (sumR_nonneg_zero (map g ps)); [| exact Hzero | apply in_map, Hp].
    intros x Hx. apply in_map_iff in Hx. destruct Hx as [q [<- Hq]].
    apply (Hg q (Hpos q Hq)). }
  destruct (Req_EM_T beta 0) as [B | B]; [left; exact B | right].
  intros e1 e2 H1 H2.
  assert (W : forall e, In e es -> boltz beta e = Z beta es / n).
  { intros e He. assert (Hp := Hall (boltz beta e / Z beta es)).
    assert (HZ := Z_pos beta es Hne).
    assert (Hin : In (boltz beta e / Z beta es) ps)
      by (unfold ps, gibbs; apply in_map with (f := fun e => boltz beta e / Z beta es); exact He).
    specialize (Hp Hin). apply (Rmult_eq_reg_r n); [|lra].
    unfold Rdiv in *. rewrite Rmult_assoc, Rinv_l by lra.
    apply (Rmult_eq_reg_r (/ Z beta es)); [|apply Rinv_neq_0_compat; lra].
    rewrite Rmult_1_r, Rinv_r by lra. rewrite <- Hp. ring. }
  assert (E : exp (- beta * e1) = exp (- beta * e2)).
  { change (boltz beta e1 = boltz beta e2). rewrite (W e1 H1), (W e2 H2). reflexivity. }
  apply exp_inv in E.
  apply (Rmult_eq_reg_l (- beta)); [exact E | lra].
Qed.
