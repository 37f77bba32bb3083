(** * The limits of seed 000 §8: low and high temperature.

    As β → +∞ the Gibbs weights concentrate on the minimum-energy keys: a key
    above the ground energy gets weight → 0, and each of the m keys at the
    ground energy gets weight → 1/m (so the ground states share all the mass;
    a unique minimum gets all of it).  As β → 0 every weight tends to 1/N. *)

From Coq Require Import Reals Lra List.
Set Warnings "-ambiguous-paths".
From Coquelicot Require Import Coquelicot.
From Isingformer Require Import Gibbs Thermodynamics.
Import ListNotations.
Open Scope R_scope.

(** Number of keys at energy [emin]. *)
Definition ground_count (emin : R) (es : list R) : R :=
  sumR (map (fun e => if Req_EM_T e emin then 1 else 0) es).

(** Weights measured from the ground energy: Σ exp(-β (e - emin)). *)
Definition Zshift (beta emin : R) (es : list R) : R :=
  sumR (map (fun e => exp (- beta * (e - emin))) es).

Lemma Zshift_Z (beta emin : R) (es : list R) :
  Zshift beta emin es = Z beta es * exp (beta * emin).
Proof.
  unfold Zshift, Z, boltz. induction es as [|e t IH]; cbn [sumR map]; [ring|].
  rewrite IH, Rmult_plus_distr_r, <- exp_plus. f_equal. f_equal. ring.
Qed.

Lemma lim_neg_scaled (d : R) : 0 < d -> is_lim (fun b => - b * d) p_infty m_infty.
Proof.
  intro Hd.
  assert (H1 : is_lim (fun b => - b) p_infty m_infty)
    by exact (is_lim_opp (fun y => y) p_infty p_infty (is_lim_id p_infty)).
  assert (H2 := is_lim_scal_r _ d _ _ H1).
  replace m_infty with (Rbar_mult m_infty d); [exact H2|].
  apply is_Rbar_mult_unique, is_Rbar_mult_m_infty_pos. exact Hd.
Qed.

Lemma exp_neg_lim (d : R) : 0 < d -> is_lim (fun b => exp (- b * d)) p_infty 0.
Proof.
  intro Hd.
  apply (is_lim_comp (fun y => exp y) (fun b => - b * d) p_infty 0 m_infty).
  - apply is_lim_exp_m.
  - apply lim_neg_scaled, Hd.
  - exists 0. intros; discriminate.
Qed.

Lemma boltz_le_Z (beta e : R) (es : list R) : In e es -> boltz beta e <= Z beta es.
Proof.
  intro Hin. unfold Z. apply sumR_le_in.
  - intros y Hy. apply in_map_iff in Hy. destruct Hy as [x [<- _]]. left. apply exp_pos.
  - apply in_map. exact Hin.
Qed.

(** ** Theorems *)

(** β → +∞: a key above the ground energy emin loses all its weight. *)
Theorem gibbs_excited_weight_vanishes (emin e : R) (es : list R) :
  In emin es -> emin < e ->
  is_lim (fun b => boltz b e / Z b es) p_infty 0.
Proof.
  intros Hmin Hgt.
  apply (is_lim_le_le_loc (fun _ => 0) (fun b => exp (- b * (e - emin)))).
  - exists 0. intros b Hb.
    assert (Hz : 0 < Z b es) by (apply Z_pos; destruct es; [contradiction | discriminate]).
    split.
    + unfold Rdiv. apply Rmult_le_pos; [left; apply exp_pos | left; apply Rinv_0_lt_compat, Hz].
    + apply (Rmult_le_reg_r (Z b es)); [exact Hz|].
      unfold Rdiv. rewrite Rmult_assoc, Rinv_l, Rmult_1_r by lra.
      apply Rle_trans with (exp (- b * (e - emin)) * boltz b emin).
      * unfold boltz. rewrite <- exp_plus. right. f_equal. ring.
      * apply Rmult_le_compat_l; [left; apply exp_pos | apply boltz_le_Z, Hmin].
  - apply is_lim_const.
  - apply exp_neg_lim. lra.
Qed.

