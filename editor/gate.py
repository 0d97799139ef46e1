"""The publishing gate: a new model goes live only when it is not worse than the live one."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional

from editor.evaluate import EvalResult


@dataclass
class GateDecision:
    accepted: bool
    reasons: List[str] = field(default_factory=list)  # Dutch, for the editor
    new_macro_f1: float = 0.0
    new_accuracy: float = 0.0
    live_macro_f1: Optional[float] = None
    live_accuracy: Optional[float] = None
    tolerance: float = 0.0

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        verdict = "GOEDGEKEURD" if self.accepted else "AFGEKEURD"
        return f"{verdict}: " + " ".join(self.reasons)


def decide(new: EvalResult, live: Optional[EvalResult], tolerance: float = 0.01,
           min_macro_f1: float = 0.0, max_topic_drop: Optional[float] = None) -> GateDecision:
    """Accept when the new model is at most ``tolerance`` worse than the live one.

    Both models must be measured on the same held-out questions. Without a live model
    only ``min_macro_f1`` applies.
    """
    reasons: List[str] = []
    accepted = True
    decision = GateDecision(True, reasons, new.macro_f1, new.accuracy,
                            live.macro_f1 if live else None, live.accuracy if live else None, tolerance)
    if new.n == 0:
        decision.accepted = False
        reasons.append("Er zijn geen testvragen; zonder meting gaat er geen model live.")
        return decision
    if new.macro_f1 < min_macro_f1:
        accepted = False
        reasons.append(f"De macro-F1 is {new.macro_f1:.3f}; dat is lager dan het minimum {min_macro_f1:.3f}.")
    if live is None:
        reasons.append("Er is nog geen live model om mee te vergelijken.")
    else:
        if new.macro_f1 < live.macro_f1 - tolerance:
            accepted = False
            reasons.append(f"De macro-F1 daalt van {live.macro_f1:.3f} naar {new.macro_f1:.3f} "
                           f"(toegestaan: {tolerance:.3f} lager).")
        if new.accuracy < live.accuracy - tolerance:
            accepted = False
            reasons.append(f"De nauwkeurigheid daalt van {live.accuracy:.3f} naar {new.accuracy:.3f} "
                           f"(toegestaan: {tolerance:.3f} lager).")
        if max_topic_drop is not None:
            for label, old in sorted(live.per_label.items()):
                now = new.per_label.get(label)
                if now is not None and old["f1"] - now["f1"] > max_topic_drop:
                    accepted = False
                    reasons.append(f"Het onderwerp {label} gaat te veel achteruit: F1 {old['f1']:.2f} → "
                                   f"{now['f1']:.2f}.")
        if accepted:
            delta = new.macro_f1 - live.macro_f1
            word = "beter" if delta > 0 else ("even goed" if delta == 0 else "iets slechter, binnen de marge")
            reasons.append(f"Het nieuwe model is {word}: macro-F1 {live.macro_f1:.3f} → {new.macro_f1:.3f}, "
                           f"nauwkeurigheid {live.accuracy:.3f} → {new.accuracy:.3f}.")
    decision.accepted = accepted
    return decision
