"""The CI gate over a run: a pure decision from the stored counts, the run's state and an optional baseline.

Exit codes (docs/running.md): 0 passed; 1 gate failed (eligible rate below the minimum, too many blocked,
or a user who was eligible in the baseline is not any more); 3 the run cannot be trusted (not complete,
a user the harness failed on, infrastructure problems such as crashed workers). 3 wins over 1: a run
that did not finish proves nothing either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from harness.store.values import RunInfo, UserRow

PASSED, FAILED, INFRA = 0, 1, 3


@dataclass(frozen=True)
class GateRules:
    min_eligible_rate: float | None = None   # 0..1
    max_blocked: int | None = None


@dataclass(frozen=True)
class Regression:
    user_id: str
    now: str
    rule: str
    headline: str


@dataclass(frozen=True)
class GateResult:
    code: int
    failures: tuple[str, ...] = ()           # why the gate failed (exit 1)
    problems: tuple[str, ...] = ()           # why the run cannot be trusted (exit 3)
    regressions: tuple[Regression, ...] = ()
    notes: tuple[str, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.code == PASSED


def _run_problems(info: RunInfo, counts: Mapping[str, int]) -> list[str]:
    problems = []
    stored = sum(counts.values())
    if info.status != "complete":
        problems.append(f"the run is {info.status}, not complete ({stored} of {info.expected_users} users stored); "
                        "finish it with `phoenix run ... --resume` (or merge every shard)")
    if counts.get("error", 0):
        problems.append(f"the harness failed on {counts['error']} user(s) (status error); their verdicts are unknown")
    problems += [f"infrastructure: {p}" for p in info.problems]
    return problems


def _regressions(rows: Sequence[UserRow], baseline: Sequence[UserRow]) -> tuple[list[Regression], list[str]]:
    now = {row.user_id: row for row in rows}
    lost: list[Regression] = []
    missing: list[str] = []
    for before in baseline:
        if before.status != "eligible":
            continue
        current = now.get(before.user_id)
        if current is None:
            missing.append(before.user_id)
        elif current.status != "eligible":
            lost.append(Regression(current.user_id, current.status, current.rule, current.headline))
    return lost, missing


def decide_gate(info: RunInfo, rows: Sequence[UserRow], rules: GateRules,
                baseline: Sequence[UserRow] | None = None) -> GateResult:
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("eligible", "review", "blocked", "error")}
    problems = _run_problems(info, counts)
    failures: list[str] = []
    notes: list[str] = []
    total = len(rows)
    if rules.min_eligible_rate is not None:
        rate = counts["eligible"] / total if total else 0.0
        if rate < rules.min_eligible_rate:
            failures.append(f"{rate:.1%} of users are eligible, below the minimum of {rules.min_eligible_rate:.1%}")
    if rules.max_blocked is not None and counts["blocked"] > rules.max_blocked:
        failures.append(f"{counts['blocked']} users are blocked, more than the maximum of {rules.max_blocked}")
    regressions: list[Regression] = []
    if baseline is not None:
        regressions, missing = _regressions(rows, baseline)
        if regressions:
            failures.append(f"{len(regressions)} user(s) eligible in the baseline are not eligible any more")
        if missing:
            notes.append(f"{len(missing)} user(s) eligible in the baseline are not in this run: "
                         f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}")
    code = INFRA if problems else FAILED if failures else PASSED
    return GateResult(code, tuple(failures), tuple(problems), tuple(regressions), tuple(notes), counts)
