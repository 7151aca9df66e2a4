"""Coverage for demo fleets: every recipe, every hostile kind and every patch outcome at least once.

A demo fleet is small (about 40 users), so it is steered instead of sampled: components with recipes
not yet used are drawn more often, each customization applies a few unused recipes of one translation
class (so some users stay eligible), and one customization in two takes the next special task (a
conflicting rebase, a clean rebase, a record without base version, each hostile kind).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from harness.errors import Where
from harness.fleet.build import (
    CONFLICT,
    PATCH_EXACT,
    PATCH_IDENTIFIED,
    PATCH_REBASED,
    Built,
    FleetSelfCheckError,
)
from harness.fleet.recipes import Recipe, Verdict

SPECIAL_TASKS = ("conflict", "older", "no-base-index", "no-base-content")
RECIPES_PER_CUSTOMIZATION = 3
PATCH_OUTCOMES = (PATCH_EXACT, PATCH_REBASED, PATCH_IDENTIFIED, CONFLICT)


class Coverage:
    """What a demo fleet has shown so far, and what to steer towards next."""

    def __init__(self, catalogs: Mapping[str, Sequence[Recipe]], hostile_kinds: Iterable[str]) -> None:
        self.catalogs = catalogs
        self.uncovered: dict[str, list[Recipe]] = {name: list(recipes) for name, recipes in catalogs.items()}
        self.tasks: list[str] = [*SPECIAL_TASKS, *hostile_kinds]
        self.cursor: dict[str, int] = {}
        self.customizations = 0
        self.seen_patches: set[str] = set()
        self.seen_verdicts: set[Verdict] = set()
        self.hostile_seen: set[str] = set()
        self.all_hostile = tuple(hostile_kinds)

    def weights(self, base: Mapping[str, float]) -> dict[str, float]:
        """Component weights leaning towards components with recipes still unused."""
        return {name: weight + len(self.uncovered.get(name, ())) for name, weight in base.items()}

    def next_task(self) -> str | None:
        """Every other customization takes the next special task while any is left."""
        self.customizations += 1
        if self.tasks and self.customizations % 2 == 0:
            return self.tasks.pop(0)
        return None

    def defer(self, task: str) -> None:
        """Put back a task this customization could not take (its component cannot conflict)."""
        self.tasks.insert(0, task)

    def preferred(self, component: str) -> tuple[Recipe, ...]:
        """Unused recipes to apply first: up to three of one translation class, rotating on every call."""
        pool = self.uncovered[component]
        if not pool:
            return ()
        start = self.cursor.get(component, 0) % len(pool)
        self.cursor[component] = start + 1
        first = pool[start]
        group = [r for r in pool[start:] + pool[:start] if r.translation is first.translation]
        return tuple(group[:RECIPES_PER_CUSTOMIZATION])

    def record(self, built: Built) -> None:
        self.seen_patches.add(built.truth.patch)
        self.seen_verdicts.add(built.truth.expected_verdict)
        applied = set(built.truth.recipes)
        for recipes in self.uncovered.values():
            recipes[:] = [r for r in recipes if r.id not in applied]

    def record_hostile(self, kind: str) -> None:
        self.hostile_seen.add(kind)
        self.seen_verdicts.add(Verdict.BLOCKED)

    def check(self) -> None:
        """Refuse a demo fleet that misses something it promises to show."""
        missing = [r.id for recipes in self.uncovered.values() for r in recipes]
        missing += [f"task {task}" for task in self.tasks]
        missing += [f"patch outcome {p}" for p in PATCH_OUTCOMES if p not in self.seen_patches]
        missing += [f"hostile {k}" for k in self.all_hostile if k not in self.hostile_seen]
        missing += [f"verdict {v.value}" for v in Verdict if v not in self.seen_verdicts]
        if missing:
            raise FleetSelfCheckError(f"the demo fleet misses {len(missing)} things: "
                                      f"{', '.join(missing[:12])}", where=Where(),
                                      fix="generate more users for the demo fleet")
