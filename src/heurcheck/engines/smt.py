"""z3, behind one module: find parameter values that violate a relation, or prove there are none.

`find_violation(lhs, rhs, relation, space, timeout)` takes the two sides of a property as sympy
polynomials in the instance parameters (the output of a traceable estimator run on symbolic
parameters) and asks z3's nonlinear real arithmetic solver, over the parameters' domain
(variances >= 0, probabilities in [0, 1], joint covariances already L L^T):

1. does any point violate the relation at all? `unsat` proves the relation for every parameter
   value of this structure; `unknown` or a timeout is inconclusive;
2. if so, is there a point where the violation is clear, at least `margin * (1 + |lhs| + |rhs|)`,
   so that it survives a replay in floating point? Small boxes are tried first (|parameter| <= 2,
   then 8, then unbounded), which keeps witnesses small, and the violation is then pushed up
   (doubled while z3 finds a point) within that box: a crude maximisation, since z3's optimiser
   does not take nonlinear objectives. A violation that exists but is never clear is reported as
   `tiny` (inconclusive: below any tolerance a float replay could show).

Each query runs in a forked child process that is killed when it overruns `timeout` plus a
second: z3 does not always honour its own time limit inside nonlinear arithmetic.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

MARGIN = 1e-6
BOXES: tuple[float | None, ...] = (2, 8, None)
DOUBLINGS = 3


@dataclass(frozen=True)
class SmtAnswer:
    """z3's answer for one structure: status and, when `sat`, a point (symbol name -> rational)."""

    status: str  # unsat | sat | tiny | unknown | timeout | error
    model: dict[str, Fraction] = field(default_factory=dict)
    gap: float | None = None  # the violation z3 reached at the point (in the exact polynomials)
    detail: str = ""
    seconds: float = 0.0


