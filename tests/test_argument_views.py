"""Views of an argument set: the same atoms iterating in another order, wherever an estimator looks."""

from __future__ import annotations

import pickle

import pytest

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import CumulantOrder, KeepCumulant, RevealInput

ATOMS = [CumulantOrder(2), KeepCumulant(("a", "b")), RevealInput("x", 1), CumulantOrder(4)]


def test_a_view_is_the_same_set_iterating_in_the_order_given_through_atoms_iteration_and_of() -> None:
    pi = Arguments(ATOMS)
    order = ATOMS[::-1]
    view = pi.view(order)
    assert view == pi and hash(view) == hash(pi) and len(view) == 4
    assert list(view.atoms) == order and list(view) == order
    assert view.of(CumulantOrder) == (CumulantOrder(4), CumulantOrder(2))
    assert pi.view(ATOMS).of(CumulantOrder) == (CumulantOrder(2), CumulantOrder(4))
    # the canonical forms do not depend on the view
    assert view.to_json() == pi.to_json() and view.text() == pi.text()


def test_a_view_keeps_its_order_through_union_without_and_a_trip_to_a_worker() -> None:
    view = Arguments(ATOMS).view(ATOMS[::-1])
    assert list((view | [RevealInput("y", 0)]).atoms) == ATOMS[::-1] + [RevealInput("y", 0)]
    assert list(view.without(KeepCumulant).atoms) == [CumulantOrder(4), RevealInput("x", 1), CumulantOrder(2)]
    again = pickle.loads(pickle.dumps(view))
    assert again == view and list(again.atoms) == ATOMS[::-1]


def test_a_view_must_list_exactly_the_atoms_of_its_set() -> None:
    with pytest.raises(ValueError, match="exactly the atoms"):
        Arguments(ATOMS).view(ATOMS[:2])
