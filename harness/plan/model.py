"""The rollout plan as values; :mod:`harness.plan.writers` turns it into plan.json and plan.csv."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from harness.plan.complexity import Complexity
from harness.verdicts import Outcome


@dataclass(frozen=True)
class RollbackEntry:
    """What the migration tool needs to restore one legacy customization."""

    user_id: str
    component: str
    base_version: str | None
    diff: bytes

    @property
    def diff_sha256(self) -> str:
        return hashlib.sha256(self.diff).hexdigest()


@dataclass(frozen=True)
class Pick:
    """A scheduled user and, in plain words, why it is in its stage at its place."""

    user_id: str
    reason: str


class StageKind(StrEnum):
    INTERNAL = "internal"
    PILOT = "pilot"
    BETA = "beta"
    PERCENTAGE = "percentage"


@dataclass(frozen=True)
class Stage:
    index: int
    key: str                       # "internal", "pilot", "beta-1-simple", "rollout-40", ...
    title: str
    kind: StageKind
    picks: tuple[Pick, ...]        # in priority order
    flag_percentage: int | None    # the flexible-rollout percentage this stage sets, if any
    rollback_action: str           # how to undo this stage, in words
    rollback: tuple[RollbackEntry, ...]

    @property
    def user_ids(self) -> tuple[str, ...]:
        return tuple(p.user_id for p in self.picks)


@dataclass(frozen=True)
class UserPlan:
    user_id: str
    outcome: Outcome
    rule: str
    reasons: tuple[str, ...]
    complexity: Complexity
    complexity_why: str
    components: int
    bucket: int
    stage: str | None                    # the stage key; None when not scheduled
    position: int | None                 # 1-based place inside the stage
    joins_after_approval: str | None     # review users: the stage they join once a person approves
    rollback: tuple[RollbackEntry, ...]


@dataclass(frozen=True)
class Plan:
    group_id: str
    feature_flag: str
    stages: tuple[Stage, ...]
    users: tuple[UserPlan, ...]          # every user, sorted by id
    guardrails: tuple[str, ...]
    notes: tuple[str, ...]
    batch_rollback: str
    full_rollback: str

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)

    def scheduled(self, through: int | None = None) -> frozenset[str]:
        """Ids of users enabled once stage ``through`` (default: the last) is done."""
        last = len(self.stages) - 1 if through is None else through
        return frozenset(uid for s in self.stages if s.index <= last for uid in s.user_ids)

    def users_with(self, outcome: Outcome) -> tuple[UserPlan, ...]:
        return tuple(u for u in self.users if u.outcome is outcome)
