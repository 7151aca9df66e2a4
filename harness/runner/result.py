"""What checking one user produces: :class:`UserResult`, a frozen value that round-trips through JSON.

    result = check_user(records, ctx)          # harness.runner.pipeline
    data = result.to_json()                    # bytes; UserResult.from_json(data) == result
    result.status                              # "eligible" | "review" | "blocked" | "error"

A result holds the verdict and the evidence it was decided from (:mod:`harness.evidence`), and per
component what a person needs to understand it: versions, patch events, the original and the effective
diff, the translator's report and slot config, and per scenario x viewport the score, sub-scores,
mismatches with fingerprints, noise, ignored counts, errors, render metrics and the keys of the rendered
old/new documents. The documents themselves (:class:`Document`) travel beside the result
(``result.documents``, left out of :meth:`UserResult.to_json`) and are stored once, content-addressed.

``truth`` is the ground truth of generated fleets (``meta["truth"]``): carried for accuracy measurement
only; no decision reads it, and :meth:`UserResult.comparable` leaves it out with the timings.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

from harness.evidence import Problem, UserEvidence
from harness.model import GROUND_TRUTH_KEY, Customization, LoadProblem, Record
from harness.patching.values import PatchEvent
from harness.render.values import RenderMetrics
from harness.score.values import Mismatch
from harness.verdicts import Outcome, Reason, Verdict

Status = Literal["eligible", "review", "blocked", "error"]
STATUSES: tuple[Status, ...] = ("eligible", "review", "blocked", "error")
Side = Literal["old", "new", "twin"]
RESULT_FORMAT = 1  # bump when UserResult's JSON changes shape; stores and caches refuse other formats


@dataclass(frozen=True)
class Document:
    """One rendered document: the HTML fragment and stylesheet a case was rendered from."""

    html: str
    css: str

    @property
    def digest(self) -> str:
        """Content address: the same HTML and CSS give the same key in every run and on every worker."""
        payload = json.dumps([self.html, self.css], ensure_ascii=False).encode("utf-8", "surrogatepass")
        return hashlib.sha256(payload).hexdigest()


@dataclass(frozen=True)
class CaseResult:
    """One scenario at one viewport: what was rendered and how alike old and new are."""

    scenario: str
    viewport: str
    score: float | None = None
    subscores: Mapping[str, float] = field(default_factory=dict)
    noisy: bool = False
    mismatches: tuple[Mismatch, ...] = ()      # every difference (noticeable or not), most costly first
    noise: tuple[Mismatch, ...] = ()           # what differed between old and its twin (ignored)
    ignored_counts: Mapping[str, int] = field(default_factory=dict)
    errors: Mapping[str, Problem] = field(default_factory=dict)  # "old" / "new" / "twin" / "score" → problem
    old_metrics: RenderMetrics | None = None
    new_metrics: RenderMetrics | None = None
    old_document: str | None = None            # Document.digest of the legacy render
    new_document: str | None = None            # Document.digest of the slot render
    # side ("old" / "new") → what the page tried to load and the renderer refused (nothing ever leaves it)
    blocked_requests: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # "old" / "new" / "twin" / "diff" → digest (SHA-256) of a PNG: element screenshots taken for the pixels
    # channel (settings.screenshots) and the overlay of what differs; empty when none were taken
    screenshots: Mapping[str, str] = field(default_factory=dict)

    @property
    def noticeable(self) -> tuple[Mismatch, ...]:
        return tuple(m for m in self.mismatches if m.noticeable)


@dataclass(frozen=True)
class ComponentResult:
    """One customized component of the user: the record, the patch, the translation and the cases."""

    component: str
    base_version: str | None                   # as recorded (None: the engine identified it)
    target_version: str | None = None          # the version the patch was applied to (the current one)
    identified_base: str | None = None         # the version the diff was made against, once known
    source: str = ""                           # where the record came from ("fleet.jsonl:17")
    meta: Mapping[str, Any] = field(default_factory=dict)  # decision metadata (never the ground truth)
    diff: str = ""                             # the original diff as text (undecodable bytes shown as U+FFFD)
    diff_base64: str | None = None             # the exact bytes, only when the diff is not valid UTF-8
    effective_diff: str | None = None          # the diff that turns the current version into the patched one
    patch_events: tuple[PatchEvent, ...] = ()
    translation: Mapping[str, Any] | None = None   # the translator's report, as JSON
    slot_config: Mapping[str, Any] | None = None   # the migrated slot config, as JSON
    cases: tuple[CaseResult, ...] = ()

    def customization(self, user_id: str) -> Customization:
        """The record this component was checked from (without its ground truth)."""
        raw = base64.b64decode(self.diff_base64) if self.diff_base64 is not None else self.diff.encode()
        return Customization(user_id, self.component, self.base_version, raw, dict(self.meta), self.source)


@dataclass(frozen=True)
class UserResult:
    """Everything the harness concluded about one user. See the module docstring."""

    user_id: str
    verdict: Verdict
    evidence: UserEvidence
    components: tuple[ComponentResult, ...] = ()
    complexity: str = "complex"
    complexity_why: str = ""
    input_key: str = ""
    error: Problem | None = None               # a harness error: the check itself failed (not the user)
    timings: Mapping[str, float] = field(default_factory=dict)  # seconds per stage; never compared
    truth: Mapping[str, Any] | None = None     # ground truth per component; never read by a decision
    format: int = RESULT_FORMAT
    documents: Mapping[str, Document] = field(default_factory=dict, compare=False, repr=False)
    images: Mapping[str, bytes] = field(default_factory=dict, compare=False, repr=False)  # digest → PNG

    @property
    def status(self) -> Status:
        return "error" if self.error is not None else self.verdict.outcome.value

    @property
    def headline(self) -> str:
        return self.verdict.headline

    @property
    def load_problems(self) -> tuple[LoadProblem, ...]:
        return self.evidence.load_problems

    def customizations(self) -> tuple[Customization, ...]:
        return tuple(c.customization(self.user_id) for c in self.components)

    def fingerprints(self) -> list[tuple[str, ComponentResult, CaseResult, Mismatch]]:
        """Every noticeable mismatch with where it was seen (for grouping across users)."""
        return [(m.fingerprint, comp, case, m) for comp in self.components for case in comp.cases
                for m in case.noticeable]

    def document_keys(self) -> set[str]:
        return {key for comp in self.components for case in comp.cases
                for key in (case.old_document, case.new_document) if key is not None}

    def image_keys(self) -> set[str]:
        return {key for comp in self.components for case in comp.cases for key in case.screenshots.values()}

    # --- JSON -------------------------------------------------------------------------------------

    def to_json(self) -> bytes:
        """The result without its documents (they are stored separately, once), as UTF-8 JSON. Text that
        is not valid Unicode (lone surrogates from a user's files) is written as JSON escapes."""
        try:
            return _adapter().dump_json(self, exclude={"documents", "images"})
        except PydanticSerializationError:
            return encode_data(self.to_dict())

    @classmethod
    def from_json(cls, data: bytes | str) -> UserResult:
        try:
            result = _adapter().validate_json(data)
        except ValidationError:  # lone surrogates are escapes pydantic's parser refuses; json.loads takes them
            result = _adapter().validate_python(json.loads(data))
        if result.format != RESULT_FORMAT:
            raise ValueError(f"result format {result.format} is not {RESULT_FORMAT}")
        return result

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (documents left out)."""
        data: dict[str, Any] = _adapter().dump_python(self, mode="json", exclude={"documents", "images"})
        return data

    def comparable(self) -> dict[str, Any]:
        """The result as data without what may differ between two runs of the same inputs (timings)."""
        data = self.to_dict()
        data.pop("timings", None)
        return data

    def with_documents(self, documents: Mapping[str, Document]) -> UserResult:
        return replace(self, documents=dict(documents))

    def with_images(self, images: Mapping[str, bytes]) -> UserResult:
        return replace(self, images=dict(images))

    def rebound(self, records: Sequence[Record], input_key: str) -> UserResult:
        """This result (from a cache) with the current records' sources, ground truth and input key."""
        sources = {r.component: r.source for r in records if isinstance(r, Customization)}
        components = tuple(replace(c, source=sources.get(c.component, c.source)) for c in self.components)
        return replace(self, components=components, truth=truth_of(records), input_key=input_key)


@cache
def _adapter() -> TypeAdapter[UserResult]:
    return TypeAdapter(UserResult)


def encode_data(data: Mapping[str, Any]) -> bytes:
    """A result's JSON data (``to_dict()`` form) as bytes, lone surrogates escaped."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def truth_of(records: Sequence[Record]) -> dict[str, Any] | None:
    """``meta["truth"]`` of each record that has one, by component (None when no record has one)."""
    found = {r.component: r.meta[GROUND_TRUTH_KEY] for r in records
             if isinstance(r, Customization) and GROUND_TRUTH_KEY in r.meta}
    return found or None


def diff_fields(diff: bytes) -> tuple[str, str | None]:
    """``diff`` and ``diff_base64`` of a :class:`ComponentResult` for these diff bytes."""
    try:
        return diff.decode("utf-8"), None
    except UnicodeDecodeError:
        return diff.decode("utf-8", "replace"), base64.b64encode(diff).decode()


def display_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def error_result(user_id: str, problem: Problem, *, input_key: str = "",
                 records: Sequence[Record] = (), timings: Mapping[str, float] | None = None) -> UserResult:
    """The result of a user whose check failed inside the harness: ``review`` with the reason, never eligible."""
    reason = Reason("harness_error", f"Review: the harness failed while checking this user: {problem.message} "
                    f"({problem.code}); nothing was decided", detail={"error_code": problem.code},
                    severity=Outcome.REVIEW)
    verdict = Verdict(user_id, Outcome.REVIEW, "harness_error", (reason,))
    return UserResult(user_id, verdict, UserEvidence(user_id), _unchecked(records), input_key=input_key,
                      error=problem, timings=dict(timings or {}), truth=truth_of(records))


def refused_result(user_id: str, problem: Problem, *, input_key: str = "", records: Sequence[Record] = (),
                   timings: Mapping[str, float] | None = None) -> UserResult:
    """The result of a user whose input the harness cannot follow to the end (nested deeper than the parsers'
    recursion can go): ``blocked`` with the reason. The input's fault, not the harness's: the run goes on."""
    reason = Reason("input_too_deep", f"Blocked: {problem.message} ({problem.code}). Fix: {problem.fix}",
                    detail={"error_code": problem.code}, severity=Outcome.BLOCKED)
    verdict = Verdict(user_id, Outcome.BLOCKED, "input_too_deep", (reason,))
    return UserResult(user_id, verdict, UserEvidence(user_id), _unchecked(records), input_key=input_key,
                      timings=dict(timings or {}), truth=truth_of(records))


def _unchecked(records: Sequence[Record]) -> tuple[ComponentResult, ...]:
    """The records of a user whose check did not finish, as components (the reports show their diffs)."""
    return tuple(ComponentResult(r.component, r.base_version, source=r.source, meta=r.decision_meta(),
                                 diff=diff_fields(r.diff)[0], diff_base64=diff_fields(r.diff)[1])
                 for r in records if isinstance(r, Customization))
