"""Mean, covariance and order-K cumulant propagation: traceable estimators for circuits.

All three compute the first cumulant of the output. A wire's cumulants are written, through its
gate, in cumulants of earlier wires (a linear gate replaces every copy of the wire at once, a
product one copy at a time through exact intermediate terms, so the expansion is the
Leonov-Shiryaev sum over connected partitions); every joint cumulant of earlier wires of
order greater than K is set to zero, except those kept by a `keep:` argument:
- `mean` (K = 1): mu(a+b) = mu_a + mu_b, mu(ab) = mu_a mu_b;
- `covariance` (K = 2, Gaussian closure): for k = ab, mu_k = mu_a mu_b + S_ab,
  S_kk = S_aa S_bb + S_ab^2 + mu_a^2 S_bb + mu_b^2 S_aa + 2 mu_a mu_b S_ab, S_jk = S_ja mu_b + S_jb mu_a;
- `cumulant` (option `order`, "inf" for exact): the Leonov-Shiryaev formula for a product,
  kappa(X_1..X_m, YZ) = kappa(X_1..X_m, Y, Z) + sum over T of kappa(X_T, Y) kappa(X_T^c, Z).

How the arguments steer them: `order:K` raises K (the largest order in Pi wins); `keep:w1,w2,..`
keeps that joint cumulant and every cross cumulant (order >= 2) its propagation needs, while
means still follow the order-K rule, so it defeats the presumption of independence between
exactly those wires; `reveal:x=v` conditions the input law on x = v (a point mass,
and the Schur complement for a joint Gaussian law); `equal:w=v` (a checked proof) makes wire w
the constant v. `nonneg:` proofs are not used: truncated propagation can then estimate a
certified square as negative, which the respect-for-proofs property is there to find.

Mean and covariance have forward passes that cost O(live wires) per gate (numpy rows over the
wires still needed later); any other plan runs the cumulant engine on multisets of wires: a demand
pass finds the multisets the output needs, a forward pass evaluates them and frees each after its
last use (see `CumulantEngine`). Everything is generic over the number backend (float, Fraction, sympy, z3).
Mean and covariance also run on multilayer perceptrons (`estimators/mlp.py`): numpy floats, so on
that domain they are not traceable; the parameters are converted to floats (symbolic ones are refused
with UnsupportedDomain); `order:K` raises the order there as on circuits (K = 2 turns mean propagation
into the Gaussian closure), and an order above 2 is outside their domain (OutsideDomain).
Sources: Christiano, Neyman, Xu, "Formalizing the presumption of independence" (2022), and the
cumulant propagation of ARC's heuristic-hafnian code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from ..arguments import Arguments
from ..domains.boolean import ProvedConstant, RevealBit, arguments_as_circuit
from ..domains.boolean import to_circuit as boolean_to_circuit
from ..domains.circuit import (
    Circuit,
    ADD,
    MUL,
    NEG,
    SCALE,
    CumulantOrder,
    KeepCumulant,
    ProvedEqual,
    condition,
    cone,
    cumulants,
    liveness,
    revealed_values,
)
from ..errors import InvalidOption, OutsideDomain, UnsupportedDomain
from ..numbers import _Backend, backend_of
from .base import Option
from .cumulant_engine import CumulantEngine, Plan, _cyclic_gc_paused
from .hafnian import product_tree_cumulants
from .mlp import mlp_covariance, mlp_mean
from .rules import BOOLEAN_RULES, CIRCUIT_RULES, LAYER_RULES, BooleanRules, CircuitRules, LayerRules


def make_plan(circuit: Circuit, arguments: Arguments, base_order: int | None) -> Plan:
    """The plan for `circuit` (already cut to the output's cone): atoms about wires outside it are
    irrelevant to the output and ignored."""
    order = base_order
    for atom in arguments.of(CumulantOrder):
        order = None if order is None else max(order, atom.order)
    kept = frozenset(
        s
        for s in (
            tuple(sorted(circuit.wire_index(w) for w in a.wires))
            for a in arguments.of(KeepCumulant)
            if all(circuit.has_wire(w) for w in a.wires)
        )
        if order is not None and len(s) > order
    )
    constants = {circuit.wire_index(a.wire): a.value for a in arguments.of(ProvedEqual) if circuit.has_wire(a.wire)}
    return Plan(order, kept, constants)


def propagate(circuit: Circuit, arguments: Arguments, order: int | None, rules: CircuitRules = CIRCUIT_RULES) -> Any:
    """The order-K cumulant propagation estimate of E[C(x)] given the arguments (the cyclic garbage
    collector paused throughout: see `_cyclic_gc_paused`); `rules` are those of the order-1 and
    order-2 passes (see estimators.rules)."""
    with _cyclic_gc_paused():
        circuit = condition(circuit, revealed_values(arguments))
        circuit = cone(circuit, circuit.output)
        plan = make_plan(circuit, arguments, order)
        if plan.order == 1 and not plan.kept:  # plain arithmetic on the circuit's numbers: no backend needed
            result = mean_forward(circuit, plan.constants, rules)
        elif plan.order == 2 and not plan.kept:
            result = covariance_forward(circuit, plan.constants, _backend(circuit, plan), rules)[0]
        else:
            result = CumulantEngine(circuit, plan, _backend(circuit, plan)).kappa((circuit.wire_index(circuit.output),))
        return _backend(circuit, plan).const(result) if isinstance(result, int) else result


def _backend(circuit: Circuit, plan: Plan) -> _Backend:
    """The number backend of the circuit's parameters and the plan's constants (a walk over the whole
    circuit, so the mean pass, which needs none, asks only for an integer result)."""
    return backend_of(circuit.parameters() + list(plan.constants.values()))


def _input_moments(circuit: Circuit) -> tuple[list[Any], list[Any]]:
    """Means and variances of the inputs (variances ignore correlations)."""
    if circuit.joint is not None:
        return list(circuit.joint.mean), [circuit.joint.cov[i][i] for i in range(len(circuit.inputs))]
    ks = [cumulants(i.dist, 2) for i in circuit.inputs]  # type: ignore[arg-type]
    return [k[1] for k in ks], [k[2] for k in ks]


def mean_forward(circuit: Circuit, constants: Mapping[int, Any], rules: CircuitRules = CIRCUIT_RULES) -> Any:
    """The output's mean under mean propagation (K = 1): one pass over the gates, O(1) work per gate.

    The pass reads the circuit's `Wiring` (op codes and argument positions) and keeps means in a list
    by position: no wire id is hashed, so its cost per gate stays flat as circuits grow (a dict of
    10^5 wire ids, as before, no longer fits in the caches)."""
    product, scale = rules.independent_product, rules.scale
    mean, _ = _input_moments(circuit)
    wiring = circuit.wiring
    push = mean.append
    for w, code, a, b, value in zip(range(len(mean), len(mean) + len(wiring.codes)), wiring.codes, wiring.left,
                                    wiring.right, wiring.values):
        if constants and w in constants:
            push(constants[w])
        elif code == ADD:
            push(mean[a] + mean[b])
        elif code == MUL:
            push(product(mean[a], mean[b]))
        elif code == SCALE:
            push(scale(value, mean[a]))
        elif code == NEG:
            push(-mean[a])
        else:
            push(value)
    if circuit.gates and circuit.gates[-1].id == circuit.output:
        return mean[-1]  # the usual case, and a cut circuit then need not build its index of wire ids
    return mean[circuit.wire_index(circuit.output)]


def covariance_forward(circuit: Circuit, constants: Mapping[int, Any], backend: _Backend,
                       rules: CircuitRules = CIRCUIT_RULES) -> tuple[Any, Any]:
    """(mean, variance) of the output under Gaussian closure, keeping covariances of live wires only."""
    n = len(circuit.inputs)
    mean, var = _input_moments(circuit)
    cap = max(8, 2 * n)
    cov = backend.zeros((cap, cap))
    slot: dict[int, int] = {i: i for i in range(n)}
    free = list(range(cap - 1, n - 1, -1))
    for i in range(n):
        cov[i, i] = var[i]
    if circuit.joint is not None:
        for i in range(n):
            for j in range(n):
                cov[i, j] = circuit.joint.cov[i][j]
    zero_row = backend.zeros(cap)
    freed = liveness(circuit)
    for gi, g in enumerate(circuit.gates):
        w = n + gi
        args = [circuit.wire_index(x) for x in g.args]
        s = [slot[i] for i in args]
        m = [mean[i] for i in args]
        if w in constants or g.op == "const":
            mu, row, v = constants.get(w, g.value), zero_row, 0
        elif g.op == "add":
            mu, row = m[0] + m[1], cov[s[0]] + cov[s[1]]
            v = cov[s[0], s[0]] + 2 * cov[s[0], s[1]] + cov[s[1], s[1]]
        elif g.op == "neg":
            mu, row, v = -m[0], -cov[s[0]], cov[s[0], s[0]]
        elif g.op == "scale":
            mu, row, v = rules.scale(g.value, m[0]), cov[s[0]] * g.value, g.value * g.value * cov[s[0], s[0]]
        else:
            saa, sbb, sab = cov[s[0], s[0]], cov[s[1], s[1]], cov[s[0], s[1]]
            mu = rules.closure_mean(m[0], m[1], sab)
            row = rules.closure_covariance(cov[s[0]], cov[s[1]], m[0], m[1])
            v = rules.closure_variance(m[0], m[1], saa, sbb, sab)
        mean.append(mu)
        for dead in freed[gi]:
            free.append(slot.pop(dead))
        if not free:  # grow the frontier matrix
            bigger = backend.zeros((2 * cap, 2 * cap))
            bigger[:cap, :cap] = cov
            row = _pad(row, 2 * cap, backend)
            zero_row = backend.zeros(2 * cap)
            free = list(range(2 * cap - 1, cap - 1, -1))
            cap, cov = 2 * cap, bigger
        k = free.pop()
        cov[k, :] = row
        cov[:, k] = row
        cov[k, k] = v
        slot[w] = k
    out = circuit.wire_index(circuit.output)
    return mean[out], cov[slot[out], slot[out]]


def _pad(row: Any, size: int, backend: _Backend) -> Any:
    out = backend.zeros(size)
    out[: len(row)] = row
    return out


# --------------------------------------------------------------------------- other domains


def estimate_by_propagation(instance: Any, arguments: Arguments, order: int | None,
                            rules: CircuitRules = CIRCUIT_RULES, layer_rules: LayerRules = LAYER_RULES) -> Any:
    """Order-K propagation on any supported domain: circuits wire by wire, boolean circuits through
    their arithmetisation, hafnians and permanents on their product tree (all nodes of one height
    expanded together, as in ARC's heuristic-hafnian), multilayer perceptrons (mean and covariance
    only) layer by layer in floats (see `estimators/mlp.py`). `rules` and `layer_rules` are the
    per-gate and per-layer rules of the order-1 and order-2 passes (see estimators.rules): a variant
    of `mean` or `covariance` passes its own."""
    domain = instance.domain
    if domain == "circuit":
        return propagate(instance, arguments, order, rules)
    if domain == "boolean":
        return propagate(boolean_to_circuit(instance), arguments_as_circuit(arguments), order, rules)
    if domain in ("hafnian", "permanent"):
        return product_tree_cumulants(instance, order, imputation=False)
    if domain == "mlp" and order in (1, 2):
        asked = [atom.order for atom in arguments if isinstance(atom, CumulantOrder)]
        kept = max([order] + asked)  # as on circuits, the largest order in Pi wins
        if kept > 2:
            raise OutsideDomain(f"propagation through an mlp keeps cumulants up to order 2 (mean: 1, covariance: "
                                f"2), not {kept}")
        return mlp_mean(instance, layer_rules.unit_moments) if kept == 1 else \
            mlp_covariance(instance, layer_rules.post_activation)
    raise UnsupportedDomain(f"propagation estimators do not handle the {domain!r} domain")


def boolean_mean_propagation(instance: Any, arguments: Arguments, rules: BooleanRules = BOOLEAN_RULES) -> Any:
    """Mean propagation on a boolean circuit's own gates (what `mean` computes through the arithmetisation,
    with the default rules): each gate's probability from its inputs' as if they were independent;
    `reveal:` fixes an input, a proved `constant:` a gate."""
    revealed = {a.input: a.value for a in arguments.of(RevealBit)}
    proved = {a.wire: a.value for a in arguments.of(ProvedConstant)}
    p: dict[str, Any] = {i.id: revealed.get(i.id, i.p) for i in instance.inputs}
    binary = {"and": rules.conjunction, "or": rules.disjunction, "xor": rules.exclusive_or}
    for g in instance.gates:
        a = [p[x] for x in g.args]
        if g.id in proved:
            p[g.id] = proved[g.id]
        elif g.op == "const":
            p[g.id] = g.value
        elif g.op == "not":
            p[g.id] = rules.negation(a[0])
        else:
            p[g.id] = binary[g.op](a[0], a[1])
    return p[instance.output]


def parse_order(value: Any) -> int | None:
    """An order option: a positive integer, or "inf" / "exact" / None for every cumulant."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("inf", "exact", "none")):
        return None
    try:
        order = int(value)
    except (TypeError, ValueError):
        raise InvalidOption(f"option order={value!r}: expected a positive integer or 'inf'") from None
    if order < 1 or order > 64:
        raise InvalidOption(f"option order={value!r}: expected an integer from 1 to 64, or 'inf'")
    return order


