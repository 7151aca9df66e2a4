"""The shape of a generated fleet: how many components a user customizes, which ones, and which kinds.

Kinds are drawn per customization so that their *marginal* shares come out close to the real-world study
(prior-art §1): each kind is drawn on its own, with a probability nudged by how far the fleet so far has
drifted from its target share. The nudge absorbs what the recipes add beyond the drawn kinds (removing a
``{% if %}`` block is also a logic change) and the kinds a component has no recipe for, so a 1,250-user
fleet lands within a point or two of every target while each customization stays random.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from harness.errors import ConfigError
from harness.fleet.recipes import KIND_SHARES

# How popular each component is among customizers (the product card first, as on the platform).
COMPONENT_WEIGHTS: dict[str, float] = {
    "product-card": 0.40, "cart-line": 0.17, "quick-view": 0.15, "mini-cart": 0.15, "collection-banner": 0.13,
}
POWER_COMPONENTS: dict[int, float] = {2: 0.45, 3: 0.30, 4: 0.15, 5: 0.10}  # power users' component counts
STEERING_HORIZON = 20.0  # customizations over which a drift from a target share is corrected


@dataclass(frozen=True)
class FleetSpec:
    """What to generate. Shares are of users (``power_share``) or of customizations (the rest)."""

    users: int = 1250
    seed: int = 2026
    power_share: float = 0.25
    hostile_share: float = 0.03
    older_base_share: float = 0.15
    no_base_share: float = 0.05
    index_share: float = 0.5
    internal_users: int = 10
    cover: bool = False  # demo fleets: every recipe, hostile kind and patch outcome at least once
    component_weights: Mapping[str, float] = field(default_factory=lambda: dict(COMPONENT_WEIGHTS))

    def __post_init__(self) -> None:
        if self.users < 1:
            raise ConfigError(f"a fleet needs at least one user, got {self.users}", code="config.invalid",
                              fix="pass --users 1 or more")
        for name in ("power_share", "hostile_share", "older_base_share", "no_base_share", "index_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name} must be between 0 and 1, got {getattr(self, name)}",
                                  code="config.invalid", fix=f"set {name} to a share between 0 and 1")


def component_count(rng: random.Random, spec: FleetSpec, available: int) -> int:
    """1 for most users; 2-5 for power users (never more than there are components)."""
    if rng.random() >= spec.power_share:
        return 1
    counts = list(POWER_COMPONENTS)
    return min(available, rng.choices(counts, weights=[POWER_COMPONENTS[c] for c in counts])[0])


def choose_components(rng: random.Random, weights: Mapping[str, float], count: int) -> list[str]:
    """``count`` distinct components, drawn by popularity (weighted sampling without replacement)."""
    pool = dict(weights)
    chosen: list[str] = []
    for _ in range(min(count, len(pool))):
        names = sorted(pool)
        name = rng.choices(names, weights=[pool[n] for n in names])[0]
        chosen.append(name)
        del pool[name]
    return chosen


class KindSteering:
    """Draws the kinds of each customization and keeps the fleet's marginal shares on target."""

    def __init__(self, targets: Mapping[str, float] = KIND_SHARES) -> None:
        self.targets = dict(targets)
        self.counts: Counter[str] = Counter()
        self.drawn = 0  # customizations recorded so far

    def probability(self, kind: str) -> float:
        target = self.targets[kind]
        drift = target * self.drawn - self.counts[kind]
        return min(0.95, max(0.0, target + drift / STEERING_HORIZON))

    def draw(self, rng: random.Random) -> set[str]:
        """The kinds one customization should show (at least one)."""
        kinds = {kind for kind in self.targets if rng.random() < self.probability(kind)}
        if not kinds:
            kinds.add(max(self.targets, key=lambda k: (self.probability(k), k)))
        return kinds

    def record(self, kinds: Iterable[str]) -> None:
        """Count what a customization really got (the union of its recipes' kinds)."""
        self.counts.update(set(kinds))
        self.drawn += 1


def shares(kind_sets: Sequence[Iterable[str]]) -> dict[str, float]:
    """The marginal share of each kind over ``kind_sets`` (one set per customization)."""
    counts: Counter[str] = Counter()
    for kinds in kind_sets:
        counts.update(set(kinds))
    total = max(len(kind_sets), 1)
    return {kind: counts[kind] / total for kind in KIND_SHARES}
