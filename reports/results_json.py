"""``results.json``: a run's results for machines (schema ``phoenix.results/1``, ``schemas/results.v1.json``).

The models below *are* the schema: ``json_schema()`` exports it and a test keeps the committed file in
step. One entry per stored user (user-id order) with its verdict, reasons, complexity and per component
the translation summary and per case the score, noticeable differences (with fingerprints) and errors;
then the differences grouped across users. The full detail (diffs, slot configs, every mismatch, rendered
documents) stays in the results store. Ground truth of generated fleets is never written here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticSerializationError

from harness.files import write_output
from harness.runner.result import CaseResult, ComponentResult, UserResult
from harness.store import RunInfo, StoreReader

SCHEMA_ID: Literal["phoenix.results/1"] = "phoenix.results/1"
RESULTS_FILE = "results.json"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ProblemOut(_Model):
    code: str = Field(description="stable dotted code, e.g. render.timeout")
    message: str
    fix: str


class ReasonOut(_Model):
    code: str = Field(description="the verdict rule that produced this reason, e.g. grey_zone")
    severity: Literal["eligible", "review", "blocked"]
    message: str
    component: str | None = None
    scenario: str | None = None
    viewport: str | None = None


class DifferenceOut(_Model):
    fingerprint: str = Field(description="groups the same difference across users (see fingerprints)")
    kind: str
    selector: str
    property: str
    message: str


class CaseOut(_Model):
    scenario: str
    viewport: str = Field(description='"WIDTHxHEIGHT"')
    score: float | None = Field(description="similarity of old and new in [0, 1]; null when not measured")
    noisy: bool = Field(description="the legacy page rendered differently twice, so the score is not trusted")
    differences: list[DifferenceOut] = Field(description="noticeable differences, most costly first")
    errors: dict[str, ProblemOut] = Field(description='why a side did not render: keys "old", "new", "twin", "score"')


class ComponentOut(_Model):
    component: str
    base_version: str | None = Field(description="as recorded; null when the record did not say")
    target_version: str | None = Field(description="the version the customization was applied to")
    translation: Literal["complete", "partial", "failed"] | None
    lossless: bool | None
    operations: list[str] = Field(description="one slot operation kind per operation")
    cases: list[CaseOut]


class UserOut(_Model):
    user_id: str
    status: Literal["eligible", "review", "blocked", "error"]
    rule: str = Field(description="the verdict rule that decided (docs/verdicts.md)")
    headline: str
    reasons: list[ReasonOut] = Field(description="every reason, most severe first")
    lowest_score: float | None
    complexity: Literal["simple", "moderate", "complex"]
    input_key: str
    from_cache: bool
    error: ProblemOut | None = Field(description="a harness error (status error): the check itself failed")
    components: list[ComponentOut]


class FingerprintOut(_Model):
    fingerprint: str
    users: int
    cases: int
    kind: str
    selector: str
    message: str = Field(description="one example")


class RunOut(_Model):
    status: Literal["running", "complete", "interrupted", "failed", "partial"]
    source: str
    source_digest: str
    settings_hash: str
    settings: dict[str, Any]
    harness_version: str
    code_digest: str
    started_at: str
    finished_at: str | None
    shard: str | None
    shards: list[str]
    workers: int
    source_users: int
    expected_users: int
    problems: list[str]


class Totals(_Model):
    users: int
    eligible: int
    review: int
    blocked: int
    error: int
    cached: int


class ResultsDocument(_Model):
    schema_: Literal["phoenix.results/1"] = Field(SCHEMA_ID, alias="schema")
    run: RunOut
    totals: Totals
    users: list[UserOut]
    fingerprints: list[FingerprintOut]


def json_schema() -> dict[str, Any]:
    schema = ResultsDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://phoenix.invalid/schemas/results.v1.json"
    schema["title"] = "phoenix results.json"
    schema["description"] = (__doc__ or "").strip().splitlines()[0]
    return schema


def _problem(p: Any) -> ProblemOut:
    return ProblemOut(code=p.code, message=p.message, fix=p.fix or "")


def _case(case: CaseResult) -> CaseOut:
    return CaseOut(scenario=case.scenario, viewport=case.viewport, score=case.score, noisy=case.noisy,
                   differences=[DifferenceOut(fingerprint=m.fingerprint, kind=m.kind, selector=m.selector,
                                              property=m.property, message=m.message) for m in case.noticeable],
                   errors={side: _problem(p) for side, p in case.errors.items()})


def _component(result: UserResult, comp: ComponentResult) -> ComponentOut:
    evidence = next((c for c in result.evidence.components if c.component == comp.component), None)
    summary = evidence.translation if evidence is not None else None
    return ComponentOut(component=comp.component, base_version=comp.base_version,
                        target_version=comp.target_version,
                        translation=summary.status.value if summary else None,
                        lossless=summary.lossless if summary else None,
                        operations=list(summary.operations) if summary else [],
                        cases=[_case(c) for c in comp.cases])


def user_entry(result: UserResult, *, from_cache: bool) -> UserOut:
    verdict = result.verdict
    return UserOut(
        user_id=result.user_id, status=result.status, rule=verdict.rule, headline=result.headline,
        reasons=[ReasonOut(code=r.code, severity=r.severity.value, message=r.message, component=r.component,
                           scenario=r.scenario, viewport=r.viewport) for r in verdict.reasons],
        lowest_score=verdict.lowest_score, complexity=result.complexity,
        input_key=result.input_key, from_cache=from_cache,
        error=_problem(result.error) if result.error else None,
        components=[_component(result, c) for c in result.components])


def _run(info: RunInfo) -> RunOut:
    return RunOut(status=info.status, source=info.source, source_digest=info.source_digest,
                  settings_hash=info.settings_hash, settings=dict(info.settings),
                  harness_version=info.harness_version, code_digest=info.code_digest,
                  started_at=info.started_at, finished_at=info.finished_at, shard=info.shard,
                  shards=list(info.shards), workers=info.workers, source_users=info.source_users,
                  expected_users=info.expected_users, problems=list(info.problems))


def results_document(store: StoreReader) -> ResultsDocument:
    cached = {row.user_id for row in store.users() if row.from_cache}
    users = [user_entry(r, from_cache=r.user_id in cached) for r in store.results()]
    return assemble(store, users, cached)


def assemble(store: StoreReader, users: list[UserOut], cached: set[str]) -> ResultsDocument:
    """The document around ``users`` (from :func:`user_entry`, in user-id order)."""
    totals = Totals(users=len(users), cached=len(cached), **store.counts())
    fingerprints = [FingerprintOut(**vars(f)) for f in store.fingerprints()]
    return ResultsDocument(run=_run(store.run()), totals=totals, users=users, fingerprints=fingerprints)


def write_document(document: ResultsDocument, run_dir: Path | str) -> Path:
    path = Path(run_dir) / RESULTS_FILE
    try:
        # pydantic's serializer writes what json.dumps(indent=1, ensure_ascii=False) writes, ~8x faster (floats
        # with an exponent read 1e-5, not 1e-05: the same number)
        text = document.model_dump_json(by_alias=True, indent=1)
    except PydanticSerializationError:  # text that is not valid Unicode: json writes it as escapes (below)
        text = json.dumps(document.model_dump(mode="json", by_alias=True), indent=1, ensure_ascii=False,
                          allow_nan=False)
    _atomic_write(path, text)
    return path


def write_results_json(run_dir: Path | str, store: StoreReader | None = None) -> Path:
    """Write ``RUN_DIR/results.json`` atomically from the run's store (opened here unless given)."""
    if store is None:
        with StoreReader.open(run_dir) as opened:
            return write_document(results_document(opened), run_dir)
    return write_document(results_document(store), run_dir)


def _atomic_write(path: Path, text: str) -> None:
    data = text.encode("utf-8", errors="backslashreplace")  # a lone surrogate becomes a JSON escape
    write_output(path, data, what=path.name, code="store.output_write")
