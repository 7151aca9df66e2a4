"""``make_plan``: who migrates when, and how each step is undone (docs/rollout.md).

Stages, in order: 0 internal accounts; 1 pilot; 2-4 beta waves by complexity (simple, moderate,
complex) for the eligible users whose bucket is within the beta share; then the percentage schedule for
the remaining users by bucket. Inside a stage: recently edited first, then most viewed (seed 000).
Only eligible users are scheduled; review users are listed with the stage they join once approved;
blocked users are listed with their reasons. The plan depends only on the set of users, never on the
order they are given in, and never on ``meta["truth"]``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from harness.errors import ConfigError, InputError, Where
from harness.plan.buckets import flag_percentages
from harness.plan.complexity import Complexity
from harness.plan.inputs import PlanUser, UserFacts, facts_of, unique_users
from harness.plan.model import Pick, Plan, Stage, StageKind, UserPlan
from harness.plan.pilot import CohortPicker, StratifiedPilotPicker
from harness.verdicts import Outcome

DEFAULT_SCHEDULE = (40, 70, 90, 100)
BETA_KEYS = {Complexity.SIMPLE: "beta-1-simple", Complexity.MODERATE: "beta-2-moderate",
             Complexity.COMPLEX: "beta-3-complex"}


def make_plan(users: Iterable[PlanUser], *, group_id: str = "phoenix-2026", feature_flag: str = "phoenix-slots",
              pilot_size: int = 50, pilot_share: float = 0.04, internal_max: int = 10,
              beta_percentage: int = 25, schedule: Sequence[int] = DEFAULT_SCHEDULE,
              picker: CohortPicker | None = None) -> Plan:
    _check_sizes(pilot_size, pilot_share, internal_max)
    facts = [facts_of(user, group_id) for user in unique_users(users)]
    router = _Router(beta_percentage, tuple(schedule), flag_percentages(beta_percentage, schedule))
    eligible = [f for f in facts if f.outcome is Outcome.ELIGIBLE]
    internal = sorted((f for f in eligible if f.internal), key=UserFacts.priority)[:internal_max]
    pilot_limit = min(pilot_size, math.ceil(pilot_share * len(facts)))
    internal_ids = {f.user_id for f in internal}
    candidates = [f for f in eligible if f.user_id not in internal_ids]
    pilot = _checked(picker or StratifiedPilotPicker(), candidates, pilot_limit)
    picks = {"internal": tuple(Pick(f.user_id, f"internal account; {f.describe_priority()}") for f in internal),
             "pilot": pilot, **_later_picks(router, candidates, {p.user_id for p in pilot})}
    stages = _stages(picks, router, {f.user_id: f for f in facts}, feature_flag, group_id)
    return Plan(group_id, feature_flag, stages, _user_plans(facts, stages, router), _guardrails(feature_flag, group_id),
                _notes(facts, internal, pilot, pilot_limit, pilot_size, pilot_share),
                _batch_rollback(feature_flag), _full_rollback(feature_flag))


def _checked(picker: CohortPicker, candidates: Sequence[UserFacts], limit: int) -> tuple[Pick, ...]:
    """The picker's picks, refused when it strays outside the candidates or the limit (fail closed)."""
    picks = picker.pick(candidates, limit)
    allowed = {f.user_id for f in candidates}
    ids = [p.user_id for p in picks]
    if len(ids) > limit or len(set(ids)) != len(ids) or not set(ids) <= allowed:
        raise InputError(f"the pilot picker returned {len(ids)} picks, some repeated, over the limit of {limit} or "
                         "not eligible candidates", where=Where(path="pilot"), code="plan.bad_picks",
                         fix="return at most `limit` distinct users taken from `candidates`")
    return picks


def _later_picks(router: _Router, candidates: Sequence[UserFacts], pilot: set[str]) -> dict[str, tuple[Pick, ...]]:
    lanes: dict[str, list[UserFacts]] = {key: [] for key in router.later_keys()}
    for f in candidates:
        if f.user_id not in pilot:
            lanes[router.stage_of(f)].append(f)
    return {key: tuple(Pick(f.user_id, router.why(key, f)) for f in sorted(lane, key=UserFacts.priority))
            for key, lane in lanes.items()}


def _check_sizes(pilot_size: int, pilot_share: float, internal_max: int) -> None:
    if pilot_size < 0 or internal_max < 0 or not 0 <= pilot_share <= 1:
        raise ConfigError(f"pilot_size {pilot_size}, pilot_share {pilot_share} and internal_max {internal_max} "
                          "must not be negative, and pilot_share must be at most 1",
                          where=Where(path="rollout"), code="plan.bad_size",
                          fix="use counts >= 0 and a pilot share between 0 and 1, e.g. 0.04")


