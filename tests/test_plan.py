"""Rollout planning: Unleash buckets, complexity classes, stages, pilot, priorities, rollback payloads."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from harness.errors import ConfigError, InputError
from harness.evidence import PatchEvidence, PatchStatus, TranslationStatus, TranslationSummary
from harness.model import Customization
from harness.plan import (
    Complexity,
    Pick,
    Plan,
    PlanUser,
    StratifiedPilotPicker,
    UserFacts,
    bucket,
    classify,
    flag_percentages,
    is_enabled,
    make_plan,
    plan_to_dict,
)
from harness.plan.inputs import facts_of
from harness.verdicts import Outcome, decide
from tests.test_verdicts import SETTINGS, change_case, change_component, make_component, make_user

# --- buckets ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("group_id", "user_id", "expected"), [
    ("Feature.flexibleRollout.10", "174", 10),
    ("Feature.flexibleRollout.10", "499", 32),
    ("Feature.flexibleRollout.userId.55", "25", 55),
    ("Feature.flexibleRollout.sessionId.42", "147", 42),
], ids=["10-174", "10-499", "userId-55", "sessionId-42"])
def test_unleash_specification_vectors(group_id: str, user_id: str, expected: int) -> None:
    assert bucket(group_id, user_id) == expected


@given(st.text(max_size=20), st.text(max_size=20), st.integers(0, 100), st.integers(0, 100))
def test_raising_the_percentage_never_removes_a_user(group: str, user: str, low: int, high: int) -> None:
    low, high = sorted((low, high))
    b = bucket(group, user)
    assert 1 <= b <= 100
    assert not is_enabled(low, b) or is_enabled(high, b)
    assert not is_enabled(0, b)
    assert is_enabled(100, b)


def test_schedule_shares_of_the_remaining_users_become_flag_percentages() -> None:
    # beta holds buckets 1-25; 40% of the other 75 buckets is 30 more: 55. 70% -> 52.5 -> 78, 90% -> 93.
    assert flag_percentages(25, (40, 70, 90, 100)) == (55, 78, 93, 100)
    assert flag_percentages(0, (10, 100)) == (10, 100)


@pytest.mark.parametrize(("beta", "schedule"), [(25, (40, 90)), (25, (70, 40, 100)), (25, (40, 40, 100)),
                                                (100, (100,)), (25, ())],
                         ids=["not-ending-at-100", "falling", "repeated", "beta-100", "empty"])
def test_a_bad_schedule_is_a_config_error(beta: int, schedule: tuple[int, ...]) -> None:
    with pytest.raises(ConfigError) as info:
        flag_percentages(beta, schedule)
    assert info.value.code == "plan.bad_schedule"


# --- complexity ------------------------------------------------------------------------------------

def summary(*operations: str) -> TranslationSummary:
    return TranslationSummary(TranslationStatus.COMPLETE, lossless=True, operations=operations)


@pytest.mark.parametrize(("operations", "components", "expected"), [
    (("text", "classes"), 1, Complexity.SIMPLE),
    (("text", "classes", "attrs", "visible", "text"), 1, Complexity.MODERATE),  # 5 operations > 4
    (("text",), 3, Complexity.MODERATE),                                        # 3 components > 2
    (("style", "custom_css"), 1, Complexity.MODERATE),
    (("text",) * 13, 1, Complexity.COMPLEX),                                    # 13 operations > 12
    (("text",), 4, Complexity.COMPLEX),                                         # 4 components > 3
    (("raw",), 1, Complexity.COMPLEX),
    (("insert",), 1, Complexity.COMPLEX),
    (("wrap",), 1, Complexity.COMPLEX),
    (("teleport",), 1, Complexity.COMPLEX),                              # unknown kind
], ids=["simple", "five-ops", "three-components", "css", "many-ops", "four-components", "raw", "insert",
        "wrap", "unknown-kind"])
def test_complexity_classes(operations: tuple[str, ...], components: int, expected: Complexity) -> None:
    per_component = [summary(*operations)] + [summary() for _ in range(components - 1)]
    complexity, why = classify(per_component, components)
    assert complexity is expected
    assert why.startswith(f"{expected}: {components} component(s), {len(operations)} operation(s)")


def test_a_missing_translation_counts_as_complex() -> None:
    assert classify([summary("text"), None], 2)[0] is Complexity.COMPLEX


# --- fleets -----------------------------------------------------------------------------------------

OPERATIONS = [("text",), ("classes", "text"), ("style",), ("custom_css", "classes"), ("insert", "text"), ("wrap", "classes")]
START = datetime(2026, 1, 1, tzinfo=UTC)


def plan_user(user_id: str, outcome: Outcome = Outcome.ELIGIBLE, *, components: int = 2,
              operations: tuple[str, ...] = ("text",), meta: dict[str, Any] | None = None) -> PlanUser:
    names = [f"component-{i}" for i in range(components)]
    ev = make_user(user_id, *(make_component(n, operations=operations) for n in names))
    if outcome is Outcome.REVIEW:
        ev = change_case(ev, noisy=True)
    elif outcome is Outcome.BLOCKED:
        ev = change_component(ev, patch=PatchEvidence(PatchStatus.FAILED))
    verdict = decide(ev, SETTINGS)
    assert verdict.outcome is outcome
    records = tuple(Customization(user_id, n, "3.0.0", f"--- a/t\n+++ b/t\n@@ {user_id} {n}\n".encode(),
                                  meta or {}) for n in names)
    return PlanUser(ev, verdict, records)


def fleet(size: int, seed: int = 7, *, truth: bool = True) -> list[PlanUser]:
    rng = random.Random(seed)
    users = []
    for i in range(size):
        outcome = rng.choices(list(Outcome), weights=(10, 20, 70))[0]
        meta: dict[str, Any] = {"last_edited": (START - timedelta(hours=rng.randrange(5000))).isoformat(),
                                "views": rng.randrange(10_000), "region": rng.choice(["eu", "us", "apac"]),
                                "tags": ["internal"] if rng.random() < 0.02 else []}
        truth_values = {"outcome": rng.choice(list(Outcome)).value, "tags": ["internal"], "views": 10**9}
        if truth:  # drawn either way, so both fleets are the same but for the truth
            meta["truth"] = truth_values
        users.append(plan_user(f"u{i:04d}", outcome, components=rng.randint(1, 6),
                               operations=rng.choice(OPERATIONS), meta=meta))
    return users


FLEET = fleet(1250)
PLAN = make_plan(FLEET)
FACTS = {u.user_id: u for u in PLAN.users}


def test_only_eligible_users_are_scheduled_and_each_once() -> None:
    scheduled = [uid for stage in PLAN.stages for uid in stage.user_ids]
    eligible = {u.user_id for u in PLAN.users_with(Outcome.ELIGIBLE)}
    assert len(scheduled) == len(set(scheduled))
    assert set(scheduled) == eligible
    assert [s.key for s in PLAN.stages] == ["internal", "pilot", "beta-1-simple", "beta-2-moderate",
                                           "beta-3-complex", "rollout-40", "rollout-70", "rollout-90", "rollout-100"]


def test_review_users_wait_for_approval_and_blocked_users_keep_their_reasons() -> None:
    for user in PLAN.users_with(Outcome.REVIEW):
        assert user.stage is None
        assert user.joins_after_approval in {s.key for s in PLAN.stages[2:]}
    for user in PLAN.users_with(Outcome.BLOCKED):
        assert (user.stage, user.joins_after_approval) == (None, None)
        assert user.reasons[0].startswith("Blocked: ")


def test_stage_zero_takes_up_to_ten_internal_accounts() -> None:
    internal = PLAN.stage("internal")
    assert 0 < len(internal.picks) <= 10
    by_id = {u.user_id: u for u in FLEET}
    assert all("internal" in by_id[uid].customizations[0].meta["tags"] for uid in internal.user_ids)


def test_the_pilot_respects_seed_004() -> None:
    pilot = PLAN.stage("pilot")
    assert len(pilot.picks) == 50  # min(pilot_size 50, 4% of 1,250)
    chosen = [FACTS[uid] for uid in pilot.user_ids]
    assert all(2 <= u.components <= 5 for u in chosen)
    assert {u.complexity for u in chosen} == set(Complexity)
    assert all(p.reason.startswith("pilot: power user with ") for p in pilot.picks)
    assert not set(pilot.user_ids) & set(PLAN.stage("internal").user_ids)


def test_pilot_size_follows_the_fleet() -> None:
    plan = make_plan(fleet(100, seed=3))
    assert len(plan.stage("pilot").picks) <= 4  # ceil(4% of 100)


def test_beta_waves_go_by_complexity_and_the_rest_by_bucket() -> None:
    for stage, complexity in zip(PLAN.stages[2:5], Complexity, strict=True):
        assert all(FACTS[uid].complexity is complexity and FACTS[uid].bucket <= 25 for uid in stage.user_ids)
    low = 25
    for stage in PLAN.stages[5:]:
        assert stage.flag_percentage is not None
        assert all(low < FACTS[uid].bucket <= stage.flag_percentage for uid in stage.user_ids)
        low = stage.flag_percentage


def test_inside_a_stage_recent_edits_come_first_then_views() -> None:
    by_id = {u.user_id: u for u in FLEET}
    for stage in (s for s in PLAN.stages if s.key != "pilot"):
        keys = [_edited_and_views(by_id[uid]) for uid in stage.user_ids]
        assert keys == sorted(keys, key=lambda k: (-k[0].timestamp(), -k[1]))


def _edited_and_views(user: PlanUser) -> tuple[datetime, int]:
    meta = user.customizations[0].meta
    return datetime.fromisoformat(meta["last_edited"]), meta["views"]


def test_rollback_payloads_restore_every_customization() -> None:
    by_id = {u.user_id: u for u in FLEET}
    for user in PLAN.users:
        records = by_id[user.user_id].customizations
        assert {(e.component, e.base_version, e.diff) for e in user.rollback} == {
            (c.component, c.base_version, c.diff) for c in records}
    for stage in PLAN.stages:
        assert [e.user_id for e in stage.rollback] == [uid for uid in stage.user_ids
                                                       for _ in by_id[uid].customizations]
    assert "0%" in PLAN.full_rollback
    assert "phoenix-slots" in PLAN.full_rollback


def test_ground_truth_is_never_read() -> None:
    assert plan_to_dict(make_plan(fleet(300, seed=5, truth=True))) == plan_to_dict(make_plan(fleet(300, seed=5,
                                                                                                  truth=False)))


def test_the_same_input_gives_the_same_plan() -> None:
    assert make_plan(FLEET) == PLAN


@settings(max_examples=25, deadline=None)
@given(st.permutations(fleet(60, seed=11)))
def test_the_plan_does_not_depend_on_input_order(users: Sequence[PlanUser]) -> None:
    assert make_plan(users, pilot_share=0.5, pilot_size=5) == make_plan(fleet(60, seed=11), pilot_share=0.5,
                                                                         pilot_size=5)


SMALL = [plan_user(f"s{i:03d}", components=1 + i % 6, operations=OPERATIONS[i % len(OPERATIONS)],
                   meta={"tags": ["internal"] if i % 17 == 0 else []}) for i in range(90)]
OTHERS = {o: [plan_user(f"s{i:03d}", o, components=1 + i % 6, operations=OPERATIONS[i % len(OPERATIONS)],
                        meta={"tags": ["internal"] if i % 17 == 0 else []}) for i in range(90)]
          for o in (Outcome.REVIEW, Outcome.BLOCKED)}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(list(Outcome)), min_size=90, max_size=90))
def test_a_user_who_is_not_eligible_is_never_scheduled(outcomes: list[Outcome]) -> None:
    users = [base if o is Outcome.ELIGIBLE else OTHERS[o][i] for i, (base, o) in enumerate(zip(SMALL, outcomes,
                                                                                               strict=True))]
    plan = make_plan(users, pilot_share=0.2)
    expected = {u.user_id for u, o in zip(users, outcomes, strict=True) if o is Outcome.ELIGIBLE}
    assert plan.scheduled() == expected


_schedules = st.lists(st.integers(1, 99), min_size=3, max_size=3, unique=True).map(sorted)


@settings(max_examples=40, deadline=None)
@given(_schedules, st.lists(st.integers(0, 30), min_size=3, max_size=3))
def test_growing_a_schedule_never_removes_a_user(low: list[int], raise_by: list[int]) -> None:
    high = sorted(a + d for a, d in zip(low, raise_by, strict=True))
    assume(len(set(high)) == 3 and high[-1] < 100)
    before, after = make_plan(SMALL, schedule=(*low, 100)), make_plan(SMALL, schedule=(*high, 100))
    for step in range(len(before.stages)):
        assert before.scheduled(step) <= after.scheduled(step)


@pytest.mark.parametrize("sizes", [{"pilot_size": -1}, {"internal_max": -1}, {"pilot_share": 1.5}],
                         ids=["negative-pilot", "negative-internal", "share-above-one"])
def test_bad_sizes_are_config_errors(sizes: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as info:
        make_plan(SMALL, **sizes)
    assert info.value.code == "plan.bad_size"


def test_a_repeated_user_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        make_plan([SMALL[0], SMALL[0]])
    assert info.value.code == "plan.duplicate_user"


def test_a_plan_user_must_be_one_user() -> None:
    with pytest.raises(InputError) as info:
        PlanUser(SMALL[0].evidence, SMALL[1].verdict, SMALL[0].customizations)
    assert info.value.code == "plan.mismatched_user"


class GreedyPicker:
    def pick(self, candidates: Sequence[UserFacts], limit: int) -> tuple[Pick, ...]:
        return tuple(Pick(f"x{i}", "not a candidate") for i in range(limit))


def test_a_picker_that_strays_outside_its_candidates_is_refused() -> None:
    with pytest.raises(InputError) as info:
        make_plan(SMALL, picker=GreedyPicker())
    assert info.value.code == "plan.bad_picks"


class NobodyPicker:
    def pick(self, candidates: Sequence[UserFacts], limit: int) -> tuple[Pick, ...]:
        return ()


def test_the_pilot_picker_is_pluggable_and_a_short_pilot_is_noted() -> None:
    plan: Plan = make_plan(SMALL, picker=NobodyPicker())
    assert plan.stage("pilot").picks == ()
    assert any("pilot is" in note and "short" in note for note in plan.notes)
    picker = StratifiedPilotPicker(min_components=3)
    assert [picker.qualifies(facts_of(u, "g")) for u in SMALL[1:3]] == [False, True]  # 2 and 3 components
