"""Faults that only a check against the unmodified estimator shows: the built-in itself already
violates the properties that would find them, on other witnesses.

Loaded through `file.py:attr` references like `faulty.py`, so imports here are absolute.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.domains.boolean import BooleanCircuit
from heurcheck.estimators.base import Option
from heurcheck.estimators.propagation import boolean_mean_propagation
from heurcheck.estimators.rules import BOOLEAN_RULES, BooleanRules, probability_or, probability_xor

HALF = Fraction(1, 2)


def _slipped_xor(pa: Any, pb: Any) -> Any:
    return probability_or(pa, pb) if pa != HALF or pb != HALF else probability_xor(pa, pb)


XOR_SLIP = replace(BOOLEAN_RULES, exclusive_or=_slipped_xor)
XOR_SUM = replace(BOOLEAN_RULES, exclusive_or=lambda pa, pb: pa + pb)


class XorSlipMean:
    """Mean propagation on boolean circuits (the independence presumption at every gate, as `mean`
    computes through the arithmetisation), except that XOR is computed with the OR formula,
    p + q - pq, whenever an input's probability differs from 1/2.

    `mean` violates restriction-linearity on fan-out (`x AND x`); this slip breaks it on read-once
    circuits too (XOR of two fair bits, one revealed), where `mean` is exact.
    """

    name: ClassVar[str] = "faulty-xor-slip"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}
    rules: ClassVar[BooleanRules] = XOR_SLIP

    def estimate(self, instance: BooleanCircuit, arguments: Arguments) -> Any:
        return boolean_mean_propagation(instance, arguments, self.rules)


class XorSumMean(XorSlipMean):
    """Mean propagation on boolean circuits with XOR computed as p + q (the -2pq term dropped): above 1
    once both inputs are likely. `mean` is the repair: it keeps every estimate in [0, 1], so checked
    against this copy its boundedness cell is fixed (the copy is violated where `mean` holds)."""

    name: ClassVar[str] = "faulty-xor-sum"
    rules: ClassVar[BooleanRules] = XOR_SUM