def find_violation(lhs: Any, rhs: Any, relation: str, space: Any, timeout: float,
                   margin: float = MARGIN) -> SmtAnswer:
    """Solve in a child process stopped hard after `timeout` + 1 s (see the module docstring)."""
    _warm_up()

    start = time.perf_counter()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    job = (lhs, rhs, relation, space.symbols, space.nonneg, space.probabilities, timeout, margin)
    child = context.Process(target=_child, args=(send, job), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(timeout + 1.0):
            status, model, gap, detail = receive.recv()
        else:
            status, model, gap, detail = "timeout", {}, None, f"z3 gave no answer within {timeout:g} s (stopped)"
    except EOFError:
        status, model, gap, detail = "error", {}, None, "the z3 process died"
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    values = {k: Fraction(v) for k, v in model.items()}
    return SmtAnswer(status, values, gap, detail, time.perf_counter() - start)


_WARM: list[bool] = []


def _warm_up() -> None:
    """Load z3 and build its context in this process, once, so that each forked solver inherits them
    (creating them in every child costs some 50 ms per query)."""
    if not _WARM:
        import z3  # slow to import: only the smt engine needs it

        solver = z3.SolverFor("QF_NRA")
        solver.add(z3.Real("warm") * z3.Real("warm") < 0)
        solver.check()
        _WARM.append(True)


def _child(send: Any, job: tuple[Any, ...]) -> None:
    try:
        send.send(_solve(*job))
    except Exception as exc:  # reported to the parent as an inconclusive structure
        send.send(("error", {}, None, f"{exc.__class__.__name__}: {exc}"))
    finally:
        send.close()
        os._exit(0)  # skip interpreter and z3 teardown in the child: the answer is sent


def _solve(lhs: Any, rhs: Any, relation: str, symbols: tuple[Any, ...], nonneg: frozenset[Any],
           probabilities: frozenset[Any], timeout: float, margin: float) -> tuple[str, dict[str, str], Any, str]:
    import z3  # slow to import: only the smt engine needs it

    deadline = time.monotonic() + timeout
    variables = {s: z3.Real(str(s)) for s in symbols}
    left, right = to_z3(lhs, variables), to_z3(rhs, variables)
    domain = [variables[s] >= 0 for s in nonneg]
    domain += [z3.And(variables[s] >= 0, variables[s] <= 1) for s in probabilities]
    gap = {"=": z3.If(left >= right, left - right, right - left), ">=": right - left, "<=": left - right}[relation]

    def check(*constraints: Any) -> tuple[Any, Any]:
        left_ms = int(max(1.0, (deadline - time.monotonic()) * 1000))
        solver = z3.SolverFor("QF_NRA")
        solver.set("timeout", left_ms)
        solver.add(*domain, *constraints)
        result = solver.check()
        return result, solver.model() if result == z3.sat else None

    result, _ = check(gap > 0)
    if result == z3.unsat:
        return "unsat", {}, None, "no parameter value violates the relation"
    if result != z3.sat:
        return "unknown", {}, None, f"z3 answered {result}: undecided nonlinear arithmetic, or its time ran out"
    size = z3.If(left >= 0, left, -left) + z3.If(right >= 0, right, -right)
    for box in BOXES:
        bounds = [] if box is None else [z3.And(v >= -box, v <= box) for v in variables.values()]
        result, model = check(gap >= z3.RealVal(str(margin)) * (1 + size), *bounds)
        if result != z3.sat:
            continue
        reached = _value(model, gap)
        for _ in range(DOUBLINGS):  # push the violation up while z3 keeps finding points
            if time.monotonic() > deadline:
                break
            better, better_model = check(gap >= 2 * _real(reached), gap >= z3.RealVal(str(margin)) * (1 + size), *bounds)
            if better != z3.sat:
                break
            model, reached = better_model, _value(better_model, gap)
        point = {str(s): str(_value(model, v)) for s, v in variables.items()}
        where = "unbounded" if box is None else f"|parameters| <= {box:g}"
        return "sat", point, float(reached), f"z3 found a violating point ({where})"
    return "tiny", {}, None, f"violations exist but none reaches {margin:g} x (1 + |lhs| + |rhs|)"


def _real(q: Fraction) -> Any:
    import z3  # slow to import: only the smt engine needs it

    return z3.RealVal(f"{q.numerator}/{q.denominator}")


def _value(model: Any, term: Any) -> Fraction:
    """A model's value of `term` as a rational (algebraic numbers rounded to 20 decimals)."""
    import z3  # slow to import: only the smt engine needs it

    v = model.evaluate(term, model_completion=True)
    if z3.is_algebraic_value(v):
        v = v.approx(20)
    return Fraction(v.as_fraction())


def to_z3(expr: Any, variables: dict[Any, Any]) -> Any:
    """A sympy polynomial expression as a z3 real term (+, *, integer powers, rationals, symbols)."""
    import sympy  # slow to import: only the formal engines need it
    import z3  # slow to import: only the smt engine needs it

    if isinstance(expr, (int, Fraction)):
        q = Fraction(expr)
        return z3.RealVal(f"{q.numerator}/{q.denominator}")
    if expr.is_Symbol:
        if expr not in variables:
            variables[expr] = z3.Real(str(expr))
        return variables[expr]
    if expr.is_Rational:
        return z3.RealVal(f"{int(expr.p)}/{int(expr.q)}")
    if expr.is_Add:
        return z3.Sum([to_z3(a, variables) for a in expr.args])
    if expr.is_Mul:
        return z3.Product([to_z3(a, variables) for a in expr.args])
    if expr.is_Pow and expr.exp.is_Integer and int(expr.exp) >= 0:
        power = int(expr.exp)
        base = to_z3(expr.base, variables)
        return z3.RealVal(1) if power == 0 else base if power == 1 else z3.Product([base] * power)
    raise ValueError(f"cannot give z3 the expression {sympy.srepr(expr)[:80]}: only polynomials are supported")
