"""``check_user(records, ctx) -> UserResult``: one user's whole check, pure apart from the renderer.

Per record: a :class:`LoadProblem` is blocked evidence; otherwise look up the pack, apply the diff
(:func:`harness.patching.apply_to_pack`), check the patched templates' safety, render the legacy component
per scenario (sandboxed: errors are evidence), translate the change into a slot config, render the slot
config per scenario, then render old / twin / new for every scenario x viewport in one batched call per
lane, score (:func:`harness.score.compare`), fill the evidence and :func:`harness.verdicts.decide`.

Bad input is a result, never an exception. Anything unexpected inside one user's check becomes that
user's ``error`` result (:func:`error_result`), so one bad user never stops a fleet. Only an
infrastructure failure (no browser) propagates: it is nobody's result.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Protocol

from harness.errors import BrowserNotFoundError, PhoenixError, UnsafeTemplateError, Where
from harness.evidence import (
    CaseEvidence,
    ComponentEvidence,
    PatchEvidence,
    Problem,
    Safety,
    TranslationStatus,
    UserEvidence,
)
from harness.legacy import render_legacy
from harness.model import Customization, LoadProblem, Record
from harness.packs import TEMPLATE_SUFFIX, ComponentPack, Scenario
from harness.patching import apply_to_pack
from harness.patching.values import PatchOutcome
from harness.plan.complexity import classify
from harness.render.values import Lane, RenderRequest, Snapshot, Viewport
from harness.runner.cases import Side, SideRender, build_cases
from harness.runner.result import (
    CaseResult,
    ComponentResult,
    Document,
    UserResult,
    diff_fields,
    display_text,
    error_result,
    refused_result,
    truth_of,
)
from harness.runner.screenshots import CaseSides, RenderLane, with_screenshots
from harness.runner.translate import TranslatedChange, Translator, failed, summarize
from harness.sandbox import check_template_safety
from harness.settings import Settings
from harness.slots import SlotConfig, SlotRegistry, SlotRenderer
from harness.verdicts import decide


class RendererLike(Protocol):
    """What the pipeline needs of a renderer (``harness.render.BrowserPool`` is one)."""

    def render(self, requests: Sequence[RenderRequest], *, lane: Lane = "primary") -> list[Snapshot]: ...


@dataclass(frozen=True)
class PipelineContext:
    """What every user's check shares: packs, settings, the renderer and the translator."""

    packs: Mapping[str, ComponentPack]
    settings: Settings
    renderer: RendererLike
    translator: Translator


@dataclass
class _Stopwatch:
    spent: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - start

    def rounded(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.spent.items()}


@dataclass
class _Component:
    """One component while it is being checked (mutable scratch; frozen values come out of it)."""

    record: Customization
    pack: ComponentPack | None = None
    outcome: PatchOutcome | None = None
    patch: PatchEvidence | None = None
    safety: Safety = Safety.UNCHECKED
    safety_problem: Problem | None = None
    scenarios: tuple[Scenario, ...] = ()
    translated: TranslatedChange | None = None
    old: dict[str, SideRender] = field(default_factory=dict)   # scenario → legacy render or its error
    new: dict[str, SideRender] = field(default_factory=dict)   # scenario → slot render or its error

    @property
    def stopped(self) -> bool:
        return self.patch is None or self.patch.error is not None or self.safety is Safety.UNSAFE


def check_user(records: Sequence[Record], ctx: PipelineContext, *, input_key: str = "") -> UserResult:
    """Check one user's records (all of one user). Never raises for a user's input; see the module doc."""
    user_id = records[0].user_id if records else "?"
    clock = _Stopwatch()
    try:
        with clock.stage("total"):
            result = _check(user_id, records, ctx, clock, input_key)
        return replace(result, timings=clock.rounded())
    except BrowserNotFoundError:
        raise
    except RecursionError as exc:  # hostile nesting (5,000 nested elements, 3,000 chained filters): the input's fault
        problem = Problem("input.too_deep", f"the customization nests too deeply to be checked: the recursion "
                          f"limit was reached (in {_last_frame(exc, line=False)})", "flatten the nested elements, blocks or "
                          "chained operators, or migrate this customization by hand")
        return refused_result(user_id, problem, input_key=input_key, records=records, timings=clock.rounded())
    except Exception as exc:  # a harness bug: this user's result says so, the fleet goes on
        problem = Problem("harness.crash", f"{type(exc).__name__}: {exc} (in "
                          f"{_last_frame(exc)})", "report this as a harness bug with the user's record")
        return error_result(user_id, problem, input_key=input_key, records=records, timings=clock.rounded())


