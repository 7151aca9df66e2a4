"""Choosing the pilot cohort (seed 004): power users with 2-5 customized components, a range of
complexity and a mix of regions, about 4% of all users. Pluggable behind :class:`CohortPicker`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Protocol

from harness.plan.complexity import Complexity
from harness.plan.inputs import UserFacts
from harness.plan.model import Pick


class CohortPicker(Protocol):
    def pick(self, candidates: Sequence[UserFacts], limit: int) -> tuple[Pick, ...]:
        """Up to ``limit`` users from ``candidates`` (all eligible), each with the reason it was picked."""
        ...


@dataclass(frozen=True)
class StratifiedPilotPicker:
    """Round-robin over complexity classes (simple, moderate, complex); inside a class, round-robin over
    regions (alphabetical, unknown last); inside a region, priority order (recent edits, then views).
    Deterministic: the same candidates always give the same picks in the same order.
    """

    min_components: int = 2
    max_components: int = 5

    def qualifies(self, user: UserFacts) -> bool:
        return self.min_components <= user.components <= self.max_components

    def pick(self, candidates: Sequence[UserFacts], limit: int) -> tuple[Pick, ...]:
        pool = [u for u in candidates if self.qualifies(u)]
        lanes = [self._spread_regions([u for u in pool if u.complexity is c]) for c in Complexity]
        picks: list[Pick] = []
        for rank, row in enumerate(zip_longest(*lanes), start=1):
            for user in row:
                if user is not None and len(picks) < limit:
                    picks.append(Pick(user.user_id, self._why(user, rank, pool)))
        return tuple(picks)

    @staticmethod
    def _spread_regions(users: list[UserFacts]) -> list[UserFacts]:
        regions = sorted({u.region for u in users}, key=lambda r: (r is None, r or ""))
        queues = [sorted((u for u in users if u.region == r), key=UserFacts.priority) for r in regions]
        return [u for row in zip_longest(*queues) for u in row if u is not None]

    def _why(self, user: UserFacts, rank: int, pool: Sequence[UserFacts]) -> str:
        peers = sum(1 for u in pool if u.complexity is user.complexity)
        return (f"pilot: power user with {user.components} customized components "
                f"({self.min_components}-{self.max_components}); {user.complexity_why}; region "
                f"{user.region or 'unknown'}; pick {rank} of {peers} {user.complexity} candidates "
                f"(regions taken in turn, then {user.describe_priority()})")