class _Router:
    """Which later stage (beta wave or percentage step) an eligible user belongs to, by bucket."""

    def __init__(self, beta: int, shares: tuple[int, ...], percentages: tuple[int, ...]) -> None:
        self.beta, self.shares, self.percentages = beta, shares, percentages

    def later_keys(self) -> list[str]:
        return [*BETA_KEYS.values(), *(f"rollout-{share}" for share in self.shares)]

    def stage_of(self, f: UserFacts) -> str:
        if f.bucket <= self.beta:
            return BETA_KEYS[f.complexity]
        share = next(s for s, pct in zip(self.shares, self.percentages, strict=True) if f.bucket <= pct)
        return f"rollout-{share}"

    def flag_percentage(self, key: str) -> int | None:
        shares = [f"rollout-{s}" for s in self.shares]
        return self.percentages[shares.index(key)] if key in shares else None

    def previous_percentage(self, key: str) -> int:
        """The flag percentage before this stage (0 before the first: beta users are listed by id)."""
        pct = self.flag_percentage(key)
        earlier = [p for p in self.percentages if pct is not None and p < pct]
        return earlier[-1] if earlier else 0

    def why(self, key: str, f: UserFacts) -> str:
        pct = self.flag_percentage(key)
        if pct is None:
            return (f"beta wave for {f.complexity} customizations ({f.complexity_why}); bucket {f.bucket} is "
                    f"within the beta share of {self.beta}; {f.describe_priority()}")
        low = max(self.previous_percentage(key), self.beta) + 1
        return (f"bucket {f.bucket} is in {low}-{pct}, enabled when the flag reaches {pct}%; "
                f"{f.describe_priority()}")


def _stages(picks: dict[str, tuple[Pick, ...]], router: _Router, by_id: dict[str, UserFacts],
            flag: str, group_id: str) -> tuple[Stage, ...]:
    stages = []
    for index, (key, chosen) in enumerate(picks.items()):
        pct = router.flag_percentage(key)
        kind = _kind(key)
        title = _title(index, key, pct, router)
        if pct is None:
            action = (f"Remove these {len(chosen)} user ids from the `{flag}` user list, then restore each "
                      "listed legacy customization (component, base_version, original diff).")
        else:
            action = (f"Set the `{flag}` flexible rollout (group id `{group_id}`) back to "
                      f"{router.previous_percentage(key)}%, then restore each listed legacy customization.")
        rollback = tuple(entry for p in chosen for entry in by_id[p.user_id].rollback)
        stages.append(Stage(index, key, title, kind, chosen, pct, action, rollback))
    return tuple(stages)


def _kind(key: str) -> StageKind:
    if key in ("internal", "pilot"):
        return StageKind(key)
    return StageKind.BETA if key.startswith("beta") else StageKind.PERCENTAGE


def _title(index: int, key: str, pct: int | None, router: _Router) -> str:
    if key == "internal":
        return f"Stage {index}: internal accounts"
    if key == "pilot":
        return f"Stage {index}: pilot"
    if pct is None:
        wave = list(BETA_KEYS.values()).index(key) + 1
        return f"Stage {index}: beta wave {wave} ({key.rsplit('-', 1)[1]} customizations)"
    return f"Stage {index}: {key.split('-')[1]}% of the remaining users (flag at {pct}%)"


def _user_plans(facts: Sequence[UserFacts], stages: tuple[Stage, ...], router: _Router) -> tuple[UserPlan, ...]:
    placed = {p.user_id: (s.key, n) for s in stages for n, p in enumerate(s.picks, start=1)}
    plans = []
    for f in facts:
        stage, position = placed.get(f.user_id, (None, None))
        joins = router.stage_of(f) if f.outcome is Outcome.REVIEW else None
        plans.append(UserPlan(f.user_id, f.outcome, f.rule, f.reasons, f.complexity, f.complexity_why,
                              f.components, f.bucket, stage, position, joins, f.rollback))
    return tuple(plans)


def _guardrails(flag: str, group_id: str) -> tuple[str, ...]:
    return (
        f"Only users listed in a stage may see the slot system: the `{flag}` flexible rollout must carry a "
        "constraint (or segment) limited to them, so review and blocked users stay on their legacy template "
        "at every percentage, including 100%.",
        f"Keep the group id `{group_id}` for the whole campaign: a new group id gives every user a new bucket.",
        "Raising a percentage only adds users; lowering it removes exactly the users of the stages above it.",
        "Review users join the stage named in `joins_after_approval` once a person approves them; blocked "
        "users are never scheduled.",
    )


def _notes(facts: Sequence[UserFacts], internal: Sequence[UserFacts], pilot: Sequence[Pick], limit: int,
           pilot_size: int, share: float) -> tuple[str, ...]:
    counts = {o: sum(1 for f in facts if f.outcome is o) for o in Outcome}
    notes = [f"{len(facts)} users: {counts[Outcome.ELIGIBLE]} eligible, {counts[Outcome.REVIEW]} awaiting "
             f"review, {counts[Outcome.BLOCKED]} blocked.",
             f"Pilot target {limit} = min(pilot_size {pilot_size}, {share:.0%} of {len(facts)} users rounded up); "
             f"{len(pilot)} picked."]
    if len(pilot) < limit:
        notes.append(f"The pilot is {limit - len(pilot)} short: not enough eligible users with 2-5 customized "
                     "components outside stage 0.")
    spare = sum(1 for f in facts if f.internal and f.outcome is Outcome.ELIGIBLE) - len(internal)
    if spare > 0:
        notes.append(f"{spare} more internal accounts than stage 0 takes; they follow the later stages.")
    return tuple(notes)


def _batch_rollback(flag: str) -> str:
    return (f"Undo one stage: apply that stage's `rollback_action` (remove its user ids from the `{flag}` user "
            "list, or lower the flexible rollout to the previous percentage), then let the migration tool restore "
            "each entry of the stage's `rollback` list (component, base_version, original diff).")


def _full_rollback(flag: str) -> str:
    return (f"Undo everything: set the `{flag}` flexible rollout to 0% and clear its user list (or switch the "
            "flag off), so every user renders the legacy template again; then restore every scheduled user's "
            "legacy customization from `users[].rollback`.")
