"""From scratch, on boolean circuits: the probability of each wire under the presumption of independence.

    heurcheck estimate examples/plugins/scratch/boolean_independent.py:IndependentBits \
        examples/instances/boolean-fanout.json -a reveal:a=1

What it reads from the instance (`heurcheck.domains.boolean.BooleanCircuit`): `inputs` (each a
`BitInput` with `id` and `p`, the probability that the bit is 1), `gates` in topological order
(each a `BoolGate` with `id`, `op` in and/or/xor/not/const, `args`, and `value` for const) and
`output`. How it honours each argument atom (`heurcheck.domains.boolean`):
- `RevealBit(input, value)` (`-a reveal:a=1`): that input is the constant `value`;
- `ProvedConstant(wire, value)` (`-a constant:g=0`, checked by enumeration before the call): the wire
  is `value`, whatever the product rule would say.
"""

from heurcheck import Arguments
from heurcheck.domains.boolean import BooleanCircuit, ProvedConstant, RevealBit

RULES = {
    "and": lambda p, q: p * q,
    "or": lambda p, q: p + q - p * q,
    "xor": lambda p, q: p + q - 2 * p * q,
    "not": lambda p: 1 - p,
}


class IndependentBits:
    """Pr[wire = 1] gate by gate, treating the arguments of every gate as independent."""

    name = "independent-bits"
    domains = frozenset({"boolean"})
    traceable = True  # only + - * on the probabilities: runs on Fraction, sympy and z3 too

    def estimate(self, circuit: BooleanCircuit, arguments: Arguments):
        revealed = {atom.input: atom.value for atom in arguments.of(RevealBit)}
        proved = {atom.wire: atom.value for atom in arguments.of(ProvedConstant)}
        p = {}
        for bit in circuit.inputs:
            p[bit.id] = revealed.get(bit.id, bit.p)
        for gate in circuit.gates:
            if gate.op == "const":
                p[gate.id] = gate.value
            else:
                p[gate.id] = RULES[gate.op](*(p[a] for a in gate.args))
            if gate.id in proved:
                p[gate.id] = proved[gate.id]
        return p[circuit.output]
