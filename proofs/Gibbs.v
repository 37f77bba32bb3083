(** * Softmax with inverse temperature β is a Gibbs distribution (seed 000, eqs. 2, 3, 15).

    A finite ensemble is a non-empty list of energies [es]; its Boltzmann
    weights are [exp (-β e)], its partition function their sum, and its Gibbs
    distribution the normalised weights.  Standard attention over the keys of
    one query is the Gibbs distribution of the energies [-q·k_j] at
    β = 1/sqrt d_k. *)

From Coq Require Import Reals Lra List.
Import ListNotations.
Open Scope R_scope.

(** Sum of a list of reals. *)
Fixpoint sumR (xs : list R) : R :=
  match xs with
  | [] => 0
  | x :: t => x + sumR t
  end.

(** Boltzmann weight, partition function, Gibbs distribution. *)
Definition boltz (beta e : R) : R := exp (- beta * e).
Definition Z (beta : R) (es : list R) : R := sumR (map (boltz beta) es).
Definition gibbs (beta : R) (es : list R) : list R :=
  map (fun e => boltz beta e / Z beta es) es.

(** Softmax of a list of scores. *)
Definition softmax (xs : list R) : list R :=
  map (fun x => exp x / sumR (map exp xs)) xs.

Lemma sumR_map_scal (c : R) (f : R -> R) (xs : list R) :
  sumR (map (fun x => f x / c) xs) = sumR (map f xs) / c.
Proof.
  induction xs as [|x t IH]; simpl.
  - unfold Rdiv; ring.
  - rewrite IH; unfold Rdiv; ring.
Qed.

Lemma sumR_pos (xs : list R) :
  xs <> [] -> (forall x, In x xs -> 0 < x) -> 0 < sumR xs.
Proof.
  induction xs as [|x t IH]; intros Hne Hpos.
  - contradiction.
  - simpl. destruct t as [|y t'].
    + simpl. rewrite Rplus_0_r. apply Hpos. now left.
    + assert (0 < x) by (apply Hpos; now left).
      assert (0 < sumR (y :: t')).
      { apply IH. discriminate. intros z Hz. apply Hpos. now right. }
      lra.
Qed.

Lemma Z_pos (beta : R) (es : list R) : es <> [] -> 0 < Z beta es.
Proof.
  intro Hne. unfold Z. apply sumR_pos.
  - destruct es; [contradiction | discriminate].
  - intros x Hx. apply in_map_iff in Hx. destruct Hx as [e [<- _]].
    apply exp_pos.
Qed.

(** ** Theorems *)

(** Every Gibbs weight is strictly positive. *)
Theorem gibbs_weights_positive (beta : R) (es : list R) :
  es <> [] -> forall w, In w (gibbs beta es) -> 0 < w.
Proof.
  intros Hne w Hw. unfold gibbs in Hw. apply in_map_iff in Hw.
  destruct Hw as [e [<- _]]. unfold Rdiv.
  apply Rmult_lt_0_compat; [apply exp_pos | apply Rinv_0_lt_compat, Z_pos, Hne].
Qed.

(** The Gibbs weights sum to one. *)
Theorem gibbs_sum_one (beta : R) (es : list R) :
  es <> [] -> sumR (gibbs beta es) = 1.
Proof.
  intro Hne. unfold gibbs. rewrite sumR_map_scal. fold (Z beta es).
  field. apply Rgt_not_eq, Z_pos, Hne.
Qed.

Lemma Z_shift (beta c : R) (es : list R) :
  Z beta (map (fun e => e + c) es) = exp (- beta * c) * Z beta es.
Proof.
  unfold Z, boltz. induction es as [|e t IH]; simpl.
  - ring.
  - rewrite IH. replace (- beta * (e + c)) with (- beta * e + - beta * c) by ring.
    rewrite exp_plus. ring.
Qed.

(** Shifting every energy by the same constant leaves the distribution unchanged. *)
Theorem gibbs_shift_invariant (beta c : R) (es : list R) :
  es <> [] -> gibbs beta (map (fun e => e + c) es) = gibbs beta es.
Proof.
  intro Hne. unfold gibbs. rewrite Z_shift, map_map. apply map_ext. intro e.
  unfold boltz. replace (- beta * (e + c)) with (- beta * e + - beta * c) by ring.
  rewrite exp_plus. field. split.
  - apply Rgt_not_eq, Z_pos, Hne.
  - apply Rgt_not_eq, exp_pos.
Qed.

(** Softmax of β-scaled scores is the Gibbs distribution of the negated scores. *)
Theorem softmax_is_gibbs (beta : R) (scores : list R) :
  softmax (map (fun s => beta * s) scores) = gibbs beta (map Ropp scores).
Proof.
  unfold softmax, gibbs, Z, boltz.
  assert (HZ : map exp (map (fun s => beta * s) scores)
               = map (fun e => exp (- beta * e)) (map Ropp scores)).
  { rewrite !map_map. apply map_ext. intro s. f_equal. ring. }
  rewrite HZ, !map_map. apply map_ext. intro s. f_equal. f_equal. ring.
Qed.

(** Dot product of two vectors given as lists. *)
Fixpoint dot (u v : list R) : R :=
  match u, v with
  | x :: u', y :: v' => x * y + dot u' v'
  | _, _ => 0
  end.

(** One row of scaled dot-product attention (eq. 2-3): the weights of query [q]
    over [keys] with the scale 1/sqrt d_k. *)
Definition attention_row (dk : R) (q : list R) (keys : list (list R)) : list R :=
  softmax (map (fun k => dot q k / sqrt dk) keys).

(** Attention weights are the Gibbs distribution of the energies -q·k at β = 1/sqrt d_k (eq. 15). *)
Theorem attention_is_gibbs (dk : R) (q : list R) (keys : list (list R)) :
  attention_row dk q keys = gibbs (/ sqrt dk) (map (fun k => - dot q k) keys).
Proof.
  unfold attention_row.
  replace (map (fun k => dot q k / sqrt dk) keys)
    with (map (fun s => / sqrt dk * s) (map (dot q) keys)).
  2: { rewrite map_map. apply map_ext. intro k. unfold Rdiv. ring. }
  rewrite softmax_is_gibbs, map_map. reflexivity.
Qed.