Lemma Zshift_lim (emin : R) (es : list R) :
  (forall e, In e es -> emin <= e) ->
  is_lim (fun b => Zshift b emin es) p_infty (ground_count emin es).
Proof.
  intro Hge. unfold Zshift, ground_count. induction es as [|e t IH]; cbn [sumR map].
  - apply is_lim_const.
  - apply (is_lim_plus _ _ p_infty
             (if Req_EM_T e emin then 1 else 0) (sumR (map (fun e => if Req_EM_T e emin then 1 else 0) t))).
    + destruct (Req_EM_T e emin) as [-> | Hne].
      * apply (is_lim_ext (fun _ => 1)); [intro b; replace (- b * (emin - emin)) with 0 by ring; rewrite exp_0; reflexivity|].
        apply is_lim_const.
      * assert (emin < e) by (destruct (Hge e (or_introl eq_refl)); [assumption | congruence]).
        apply exp_neg_lim. lra.
    + apply IH. intros; apply Hge; now right.
    + unfold is_Rbar_plus, Rbar_plus'. destruct (Req_EM_T e emin); reflexivity.
Qed.

Lemma ground_count_pos (emin : R) (es : list R) : In emin es -> 1 <= ground_count emin es.
Proof.
  unfold ground_count. induction es as [|e t IH]; cbn [sumR map]; intro Hin; [contradiction|].
  assert (Hnn : 0 <= sumR (map (fun e => if Req_EM_T e emin then 1 else 0) t)).
  { apply sumR_nonneg. intros x Hx. apply in_map_iff in Hx. destruct Hx as [y [<- _]].
    destruct (Req_EM_T y emin); lra. }
  destruct Hin as [-> | Hin].
  - destruct (Req_EM_T emin emin) as [_ | C]; [lra | congruence].
  - specialize (IH Hin). destruct (Req_EM_T e emin); lra.
Qed.

(** β → +∞: each of the m keys at the ground energy gets weight → 1/m
    (all the mass ends on the ground states; a unique minimum takes it all). *)
Theorem gibbs_ground_weight_limit (emin : R) (es : list R) :
  In emin es -> (forall e, In e es -> emin <= e) ->
  is_lim (fun b => boltz b emin / Z b es) p_infty (/ ground_count emin es).
Proof.
  intros Hin Hge. assert (Hc := ground_count_pos emin es Hin).
  apply (is_lim_ext (fun b => / Zshift b emin es)).
  - intro b. rewrite Zshift_Z. unfold boltz. rewrite Rinv_mult.
    replace (- b * emin) with (- (b * emin)) by ring. rewrite exp_Ropp. unfold Rdiv. ring.
  - apply (is_lim_inv _ p_infty (ground_count emin es)).
    + apply Zshift_lim, Hge.
    + intro H. injection H. lra.
Qed.

(** β → 0: every weight tends to 1/N (the uniform, fully disordered row). *)
Theorem gibbs_high_temperature_limit (e : R) (es : list R) :
  In e es -> is_lim (fun b => boltz b e / Z b es) 0 (/ INR (length es)).
Proof.
  intro Hin. assert (Hne : es <> []) by (destruct es; [contradiction | discriminate]).
  assert (Hd := is_derive_div _ _ 0 _ _ (is_derive_boltz e 0) (is_derive_Z es 0)
                  (Z_nonzero 0 es Hne)).
  apply is_derive_Reals in Hd.
  assert (Hc : continuity_pt (fun b => boltz b e / Z b es) 0)
    by (apply derivable_continuous_pt; eexists; exact Hd).
  replace (/ INR (length es)) with (boltz 0 e / Z 0 es).
  - exact (is_lim_continuity (fun b => boltz b e / Z b es) 0 Hc).
  - destruct (entropy_at_infinite_temperature es Hne) as [Hu _].
    unfold gibbs in Hu.
    assert (Hm : In (boltz 0 e / Z 0 es) (map (fun e => boltz 0 e / Z 0 es) es))
      by (apply in_map with (f := fun e => boltz 0 e / Z 0 es); exact Hin).
    rewrite Hu in Hm. apply in_map_iff in Hm. destruct Hm as [x [Hx _]]. congruence.
Qed.