_CIRCUITS = frozenset({"circuit", "boolean", "hafnian", "permanent"})
_WITH_MLP = _CIRCUITS | {"mlp"}  # mean and covariance also propagate through multilayer perceptrons


class MeanPropagation:
    """Mean propagation (cumulant order 1): the presumption of independence at every product; on
    mlp, independent Gaussian units in each layer (floats: `traceable` holds for the other domains)."""

    name: ClassVar[str] = "mean"
    domains: ClassVar[frozenset[str]] = _WITH_MLP
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    counts_with: ClassVar[str] = "flopscope"  # on mlp, its arrays go through heurcheck.array_namespace

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return estimate_by_propagation(instance, arguments, 1)


class CovariancePropagation:
    """Covariance propagation (cumulant order 2, Gaussian closure); on mlp, jointly Gaussian
    pre-activations in each layer (floats: `traceable` holds for the other domains)."""

    name: ClassVar[str] = "covariance"
    domains: ClassVar[frozenset[str]] = _WITH_MLP
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    counts_with: ClassVar[str] = "flopscope"  # on mlp, its arrays go through heurcheck.array_namespace

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return estimate_by_propagation(instance, arguments, 2)


class CumulantPropagation:
    """Order-K cumulant propagation (Leonov-Shiryaev); with `imputation` on hafnians, dropped cross
    cumulants are filled by a least-squares prediction from kept ones."""

    name: ClassVar[str] = "cumulant"
    domains: ClassVar[frozenset[str]] = _CIRCUITS
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {
        "order": Option(parse_order, 3, "highest cumulant order kept ('inf': every cumulant, exact)"),
        "imputation": Option(bool, False, "hafnian only: impute dropped cross cumulants by least squares"),
    }
    effort: ClassVar[tuple[str, tuple[int, ...]]] = ("order", (1, 2, 3, 4))

    def __init__(self, order: int | None | str = 3, imputation: bool = False) -> None:
        self.order = parse_order(order)
        self.imputation = bool(imputation)

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        if self.imputation:
            if instance.domain != "hafnian":
                raise UnsupportedDomain(
                    f"cumulant imputation applies to hafnian product trees, not to {instance.domain!r} instances"
                )
            return product_tree_cumulants(instance, self.order, imputation=True)
        return estimate_by_propagation(instance, arguments, self.order)
