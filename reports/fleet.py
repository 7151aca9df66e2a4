"""The fleet dashboard's numbers: verdict counts, rates against the plan's targets, score distribution,
verdicts by component and by kind of change, shared differences, the rollout plan, the users table.

Pure: :func:`summarize_user` reduces each :class:`UserResult` to a small :class:`UserSummary` (so a fleet
of 10,000 users never sits in memory whole), and :func:`fleet_view` computes everything from those.

Targets (seed 004, documented in docs/reports.md):

- **translation success**: every customization whose translation ran was translated completely
  (status ``complete``, nothing unconverted); target 100%;
- **similarity**: every measured required case scores at or above the pass threshold (> 95%); target 100%;
- **migration success**: users that migrate automatically (``eligible``) out of all users; target > 98%.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from harness.evidence import TranslationStatus
from harness.runner.result import UserResult
from harness.store.values import FingerprintCount, RunInfo
from reports.caseview import Thresholds
from reports.charts import STATUS_ORDER, Chart, histogram, stacked_rows
from reports.userview import without_label

MAX_FINGERPRINTS = 500      # shared differences listed on the dashboard (most widespread first)
TOP_FINGERPRINTS = 15       # of which shown open
SAMPLE_USERS = 8


@dataclass(frozen=True)
class FingerprintExample:
    user_id: str
    component: str
    scenario: str
    viewport: str
    anchor: str


@dataclass(frozen=True)
class UserSummary:
    """What the dashboard and the manifest need of one user."""

    user_id: str
    file: str
    status: str
    rule: str
    headline: str
    lowest_score: float | None
    components: tuple[str, ...]
    complexity: str
    reason_codes: tuple[str, ...]
    op_kinds: tuple[str, ...]
    translations: tuple[str, ...]          # per component: complete | partial | failed | not translated
    translated: int                        # components translated completely
    translatable: int                      # components whose translation ran
    cases_measured: int
    cases_passing: int
    fingerprints: Mapping[str, FingerprintExample] = field(default_factory=dict)


def summarize_user(result: UserResult, file: str, thresholds: Thresholds) -> UserSummary:
    translations: list[str] = []
    op_kinds: set[str] = set()
    translated = translatable = 0
    measured = passing = 0
    for comp in result.evidence.components:
        t = comp.translation
        translations.append(t.status.value if t is not None else "not translated")
        if t is not None:
            translatable += 1
            translated += t.status is TranslationStatus.COMPLETE and t.unconverted_hunks == 0
            op_kinds.update(t.op_kinds)
        for case in comp.cases:
            if case.required and case.measured and case.valid_score is not None:
                measured += 1
                passing += case.valid_score >= thresholds.pass_threshold
    examples: dict[str, FingerprintExample] = {}
    for i, comp_result in enumerate(result.components):
        for k, case_result in enumerate(comp_result.cases):
            for m in case_result.noticeable:
                examples.setdefault(m.fingerprint, FingerprintExample(
                    result.user_id, comp_result.component, case_result.scenario, case_result.viewport,
                    f"case-{i}-{k}"))
    return UserSummary(
        result.user_id, file, result.status, result.verdict.rule, without_label(result.headline),
        result.verdict.lowest_score,
        tuple(c.component for c in result.components) or tuple(
            sorted({lp.component for lp in result.load_problems if lp.component})),
        result.complexity, tuple(dict.fromkeys(r.code for r in result.verdict.reasons)), tuple(sorted(op_kinds)),
        tuple(translations), translated, translatable, measured, passing, examples)


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    target: float
    strictly_above: bool
    numerator: int
    denominator: int
    definition: str

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value > self.target if self.strictly_above else self.value >= self.target


@dataclass(frozen=True)
class FingerprintView:
    fingerprint: str
    users: int
    cases: int
    kind: str
    selector: str
    message: str
    samples: tuple[tuple[str, str], ...]        # (user id, file)
    example: tuple[str, str] | None             # (file#anchor, "u1 · default at 390x844")


@dataclass(frozen=True)
class KindRow:
    label: str
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class FleetView:
    users: int
    counts: Mapping[str, int]
    targets: tuple[Target, ...]
    histogram: Chart
    histogram_rows: tuple[KindRow, ...]
    by_component: tuple[KindRow, ...]
    component_chart: Chart
    by_op_kind: tuple[KindRow, ...]
    by_translation: tuple[KindRow, ...]
    by_complexity: tuple[KindRow, ...]
    fingerprints: tuple[FingerprintView, ...]
    shared_total: int                           # fingerprints seen for 2+ users (listed or not)
    plan: Mapping[str, Any] | None
    summaries: tuple[UserSummary, ...]
    expected_users: int

    def share(self, status: str) -> float | None:
        return self.counts.get(status, 0) / self.users if self.users else None

    @property
    def listed_fingerprints(self) -> frozenset[str]:
        return frozenset(f.fingerprint for f in self.fingerprints)

    def table_data(self) -> dict[str, Any]:
        """The users table as compact JSON: string tables plus one short row per user."""
        components = sorted({c for s in self.summaries for c in s.components})
        codes = sorted({c for s in self.summaries for c in s.reason_codes})
        comp_index = {c: i for i, c in enumerate(components)}
        code_index = {c: i for i, c in enumerate(codes)}
        rows = [[s.user_id, s.file, STATUS_ORDER.index(s.status), s.lowest_score,
                 [comp_index[c] for c in s.components], s.complexity, s.headline,
                 [code_index[c] for c in s.reason_codes]] for s in self.summaries]
        position = {s.user_id: i for i, s in enumerate(self.summaries)}
        fps = {f.fingerprint: sorted(position[u] for u in self._fp_users[f.fingerprint] if u in position)
               for f in self.fingerprints}
        return {"statuses": list(STATUS_ORDER), "components": components, "codes": codes, "rows": rows,
                "fingerprints": fps, "messages": {f.fingerprint: f.message for f in self.fingerprints}}

    @property
    def _fp_users(self) -> Mapping[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for s in self.summaries:
            for fp in s.fingerprints:
                found[fp].append(s.user_id)
        return found


def fleet_view(summaries: Sequence[UserSummary], run: RunInfo, thresholds: Thresholds,
               fingerprint_counts: Iterable[FingerprintCount], plan: Mapping[str, Any] | None) -> FleetView:
    counts = Counter(s.status for s in summaries)
    bins = _score_bins(summaries, thresholds)
    histogram_rows = tuple(KindRow(label, counts_) for label, counts_ in bins)
    markers = _threshold_markers(thresholds)
    by_component = _rows_by(summaries, lambda s: s.components)
    shared = [f for f in fingerprint_counts if f.users >= 2]
    return FleetView(
        users=len(summaries), counts={s: counts.get(s, 0) for s in STATUS_ORDER},
        targets=_targets(summaries, thresholds), histogram=histogram(bins, markers),
        histogram_rows=histogram_rows, by_component=by_component,
        component_chart=stacked_rows([(r.label, r.counts) for r in by_component]),
        by_op_kind=_rows_by(summaries, lambda s: s.op_kinds or ("(no operation)",)),
        by_translation=_rows_by(summaries,
                                lambda s: tuple(dict.fromkeys(s.translations)) or ("(no readable record)",)),
        by_complexity=_rows_by(summaries, lambda s: (s.complexity,)),
        fingerprints=_fingerprints(shared[:MAX_FINGERPRINTS], summaries), shared_total=len(shared),
        plan=plan, summaries=tuple(summaries), expected_users=run.expected_users)


def _targets(summaries: Sequence[UserSummary], t: Thresholds) -> tuple[Target, ...]:
    translated = sum(s.translated for s in summaries)
    translatable = sum(s.translatable for s in summaries)
    passing = sum(s.cases_passing for s in summaries)
    measured = sum(s.cases_measured for s in summaries)
    eligible = sum(s.status == "eligible" for s in summaries)
    return (
        Target("Translation success", translated / translatable if translatable else None, 1.0, False,
               translated, translatable, "customizations translated completely, out of those whose translation "
               "ran (a diff that did not apply never reaches the translator)"),
        Target(f"Similarity ≥ {t.pass_threshold:.2f} in every case", passing / measured if measured else None, 1.0,
               False, passing, measured, "measured render cases (scenario × viewport) at or above the pass "
               "threshold, out of all measured cases"),
        Target("Migration success", eligible / len(summaries) if summaries else None, 0.98, True, eligible,
               len(summaries), "users that migrate automatically (eligible), out of all users checked"),
    )


def _score_edges(t: Thresholds) -> list[float]:
    return sorted({0.0, 0.5, t.block_threshold, 0.9, t.pass_threshold, 0.97, 0.98, 0.99, 0.995, 1.0})


def _score_bins(summaries: Sequence[UserSummary], t: Thresholds) -> list[tuple[str, dict[str, int]]]:
    edges = _score_edges(t)
    labels = [f"{lo:g}–{hi:g}" for lo, hi in pairwise(edges)] + ["1 (identical)", "no score"]
    bins: list[dict[str, int]] = [defaultdict(int) for _ in labels]
    for s in summaries:
        bins[_bin_of(s.lowest_score, edges)][s.status] += 1
    return [(label, dict(b)) for label, b in zip(labels, bins, strict=True)]


def _bin_of(score: float | None, edges: list[float]) -> int:
    if score is None:
        return len(edges)
    if score >= 1.0:
        return len(edges) - 1
    for i in range(len(edges) - 1):
        if score < edges[i + 1]:
            return i
    return len(edges) - 2  # pragma: no cover - scores above 1 are stored as "no score" by the verdicts


def _threshold_markers(t: Thresholds) -> dict[int, str]:
    edges = _score_edges(t)
    return {edges.index(t.block_threshold): f"block < {t.block_threshold:g}",
            edges.index(t.pass_threshold): f"pass ≥ {t.pass_threshold:g}"}


def _rows_by(summaries: Sequence[UserSummary], keys: Any) -> tuple[KindRow, ...]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for s in summaries:
        for key in keys(s):
            table[key][s.status] += 1
    ordered = sorted(table.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return tuple(KindRow(k, {s: c.get(s, 0) for s in STATUS_ORDER}) for k, c in ordered)


def _fingerprints(shared: Sequence[FingerprintCount], summaries: Sequence[UserSummary]) -> tuple[FingerprintView, ...]:
    wanted = {f.fingerprint for f in shared}
    samples: dict[str, list[tuple[str, str]]] = defaultdict(list)
    examples: dict[str, tuple[str, str]] = {}
    for s in summaries:
        for fp, ex in s.fingerprints.items():
            if fp not in wanted:
                continue
            if len(samples[fp]) < SAMPLE_USERS:
                samples[fp].append((s.user_id, s.file))
            examples.setdefault(fp, (f"{s.file}#{ex.anchor}", f"{s.user_id}: {ex.component}, {ex.scenario} at "
                                     f"{ex.viewport}"))
    return tuple(FingerprintView(f.fingerprint, f.users, f.cases, f.kind, f.selector, f.message,
                                 tuple(samples[f.fingerprint]), examples.get(f.fingerprint)) for f in shared)
