(** * Multi-head additivity (seed 000, eq. 5).

    Independent heads have a product configuration space and the energy
    H_MHA(s_1, ..., s_H) = Σ_h H^(h)(s_h).  The partition function of the sum is
    the product of the heads' partition functions, ln Z and the free energy add,
    and the joint Gibbs distribution is the product of the heads' ones. *)

From Coq Require Import Reals Lra List.
From Isingformer Require Import Gibbs.
Import ListNotations.
Open Scope R_scope.

(** Energies of the joint configurations (s_1, s_2): E_1(s_1) + E_2(s_2). *)
Definition joint (es1 es2 : list R) : list R :=
  flat_map (fun a => map (fun b => a + b) es2) es1.

(** H independent heads: all sums E_1(s_1) + ... + E_H(s_H). *)
Definition joint_heads (heads : list (list R)) : list R := fold_right joint [0] heads.

(** Product of a list of reals. *)
Fixpoint prodR (xs : list R) : R :=
  match xs with
  | [] => 1
  | x :: t => x * prodR t
  end.

Lemma sumR_app (l1 l2 : list R) : sumR (l1 ++ l2) = sumR l1 + sumR l2.
Proof. induction l1 as [|x t IH]; simpl; [ring | rewrite IH; ring]. Qed.

Lemma Z_shifted_head (beta a : R) (es : list R) :
  Z beta (map (fun b => a + b) es) = boltz beta a * Z beta es.
Proof.
  unfold Z, boltz. induction es as [|b t IH]; simpl; [ring|].
  rewrite IH. replace (- beta * (a + b)) with (- beta * a + - beta * b) by ring.
  rewrite exp_plus. ring.
Qed.

(** ** Theorems *)

(** Two independent heads: Z(H_1 + H_2) = Z(H_1) Z(H_2). *)
Theorem partition_two_heads (beta : R) (es1 es2 : list R) :
  Z beta (joint es1 es2) = Z beta es1 * Z beta es2.
Proof.
  induction es1 as [|a t IH]; unfold joint in *; simpl.
  - unfold Z. simpl. ring.
  - unfold Z in *. rewrite map_app, sumR_app. fold (Z beta (map (fun b => a + b) es2)).
    rewrite Z_shifted_head, IH. simpl. fold (Z beta es2). ring.
Qed.

(** H independent heads: Z(Σ_h H^(h)) = Π_h Z(H^(h)) (eq. 5). *)
Theorem partition_heads_product (beta : R) (heads : list (list R)) :
  Z beta (joint_heads heads) = prodR (map (Z beta) heads).
Proof.
  induction heads as [|h t IH]; simpl.
  - unfold Z, boltz. simpl. rewrite Rmult_0_r, exp_0. ring.
  - unfold joint_heads in *. simpl. rewrite partition_two_heads, IH. reflexivity.
Qed.

(** ln Z, hence the free energy -ln Z/β, is additive over independent heads. *)
Theorem log_partition_additive (beta : R) (es1 es2 : list R) :
  es1 <> [] -> es2 <> [] ->
  ln (Z beta (joint es1 es2)) = ln (Z beta es1) + ln (Z beta es2).
Proof.
  intros H1 H2. rewrite partition_two_heads. apply ln_mult; apply Z_pos; assumption.
Qed.

(** The joint Gibbs distribution is the product of the heads' distributions:
    the weight of (s_1, s_2) is p_1(s_1) p_2(s_2). *)
Theorem gibbs_heads_independent (beta : R) (es1 es2 : list R) :
  es1 <> [] -> es2 <> [] ->
  gibbs beta (joint es1 es2)
  = flat_map (fun p => map (fun q => p * q) (gibbs beta es2)) (gibbs beta es1).
Proof.
  intros H1 H2. assert (Z1 := Z_pos beta es1 H1). assert (Z2 := Z_pos beta es2 H2).
  unfold gibbs. rewrite partition_two_heads. unfold joint.
  rewrite flat_map_concat_map, concat_map, !map_map, flat_map_concat_map, map_map.
  f_equal. apply map_ext. intro a. rewrite !map_map. apply map_ext. intro b.
  unfold boltz. replace (- beta * (a + b)) with (- beta * a + - beta * b) by ring.
  rewrite exp_plus. field. lra.
Qed.
