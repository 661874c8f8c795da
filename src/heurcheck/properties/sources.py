"""Where each desideratum comes from, by its code: the primary source that states it ([R]) or a note that
its exact form is a reconstruction whose quantifiers the sources leave open ([I]), which heurcheck then
exposes as a parameter rather than hard-wiring. `heurcheck explain` prints the entry."""

from __future__ import annotations

FPI = "Christiano, Neyman, Xu, Formalizing the presumption of independence (2022, arXiv 2211.06738)"
LIE = ("Christiano, Hilton, Lincoln, Neyman, Xu, Towards a Law of Iterated Expectations for Heuristic Estimators "
       "(2024, arXiv 2410.01290)")
THESIS = "Neyman, PhD thesis, ch. 9 'Deductive circuit estimation' (2024)"
SAMPLING = "ARC, 'Competing with sampling' (2025)"
MLP = "ARC, Mechanistic estimation for wide random MLPs (2026, arXiv 2605.05179)"

SOURCES: dict[str, str] = {
    "D1": f"[R] {FPI}; the semantic form (one function built as two circuits) is [I]",
    "D1'": f"[R] {THESIS}, on boolean circuits; the arithmetic analogue (reveal an input) is [I]",
    "D2": f"[R] {FPI}; its forms (sign, exact value, monotonicity with D1) and the proof classes are [I]",
    "D3": f"[R] {THESIS} (probabilities of boolean circuits stay in [0, 1])",
    "D4": f"[R] {FPI} (the presumption of independence: the product rule absent an argument)",
    "D5": f"[R, informal] {FPI}; the concrete form (an argument about parts Y does not read) is [I]",
    "D6": "[I] arguments are a set: order and duplication do not matter (a reconstruction)",
    "D7": f"[R for cumulant propagation] {MLP}; {LIE} (complete arguments give the exact value)",
    "D8": f"[R] {LIE}",
    "D9": f"[R name, I form] {LIE} (modelled on the law of iterated expectations)",
    "D10": f"[R name, I form] {LIE}",
    "D11": f"[R gist, I form] {LIE} (accuracy over a distribution; beta, R^2 and mean error are [I])",
    "D12": f"[R] {SAMPLING}; {MLP}",
    "D15": ("[I] one function written two ways has one estimate (reparametrisation invariance: units permuted, "
            "a relu unit rescaled, rows and columns permuted, wires relabelled); implied by the idea that G depends "
            "on Y and Pi, not on how Y is written, but stated as a property nowhere in the sources (a reconstruction)"),
    "D14": "[I] calibration of a randomised estimator's stated standard error (a reconstruction)",
}


def source_of(code: str) -> str:
    """The source line for a property code, or a plain statement that none is recorded."""
    return SOURCES.get(code, "[I] not stated in the literature surveyed by heurcheck's reference")
