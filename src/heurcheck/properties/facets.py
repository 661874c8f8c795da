"""Facets: a property on one domain.

A property states its law once: the relation between estimates and how one case is evaluated.
What differs between domains (how its cases are built there, which operation stands for "fix an
input" or "combine two quantities") is a *facet*: an object registered for (property, domain)
whose methods the property calls. A property finds its facet here and never compares domain
names; a domain gains a property by registering a facet for it, built in (`BUILTIN`) or from a
third party through the `heurcheck.facets` entry-point group, each entry named
`PROPERTY.DOMAIN` with the value `module:attr` (the facet object). What a facet must offer is the
Protocol its property module declares (for example `linearity.LinearityFacet`).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from functools import cache
from typing import Any

from ..errors import PluginError

ENTRY_POINT_GROUP = "heurcheck.facets"

# property name -> domain name -> "module:attr" of the facet object
BUILTIN: dict[str, dict[str, str]] = {
    "independence": {
        "circuit": "heurcheck.properties.independence.circuit:FACET",
        "boolean": "heurcheck.properties.independence.boolean:FACET",
    },
    "irrelevant-arguments": {
        "circuit": "heurcheck.properties.irrelevant.circuit:FACET",
        "boolean": "heurcheck.properties.irrelevant.boolean:FACET",
    },
    "boundedness": {
        "boolean": "heurcheck.properties.boundedness.boolean:FACET",
        "mlp": "heurcheck.properties.boundedness.mlp:FACET",
    },
    "set-semantics": {
        "circuit": "heurcheck.properties.set_semantics.circuit:FACET",
        "boolean": "heurcheck.properties.set_semantics.boolean:FACET",
        "permanent": "heurcheck.properties.set_semantics.permanent:FACET",
    },
    "exactness": {
        "circuit": "heurcheck.properties.exactness.circuit:FACET",
        "boolean": "heurcheck.properties.exactness.boolean:FACET",
        "mlp": "heurcheck.properties.exactness.mlp:FACET",
    },
    "restriction-linearity": {
        "boolean": "heurcheck.properties.restriction.boolean:FACET",
        "circuit": "heurcheck.properties.restriction.circuit:FACET",
    },
    "unpredictable-errors": {
        "circuit": "heurcheck.properties.selfref.circuit:FACET",
        "permanent": "heurcheck.properties.selfref.permanent:FACET",
    },
    "iterated-estimation": {
        "circuit": "heurcheck.properties.selfref.circuit:FACET",
        "boolean": "heurcheck.properties.selfref.boolean:FACET",
        "permanent": "heurcheck.properties.selfref.permanent:FACET",
    },
    "error-orthogonality": {
        "circuit": "heurcheck.properties.selfref.circuit:FACET",
        "permanent": "heurcheck.properties.selfref.permanent:FACET",
    },
    "linearity": {
        "circuit": "heurcheck.properties.linearity.circuit:FACET",
        "permanent": "heurcheck.properties.linearity.permanent:FACET",
        "mlp": "heurcheck.properties.linearity.mlp:FACET",
    },
    "respect-for-proofs": {
        "circuit": "heurcheck.properties.proofs.circuit:FACET",
        "boolean": "heurcheck.properties.proofs.boolean:FACET",
    },
    "symmetry": {
        "mlp": "heurcheck.properties.symmetry.mlp:FACET",
        "permanent": "heurcheck.properties.symmetry.permanent:FACET",
        "circuit": "heurcheck.properties.symmetry.circuit:FACET",
    },
    "agreement": {
        "circuit": "heurcheck.properties.agreement.circuit:FACET",
        "boolean": "heurcheck.properties.agreement.boolean:FACET",
        "permanent": "heurcheck.properties.agreement.permanent:FACET",
        "hafnian": "heurcheck.properties.agreement.hafnian:FACET",
        "mlp": "heurcheck.properties.agreement.mlp:FACET",
    },
    "accuracy": {
        "circuit": "heurcheck.properties.accuracy.circuit:FACET",
        "boolean": "heurcheck.properties.accuracy.boolean:FACET",
        "permanent": "heurcheck.properties.accuracy.permanent:FACET",
        "hafnian": "heurcheck.properties.accuracy.hafnian:FACET",
        "mlp": "heurcheck.properties.accuracy.mlp:FACET",
    },
    "calibration": {
        "circuit": "heurcheck.properties.calibration.circuit:FACET",
        "boolean": "heurcheck.properties.calibration.boolean:FACET",
        "permanent": "heurcheck.properties.calibration.permanent:FACET",
        "hafnian": "heurcheck.properties.calibration.hafnian:FACET",
        "mlp": "heurcheck.properties.calibration.mlp:FACET",
    },
    "matching-sampling": {
        "mlp": "heurcheck.properties.matching_sampling.mlp:FACET",
        "circuit": "heurcheck.properties.matching_sampling.circuit:FACET",
        "boolean": "heurcheck.properties.matching_sampling.boolean:FACET",
        "permanent": "heurcheck.properties.matching_sampling.permanent:FACET",
    },
}


@cache
def _entry_points() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        prop, sep, domain = ep.name.rpartition(".")
        if not sep or not prop or not domain:
            raise PluginError(f"facet entry point {ep.name} = {ep.value} (group {ENTRY_POINT_GROUP}): expected a "
                              f"name PROPERTY.DOMAIN")
        if domain not in BUILTIN.get(prop, {}):
            out.setdefault(prop, {})[domain] = ep.value
    return out


# facets registered in code (register_facet), by property and domain
_REGISTERED: dict[str, dict[str, Any]] = {}


def register_facet(prop: str, domain: str, obj: Any) -> None:
    """Register `obj` as the facet of property `prop` on `domain`, from code (a test, a notebook)."""
    if domain in BUILTIN.get(prop, {}):
        raise PluginError(f"facet of property {prop!r} on domain {domain!r}: a built-in facet is registered there")
    _REGISTERED.setdefault(prop, {})[domain] = obj
    facet.cache_clear()


def _references(prop: str) -> dict[str, str]:
    return {**_entry_points().get(prop, {}), **BUILTIN.get(prop, {})}


def facet_domains(prop: str) -> frozenset[str]:
    """The domains that offer a facet of property `prop`."""
    return frozenset(_references(prop)) | frozenset(_REGISTERED.get(prop, {}))


def facet_reference(prop: str, domain: str) -> str | None:
    """Where the facet of `prop` on `domain` comes from: its `module:attr`, "registered in code", or None."""
    if domain in _REGISTERED.get(prop, {}):
        return "registered in code"
    return _references(prop).get(domain)


@cache
def facet(prop: str, domain: str) -> Any | None:
    """The facet of property `prop` on `domain`, or None when the domain offers none."""
    if domain in _REGISTERED.get(prop, {}):
        return _REGISTERED[prop][domain]
    reference = _references(prop).get(domain)
    if reference is None:
        return None
    module, sep, attr = reference.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise PluginError(f"facet of property {prop!r} on domain {domain!r} ({reference}): cannot load it: "
                          f"{exc!r}") from exc
