"""heurcheck: check heuristic estimators against the formal properties asked of them."""

from .api import Evaluation, evaluate, parse_arguments
from .arguments import Arguments
from .domains import get_domain, load_instance
from .errors import (
    HeurcheckError,
    InvalidArgument,
    InvalidInstance,
    InvalidOption,
    OutsideDomain,
    PluginError,
    TruthTooExpensive,
    UnknownName,
    UnsupportedDomain,
)
from .estimators.base import EVERY_DOMAIN, Estimate, Estimator, Option
from .estimators.registry import Registry

__all__ = [
    "EVERY_DOMAIN",
    "Arguments",
    "Estimate",
    "Estimator",
    "Evaluation",
    "HeurcheckError",
    "InvalidArgument",
    "InvalidInstance",
    "InvalidOption",
    "Option",
    "OutsideDomain",
    "PluginError",
    "Registry",
    "TruthTooExpensive",
    "UnknownName",
    "UnsupportedDomain",
    "evaluate",
    "get_domain",
    "load_instance",
    "parse_arguments",
]