def _last_frame(exc: BaseException, *, line: bool = True) -> str:
    """``file.py:123`` where ``exc`` was raised (``file.py`` alone for messages that must not change with
    every edit of that file)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown place"
    name = frames[-1].filename.rsplit("/", 1)[-1]
    return f"{name}:{frames[-1].lineno}" if line else name


def _check(user_id: str, records: Sequence[Record], ctx: PipelineContext, clock: _Stopwatch,
           input_key: str) -> UserResult:
    problems = [r for r in records if isinstance(r, LoadProblem)]
    components: list[_Component] = []
    for record in (r for r in records if isinstance(r, Customization)):
        pack = _pack(record, ctx.packs)
        if isinstance(pack, LoadProblem):
            problems.append(pack)
            continue
        components.append(_prepare(_Component(record, pack), ctx, clock))
    documents: dict[str, Document] = {}
    with clock.stage("render"):
        snapshots = _render_all(components, ctx)
    with clock.stage("score"):
        built = [build_cases(c.record.component, c.old, c.new, snapshots, ctx.settings, c.stopped)
                 for c in components]
    evidence = UserEvidence(user_id, tuple(problems), tuple(
        _evidence(c, cases.evidence) for c, cases in zip(components, built, strict=True)))
    verdict = decide(evidence, ctx.settings)
    images: dict[str, bytes] = {}
    if ctx.settings.screenshots == "on-mismatch":
        with clock.stage("screenshots"):
            sides = [CaseSides(c.record.component, c.old, c.new) for c in components]
            rescored = with_screenshots(sides, built, evidence, verdict, ctx.settings, _lanes(ctx))
            built, evidence, verdict, images = list(rescored.built), rescored.evidence, rescored.verdict, \
                dict(rescored.images)
    results = []
    for comp, cases in zip(components, built, strict=True):
        documents.update(cases.documents)
        results.append(_component_result(comp, cases.results))
    complexity, why = classify([c.translation for c in evidence.components], len(evidence.components))
    return UserResult(user_id, verdict, evidence, tuple(results), complexity.value, why, input_key,
                      timings=clock.rounded(), truth=truth_of(records), documents=documents, images=images)


def _lanes(ctx: PipelineContext) -> RenderLane:
    def render(requests: list[RenderRequest], lane: Lane) -> dict[tuple[str, ...], Snapshot]:
        return _render_lane(ctx.renderer, requests, lane, ctx.settings.retries)
    return render


def _pack(record: Customization, packs: Mapping[str, ComponentPack]) -> ComponentPack | LoadProblem:
    pack = packs.get(record.component)
    if pack is not None:
        return pack
    known = ", ".join(sorted(packs))
    return LoadProblem(record.user_id, record.component, record.source, "pack.unknown_component",
                       f"there is no component {record.component!r} (known: {known})",
                       "fix the record's component, or add a pack for it under fixtures/components")


def _prepare(comp: _Component, ctx: PipelineContext, clock: _Stopwatch) -> _Component:
    """Patch, safety, legacy renders, translation and slot renders of one component (no browser)."""
    assert comp.pack is not None
    where = Where(user=comp.record.user_id, component=comp.record.component)
    with clock.stage("patch"):
        _patch(comp, comp.pack, where)
    if comp.outcome is None or comp.stopped:
        return comp
    comp.scenarios = tuple(s for s in comp.pack.scenarios if ctx.settings.selects_scenario(s.name))
    with clock.stage("legacy"):
        for scenario in comp.scenarios:
            comp.old[scenario.name] = _legacy(comp.pack, comp.outcome, scenario, where)
    with clock.stage("translate"):
        comp.translated = _translate(comp.pack, comp.outcome, ctx.translator)
    config = comp.translated.config
    if config is None or comp.translated.summary.status is TranslationStatus.FAILED:
        return comp
    with clock.stage("slots"):
        comp.new = _slot_renders(comp.pack, comp.outcome, config, comp.scenarios, where)
    return comp


def _patch(comp: _Component, pack: ComponentPack, where: Where) -> None:
    try:
        outcome = apply_to_pack(comp.record.diff, pack=pack, base_version=comp.record.base_version, where=where)
    except PhoenixError as exc:
        comp.patch = PatchEvidence.from_error(exc)
        return
    comp.outcome, comp.patch = outcome, PatchEvidence.from_outcome(outcome)
    comp.safety, comp.safety_problem = _safety(outcome, where)


def _safety(outcome: PatchOutcome, where: Where) -> tuple[Safety, Problem | None]:
    """Every changed template is checked before anything renders; a template that does not parse is
    UNCHECKED (the legacy render will say why), never SAFE."""
    verdict: tuple[Safety, Problem | None] = (Safety.SAFE, None)
    for name in outcome.changed_files:
        if not name.endswith(TEMPLATE_SUFFIX):
            continue
        try:
            check_template_safety(outcome.patched_files[name].decode("utf-8"), name=name, where=where)
        except UnsafeTemplateError as exc:
            return Safety.UNSAFE, Problem.of(exc)
        except PhoenixError as exc:
            verdict = (Safety.UNCHECKED, Problem.of(exc))
        except UnicodeDecodeError as exc:
            verdict = (Safety.UNCHECKED, Problem("template.decode", f"{name} is not valid UTF-8 ({exc.reason})",
                                                 "save the file as UTF-8"))
    return verdict


def _legacy(pack: ComponentPack, outcome: PatchOutcome, scenario: Scenario, where: Where) -> SideRender:
    try:
        legacy = render_legacy(pack, outcome.patched_files, scenario.data,
                               where=where.merged(Where(scenario=scenario.name)))
    except PhoenixError as exc:
        return SideRender(error=Problem.of(exc))
    return SideRender(document=Document(legacy.html, legacy.css))


def _translate(pack: ComponentPack, outcome: PatchOutcome, translator: Translator) -> TranslatedChange:
    registry = SlotRegistry.for_pack(pack)
    try:
        return summarize(translator(pack, registry, outcome))
    except PhoenixError as exc:
        return failed(Problem.of(exc))


def _slot_renders(pack: ComponentPack, outcome: PatchOutcome, config: SlotConfig, scenarios: Sequence[Scenario],
                  where: Where) -> dict[str, SideRender]:
    registry = SlotRegistry.for_pack(pack)
    merged = registry.merger().merge(*registry.layers(outcome.target_version, migrated=config))
    renderer = SlotRenderer(pack, registry=registry)
    out: dict[str, SideRender] = {}
    for scenario in scenarios:
        try:
            render = renderer.render(merged, scenario.data, version=outcome.target_version,
                                     where=where.merged(Where(scenario=scenario.name)))
        except PhoenixError as exc:
            out[scenario.name] = SideRender(error=Problem.of(exc))
            continue
        out[scenario.name] = SideRender(document=Document(render.html, render.css))
    return out


# --- rendering --------------------------------------------------------------------------------------

def _render_all(components: Sequence[_Component], ctx: PipelineContext) -> dict[tuple[str, ...], Snapshot]:
    """Every old/new request in one primary call and every twin in one twin call; errors retried."""
    settings = ctx.settings
    shots = settings.screenshots == "always"
    primary: list[RenderRequest] = []
    twins: list[RenderRequest] = []
    for comp in components:
        for scenario in comp.scenarios:
            for label, (width, height) in zip(settings.viewports, settings.viewport_sizes, strict=True):
                viewport = Viewport(width, height)
                sides: tuple[tuple[Side, dict[str, SideRender]], ...] = (("old", comp.old), ("new", comp.new))
                for side, renders in sides:
                    doc = renders.get(scenario.name)
                    if doc is None or doc.document is None:
                        continue
                    key = case_key(comp.record, scenario.name, label, side)
                    request = RenderRequest(key, doc.document.html, doc.document.css, viewport, shots)
                    primary.append(request)
                    if side == "old":
                        twins.append(RenderRequest(case_key(comp.record, scenario.name, label, "twin"),
                                                   request.body_html, request.css, viewport, shots))
    snapshots = _render_lane(ctx.renderer, primary, "primary", settings.retries)
    snapshots.update(_render_lane(ctx.renderer, twins, "twin", settings.retries))
    return snapshots


def _render_lane(renderer: RendererLike, requests: list[RenderRequest], lane: Lane,
                 retries: int) -> dict[tuple[str, ...], Snapshot]:
    if not requests:
        return {}
    results = dict(zip((r.key for r in requests), renderer.render(requests, lane=lane), strict=True))
    for _ in range(retries):
        again = [r for r in requests if _transient(results[r.key])]
        if not again:
            break
        results.update(zip((r.key for r in again), renderer.render(again, lane=lane), strict=True))
    return {tuple(key.split("\x1f")): snap for key, snap in results.items()}


# Limits the document itself breaks: rendering it again gives the same answer, at the same (large) cost.
_DETERMINISTIC = frozenset({"render.too_large", "render.too_deep"})


def _transient(snapshot: Snapshot) -> bool:
    return snapshot.error is not None and snapshot.error.code not in _DETERMINISTIC


def case_key(record: Customization, scenario: str, viewport: str, side: Side) -> str:
    """The render key of one side of one case (unique within a user's batch)."""
    return "\x1f".join((record.component, scenario, viewport, side))


# --- values out ---------------------------------------------------------------------------------------

def _evidence(comp: _Component, cases: tuple[CaseEvidence, ...]) -> ComponentEvidence:
    translation = comp.translated.summary if comp.translated is not None else None
    return ComponentEvidence(comp.record.component, comp.record.base_version, comp.patch, comp.safety,
                             comp.safety_problem, translation, tuple(s.name for s in comp.scenarios),
                             cases)


def _component_result(comp: _Component, cases: tuple[CaseResult, ...]) -> ComponentResult:
    outcome, translated = comp.outcome, comp.translated
    config = translated.config if translated is not None else None
    return ComponentResult(
        comp.record.component, comp.record.base_version,
        target_version=outcome.target_version if outcome else None,
        identified_base=outcome.base_version if outcome else None,
        source=comp.record.source, meta=comp.record.decision_meta(),
        diff=diff_fields(comp.record.diff)[0], diff_base64=diff_fields(comp.record.diff)[1],
        effective_diff=display_text(outcome.effective_diff) if outcome else None,
        patch_events=outcome.events if outcome else (),
        translation=translated.report if translated is not None else None,
        slot_config=config.to_json() if config is not None else None,
        cases=cases,
    )

