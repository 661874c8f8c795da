"""The exception hierarchy: one root, each subclass also refining the builtin it resembles.

A counterexample is a result, never an exception; these are for bad input and misuse.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class HeurcheckError(Exception):
    """Root of every error heurcheck raises on purpose."""


class InvalidInstance(HeurcheckError, ValueError):
    """An instance (or its JSON form) is malformed: the message names the field, the value and what was expected."""


class InvalidArgument(HeurcheckError, ValueError):
    """An argument atom is malformed, belongs to another domain, or carries a certificate that does not check."""


class InvalidOption(HeurcheckError, ValueError):
    """An estimator option is unknown or has a value of the wrong type."""


class UnknownName(HeurcheckError, LookupError):
    """A name (estimator, domain, property, argument kind) is not registered."""

    def __init__(self, what: str, name: str, known: Iterable[str], owner: str | None = None) -> None:
        """`what` the kind of name ("estimator"; with `owner`, "option" of owner "estimator 'cumulant'")."""
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(known) or "(none)"
        super().__init__(f"{owner} has no {what} {name!r}.{hint} Its {what}s: {listed}." if owner else
                         f"no {what} {name!r}.{hint} Installed: {listed}.")
        self.name = name
        self.known = tuple(known)


class PluginError(HeurcheckError, TypeError):
    """A plugin does not satisfy the estimator interface; the message names the plugin and what is wrong."""


class TruthTooExpensive(HeurcheckError, RuntimeError):
    """Exact ground truth would exceed the stated size limit for this instance."""


class UnsupportedDomain(HeurcheckError, ValueError):
    """An estimator was asked about an instance of a domain it does not declare."""


class OutsideDomain(HeurcheckError, ValueError):
    """Raised by an estimator for an instance outside the set where it is defined (e.g. a division
    by a zero total sum). The checker counts such a case as not applicable, not as a failure."""


class InvalidFinding(HeurcheckError, ValueError):
    """A finding (or report) file is malformed or from an incompatible schema version."""


class UntrustedCode(HeurcheckError, PermissionError):
    """A data file (a finding, a report card) names code that is not installed: it is not imported unless
    the user names it; the message says how."""


class NothingToCheck(HeurcheckError, ValueError):
    """A check request where no property applies to the estimator on any domain asked for; the message
    says why for each."""


class InvalidJournal(HeurcheckError, ValueError):
    """A campaign journal that cannot be read, or that was written for another campaign."""
