"""Rollout planning (issue 8): complexity classes, Unleash buckets, stages, rollback payloads, writers."""

from harness.plan.buckets import bucket, flag_percentages, is_enabled
from harness.plan.complexity import CLASSES, Complexity, classify
from harness.plan.inputs import PlanUser, UserFacts
from harness.plan.model import Pick, Plan, RollbackEntry, Stage, StageKind, UserPlan
from harness.plan.pilot import CohortPicker, StratifiedPilotPicker
from harness.plan.planner import DEFAULT_SCHEDULE, make_plan
from harness.plan.writers import plan_to_csv, plan_to_dict, plan_to_json, write_plan

__all__ = [
    "CLASSES", "DEFAULT_SCHEDULE", "CohortPicker", "Complexity", "Pick", "Plan", "PlanUser", "RollbackEntry",
    "Stage", "StageKind", "StratifiedPilotPicker", "UserFacts", "UserPlan", "bucket", "classify",
    "flag_percentages", "is_enabled", "make_plan", "plan_to_csv", "plan_to_dict", "plan_to_json", "write_plan",
]
