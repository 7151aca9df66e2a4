"""Complexity class per user, from its translation summaries (docs/rollout.md prints :data:`CLASSES`).

A user is the first class whose every limit holds; anything else, including an operation kind this
module does not know and a component without a translation summary, is ``complex``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.evidence import TranslationSummary


class Complexity(StrEnum):
    SIMPLE = "simple"
    MODERATE = "moderate"
    COMPLEX = "complex"


@dataclass(frozen=True)
class ClassLimits:
    complexity: Complexity
    max_components: int
    max_operations: int
    kinds: frozenset[str]


SIMPLE_KINDS = frozenset({"text", "classes", "attrs", "visible", "settings"})
MODERATE_KINDS = SIMPLE_KINDS | {"style", "custom_css", "order", "tag"}
CLASSES: tuple[ClassLimits, ...] = (
    ClassLimits(Complexity.SIMPLE, 2, 4, SIMPLE_KINDS),
    ClassLimits(Complexity.MODERATE, 3, 12, MODERATE_KINDS),
)


def classify(translations: Sequence[TranslationSummary | None], components: int) -> tuple[Complexity, str]:
    """The class and a one-line explanation ("moderate: 2 components, 5 operations (classes, style)")."""
    if any(t is None for t in translations) or not translations:
        return Complexity.COMPLEX, "complex: a component has no translation summary"
    operations = [op for t in translations if t is not None for op in t.operations]
    kinds = sorted(set(operations))
    facts = f"{components} component(s), {len(operations)} operation(s) ({', '.join(kinds) or 'none'})"
    for limits in CLASSES:
        if (components <= limits.max_components and len(operations) <= limits.max_operations
                and set(kinds) <= limits.kinds):
            return limits.complexity, f"{limits.complexity}: {facts}"
    return Complexity.COMPLEX, f"complex: {facts}"
