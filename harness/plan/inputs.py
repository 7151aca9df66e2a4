"""What the planner knows about a user: its verdict, complexity, bucket and the metadata it may read.

Metadata comes only from :meth:`Customization.decision_meta` (never ``meta["truth"]``). Keys read:

- ``internal: true`` or ``"internal"`` in ``tags``: an internal account (stage 0);
- ``updated_at`` (or ``last_edited``): ISO 8601 date or time of the user's last edit (no zone = UTC);
- ``views_30d`` (or ``views``): a whole number, storefront views in the last 30 days;
- ``region``: any text, used to spread the pilot across regions.

Unreadable values count as absent; absent values sort last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

from harness.errors import InputError, Where
from harness.evidence import UserEvidence
from harness.model import Customization
from harness.plan.buckets import bucket
from harness.plan.complexity import Complexity, classify
from harness.plan.model import RollbackEntry
from harness.verdicts import Outcome, Verdict

INTERNAL_TAG = "internal"
EDITED_KEYS = ("updated_at", "last_edited")
VIEWS_KEYS = ("views_30d", "views")  # the record field is views_30d; views is accepted


@dataclass(frozen=True)
class PlanUser:
    """One user as the runner hands it to the planner."""

    evidence: UserEvidence
    verdict: Verdict
    customizations: tuple[Customization, ...] = ()

    def __post_init__(self) -> None:
        ids = {self.evidence.user_id, self.verdict.user_id, *(c.user_id for c in self.customizations)}
        if len(ids) != 1:
            raise InputError(f"the evidence, verdict and customizations name different users: {sorted(ids)}",
                             where=Where(user=self.verdict.user_id), code="plan.mismatched_user",
                             fix="build each PlanUser from one user's evidence, verdict and records")

    @property
    def user_id(self) -> str:
        return self.verdict.user_id


@dataclass(frozen=True)
class UserFacts:
    """Everything a scheduling decision may use about one user, read once."""

    user_id: str
    outcome: Outcome
    rule: str
    reasons: tuple[str, ...]
    complexity: Complexity
    complexity_why: str
    components: int
    bucket: int
    internal: bool
    last_edited: datetime | None
    views: int | None
    region: str | None
    rollback: tuple[RollbackEntry, ...]

    def priority(self) -> tuple[int, float, int, int, str]:
        """Sort key: recently edited first, then most viewed, then user id (seed 000)."""
        edited = -self.last_edited.timestamp() if self.last_edited else 0.0
        return (self.last_edited is None, edited, self.views is None, -(self.views or 0), self.user_id)

    def describe_priority(self) -> str:
        edited = self.last_edited.date().isoformat() if self.last_edited else "never recorded"
        views = f"{self.views:,}" if self.views is not None else "unknown"
        return f"last edited {edited}, {views} views"


def facts_of(user: PlanUser, group_id: str) -> UserFacts:
    metas = [c.decision_meta() for c in sorted(user.customizations, key=lambda c: c.component)]
    names = {c.component for c in user.customizations} | {c.component for c in user.evidence.components}
    translations = [c.translation for c in user.evidence.components]
    complexity, why = classify(translations, len(names))
    edits = [d for d in (_edited(m) for m in metas) if d is not None]
    views = [v for v in (_views(m) for m in metas) if v is not None]
    regions = [str(m["region"]) for m in metas if isinstance(m.get("region"), str) and m["region"]]
    rollback = tuple(RollbackEntry(c.user_id, c.component, c.base_version, c.diff)
                     for c in sorted(user.customizations, key=lambda c: (c.component, c.diff_sha256)))
    return UserFacts(user.user_id, user.verdict.outcome, user.verdict.rule,
                     tuple(r.message for r in user.verdict.reasons), complexity, why, len(names),
                     bucket(group_id, user.user_id), any(_internal(m) for m in metas), max(edits, default=None),
                     max(views, default=None), regions[0] if regions else None, rollback)


def unique_users(users: Iterable[PlanUser]) -> list[PlanUser]:
    """Users sorted by id, so that the plan never depends on input order; a repeated id is an error."""
    ordered = sorted(users, key=lambda u: u.user_id)
    for before, after in pairwise(ordered):
        if before.user_id == after.user_id:
            raise InputError("the same user appears twice in the planner's input",
                             where=Where(user=after.user_id), code="plan.duplicate_user",
                             fix="pass one PlanUser per user, with all of its customizations")
    return ordered


def _internal(meta: Mapping[str, Any]) -> bool:
    tags = meta.get("tags")
    tagged = isinstance(tags, list | tuple) and INTERNAL_TAG in tags
    return meta.get("internal") is True or tagged


def _edited(meta: Mapping[str, Any]) -> datetime | None:
    for key in EDITED_KEYS:
        value = meta.get(key)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


def _views(meta: Mapping[str, Any]) -> int | None:
    value = next((meta[k] for k in VIEWS_KEYS if k in meta), None)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
