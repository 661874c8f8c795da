"""Properties by name (modules imported on first use), and parameter conversion."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidOption, UnknownName

PROPERTIES: dict[str, str] = {
    "linearity": "heurcheck.properties.linearity:Linearity",
    "restriction-linearity": "heurcheck.properties.restriction:RestrictionLinearity",
    "respect-for-proofs": "heurcheck.properties.proofs:RespectForProofs",
    "boundedness": "heurcheck.properties.boundedness:Boundedness",
    "independence": "heurcheck.properties.independence:Independence",
    "irrelevant-arguments": "heurcheck.properties.irrelevant:IrrelevantArguments",
    "set-semantics": "heurcheck.properties.set_semantics:SetSemantics",
    "exactness": "heurcheck.properties.exactness:Exactness",
    "unpredictable-errors": "heurcheck.properties.selfref:UnpredictableErrors",
    "iterated-estimation": "heurcheck.properties.selfref:IteratedEstimation",
    "error-orthogonality": "heurcheck.properties.selfref:ErrorOrthogonality",
    "accuracy": "heurcheck.properties.accuracy:Accuracy",
    "calibration": "heurcheck.properties.calibration:Calibration",
    "matching-sampling": "heurcheck.properties.matching_sampling:MatchingSampling",
    "symmetry": "heurcheck.properties.symmetry:Symmetry",
}

# properties run only when asked for by name (`-p agreement`): they need a parameter with no default
ON_REQUEST: dict[str, str] = {
    "agreement": "heurcheck.properties.agreement:Agreement",
}


def property_class(name: str) -> Any:
    known = {**PROPERTIES, **ON_REQUEST}
    if name not in known:
        raise UnknownName("property", name, known)
    module, _, attr = known[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def available() -> tuple[str, ...]:
    """The registered properties whose module is present."""
    out = []
    for name in PROPERTIES:
        try:
            property_class(name)
        except (ImportError, AttributeError):
            continue
        out.append(name)
    return tuple(out)


def create(name: str, **params: Any) -> Any:
    return property_class(name)(**params)


def convert_parameters(prop: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """The property's parameters with defaults filled in and command-line strings converted."""
    declared = prop.parameters
    unknown = [k for k in given if k not in declared]
    if unknown:
        raise InvalidOption(str(UnknownName("parameter", unknown[0], declared, owner=f"property {prop.name!r}")))
    out = {k: p.default for k, p in declared.items()}
    for k, v in given.items():
        p = declared[k]
        try:
            if isinstance(v, str) and p.type is bool:
                if v.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError
                v = v.lower() in ("true", "1", "yes")
            elif isinstance(v, str) or p.type in (int, float):
                v = p.type(v)
        except (TypeError, ValueError):
            kind = getattr(p.type, "__name__", str(p.type))
            raise InvalidOption(f"parameter {k}={v!r} of property {prop.name!r}: expected {kind}") from None
        if p.choices is not None and v not in p.choices:
            raise InvalidOption(f"parameter {k}={v!r} of property {prop.name!r}: expected one of {', '.join(map(str, p.choices))}")
        out[k] = v
    return out
