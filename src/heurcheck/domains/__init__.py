"""The problem domains, looked up by name: the built-ins and the `heurcheck.domains` entry points
(see `registry`; modules are imported on first use)."""

from __future__ import annotations

from .base import Description, Domain, Instance, MonteCarlo
from .registry import (
    ENTRY_POINT_GROUP,
    arguments_from_json,
    atom_from_json,
    atom_kinds,
    describe_instance,
    domain_names,
    get_domain,
    instance_from_json,
    instance_to_json,
    load_instance,
    parse_atom,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "Description",
    "Domain",
    "Instance",
    "MonteCarlo",
    "arguments_from_json",
    "atom_from_json",
    "atom_kinds",
    "describe_instance",
    "domain_names",
    "get_domain",
    "instance_from_json",
    "instance_to_json",
    "load_instance",
    "parse_atom",
]
