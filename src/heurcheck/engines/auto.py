"""The `auto` engine: a chain of the others, each deciding what it can.

smt first over the space's small structures (half the budget; a proof there is kept, anything
else is the answer), then the exhaustive engine over a finite domain (a proof there is kept,
anything else is the answer), then random search beyond them. The verdict says what was proved
and where, and what the search found beyond it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..estimators.base import Estimator
from ..findings import Verdict
from ..properties.base import Call, Property
from ..properties.space import CaseSpace
from .base import Decision, OnFinding, SearchOptions
from .exhaustive import ExhaustiveEngine
from .formal import FormalEngine
from .random import RandomEngine


@dataclass(frozen=True)
class AutoEngine:
    options: SearchOptions = SearchOptions()
    name: ClassVar[str] = "auto"

    def fits(self, space: CaseSpace, estimator: Estimator) -> str | None:
        if space.draw is None and space.finite is None and space.structures is None:
            return f"the property offers no cases on the {space.domain} domain"
        return None

    def decide(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_finding: OnFinding) -> Decision:
        smt = FormalEngine("smt", self.options, propose=False)
        formal = None
        if space.structures is not None and smt.fits(space, call.estimator) is None:
            formal = smt.decide(prop, space, call, budget / 2, on_finding)
            if formal.verdict is not Verdict.PROVED:
                return formal
            budget /= 2
        enumerated = None
        if space.finite is not None:
            enumerated = ExhaustiveEngine(self.options).decide(prop, space, call, budget, on_finding)
            if enumerated.verdict is not Verdict.PROVED or space.draw is None:
                return enumerated
        if space.draw is None:
            assert formal is not None
            return formal
        searched = RandomEngine(self.options).decide(prop, space, call, budget, on_finding)
        if formal is not None and formal.capped:
            searched = replace(searched, capped=True)
        if searched.verdict.is_failure:
            return searched
        if enumerated is not None:
            searched = replace(searched, engine="exhaustive+random", scope=enumerated.scope,
                               message=f"proved over {enumerated.message.removeprefix('holds over ')}; "
                                       f"beyond it: {searched.message}")
        if formal is not None:
            searched = replace(searched, engine="smt+random", scope=formal.scope,
                               message=f"{formal.message}; beyond it: {searched.message}")
        return searched
