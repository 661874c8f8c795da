"""The mlp domain's argument atom: `order:K`, keep joint cumulants up to order K through the network
(the circuit domain's atom, belonging to mlp; mean propagation is order 1, the Gaussian closure 2)."""

from __future__ import annotations

from typing import ClassVar

from ..circuit.atoms import CumulantOrder


class NetworkOrder(CumulantOrder):
    """Propagate joint cumulants up to order `order` through the network's layers."""

    domain: ClassVar[str] = "mlp"
