"""A synthetic results store, for report tests and scale measurements without rendering a fleet.

    write_synthetic_store(run_dir, users=10_000, seed=7, hostile=True)

Each user is built the way the pipeline builds one: evidence (patch, safety, translation summary, cases with
scores, mismatches and costs) decided by the real :func:`harness.verdicts.decide`, and stored through the
real :class:`StoreWriter`. Documents are the packs' real legacy renders of their current version (one per
scenario), made unique per user, so sizes are realistic. Mismatches come from a shared pool with a
long-tailed distribution, so some differences are shared by hundreds of users, as in a real fleet.

``hostile=True`` adds user :data:`HOSTILE_ID` whose id, diff, metadata, slot config, translation report,
mismatch text and documents carry script, markup-breaking and template payloads: reports must show them
as text and run none of them (each payload would set ``window.__pwned`` or change the page title).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from harness.evidence import (
    CaseEvidence,
    ComponentEvidence,
    PatchEvidence,
    PatchStatus,
    Problem,
    RenderCost,
    Safety,
    TranslationStatus,
    TranslationSummary,
    UserEvidence,
)
from harness.legacy import render_legacy
from harness.packs import ComponentPack, default_packs
from harness.render.values import RenderMetrics
from harness.runner.result import CaseResult, ComponentResult, Document, UserResult
from harness.score.values import Mismatch, MismatchKind
from harness.settings import Settings
from harness.store import RunInfo, StoreWriter
from harness.verdicts import decide

PAYLOAD = ("<script>window.__pwned=1;document.title='pwned'</script>\"><img src=x "
           "onerror=\"window.__pwned=2;document.title='pwned'\"><!-- {{ 7*7 }} {% raw %}</script>")
HOSTILE_ID = "<script>window.__pwned=1</script>\"><img src=x onerror=window.__pwned=2>{{ 7*7 }}/../x"
_KINDS: tuple[MismatchKind, ...] = ("text", "style", "moved", "resized", "missing", "extra", "attribute")
_OPS = ("classes", "text", "attrs", "visible", "style", "custom_css", "order", "insert", "raw")


@cache
def _base_documents() -> dict[str, list[tuple[str, Document]]]:
    """Per component, (scenario, legacy render of the current version) for every scenario."""
    out: dict[str, list[tuple[str, Document]]] = {}
    for name, pack in sorted(default_packs().items()):
        files = pack.current_version.files
        out[name] = [(s.name, _render(pack, files, s.data)) for s in pack.scenarios]
    return out


def _render(pack: ComponentPack, files: Mapping[str, bytes], data: Mapping[str, Any]) -> Document:
    legacy = render_legacy(pack, files, data)
    return Document(legacy.html, legacy.css)


def mismatch_pool(rng: random.Random, size: int = 400) -> list[Mismatch]:
    out = []
    for i in range(size):
        kind = _KINDS[i % len(_KINDS)]
        selector = f"div.card > div.card__info > span.badge-{i % 37}"
        old, new = f"{i}px", f"{i + rng.randint(2, 9)}px"
        out.append(Mismatch.make(selector, kind, "font-size" if kind == "style" else kind, old, new,
                                 weight=rng.uniform(0.005, 0.04), noticeable=True,
                                 message=f"span.badge-{i % 37} {kind} {old} → {new}"))
    return out


def write_synthetic_store(run_dir: Path, users: int, *, seed: int = 7, hostile: bool = False,
                          settings: Settings | None = None) -> Path:
    """Write ``run_dir/results.sqlite`` with ``users`` users (plus the hostile one); returns ``run_dir``."""
    settings = settings or Settings()
    rng = random.Random(seed)
    pool = mismatch_pool(rng)
    store = StoreWriter.create(run_dir)
    info = RunInfo(source=f"synthetic fleet ({users} users, seed {seed})", source_spec="synthetic",
                   source_digest="synthetic", settings=settings.model_dump(mode="json"),
                   settings_hash=settings.settings_hash(), harness_version="synthetic", code_digest="synthetic",
                   source_users=users + hostile, expected_users=users + hostile)
    store.start(info)
    try:
        for n in range(users):
            store.put(synthetic_user(f"u{n:05d}", rng, pool, settings))
        if hostile:
            store.put(hostile_user(settings))
        store.finish("complete")
    finally:
        store.close()
    return run_dir


def synthetic_user(user_id: str, rng: random.Random, pool: list[Mismatch], settings: Settings) -> UserResult:
    names = sorted(rng.sample(sorted(_base_documents()), k=rng.choice((1, 1, 1, 2, 2, 3))))
    fate = rng.choices(("eligible", "mismatch", "grey", "unconverted", "patch", "below"),
                       weights=(55, 25, 8, 7, 3, 2))[0]
    parts = [_component(user_id, name, fate if i == 0 else "eligible", rng, pool, settings)
             for i, name in enumerate(names)]
    evidence = UserEvidence(user_id, (), tuple(p[0] for p in parts))
    documents = {k: v for p in parts for k, v in p[2].items()}
    meta = {"region": rng.choice(("eu", "na", "apac")), "views": rng.randint(10, 50_000),
            "updated_at": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
    components = tuple(replace(p[1], meta=meta) for p in parts)
    return UserResult(user_id, decide(evidence, settings), evidence, components,
                      complexity=rng.choice(("simple", "moderate", "complex")), documents=documents)


def _component(user_id: str, name: str, fate: str, rng: random.Random, pool: list[Mismatch],
               settings: Settings) -> tuple[ComponentEvidence, ComponentResult, dict[str, Document]]:
    diff = _diff(name, user_id)
    if fate == "patch":
        problem = Problem("patch.context_mismatch", "context line 2 of hunk 1 does not match the base template",
                          "regenerate the diff against the version the user edited")
        ev = ComponentEvidence(name, "1.0.0", PatchEvidence(PatchStatus.FAILED, problem), Safety.UNCHECKED)
        return ev, ComponentResult(name, "1.0.0", source=f"synthetic:{user_id}", diff=diff), {}
    ops = tuple(rng.sample(_OPS[:6], k=rng.randint(1, 3)))
    unconverted = 1 if fate == "unconverted" else 0
    status = TranslationStatus.FAILED if unconverted else TranslationStatus.COMPLETE
    summary = TranslationSummary(status, not unconverted, unconverted, ops)
    cases_ev: list[CaseEvidence] = []
    cases: list[CaseResult] = []
    documents: dict[str, Document] = {}
    scenarios = _base_documents()[name]
    for scenario, base in scenarios:
        old = Document(f'<p hidden data-user="{user_id}">😀</p>' + base.html, base.css)
        new = old if fate in ("eligible", "unconverted") else Document(
            old.html.replace("<div", '<div data-slot="synthetic"', 3), old.css)
        documents[old.digest], documents[new.digest] = old, new
        for viewport in settings.viewports:
            case_ev, case = _case(scenario, viewport, fate, rng, pool, old.digest, new.digest)
            cases_ev.append(case_ev)
            cases.append(case)
    ev = ComponentEvidence(name, "1.1.0", PatchEvidence(PatchStatus.OK, target_version="1.1.0"), Safety.SAFE,
                           None, summary, tuple(s for s, _ in scenarios), tuple(cases_ev))
    config = {"schema": "phoenix.slot-config/1", "component": name,
              "slots": {"title": {"classes": {"add": [f"title--{user_id}"]}}}}
    result = ComponentResult(name, "1.1.0", "1.1.0", "1.1.0", f"synthetic:{user_id}", {}, diff,
                             translation=_report(name, status.value, not unconverted, ops), slot_config=config,
                             cases=tuple(cases))
    return ev, result, documents


def _case(scenario: str, viewport: str, fate: str, rng: random.Random, pool: list[Mismatch], old: str,
          new: str) -> tuple[CaseEvidence, CaseResult]:
    score = {"eligible": 1.0, "unconverted": 1.0, "mismatch": rng.uniform(0.96, 0.995),
             "grey": rng.uniform(0.85, 0.949), "below": rng.uniform(0.5, 0.79)}[fate]
    mismatches: tuple[Mismatch, ...] = ()
    if fate in ("mismatch", "below"):
        index = min(int(rng.paretovariate(1.1)) - 1, len(pool) - 1)
        mismatches = (pool[index],)
    metrics = RenderMetrics(nodes=30, boxes=28, text_nodes=12, max_depth=6, layout_cost=50)
    cost = RenderCost(metrics.nodes, float(metrics.layout_cost))
    subscores = {"structure": 1.0, "text": score, "style": min(1.0, score + 0.01), "layout": 1.0}
    ev = CaseEvidence(scenario, viewport, score=score, subscores=subscores, noticeable_mismatches=len(mismatches),
                      mismatches=mismatches, old_cost=cost, new_cost=cost)
    return ev, CaseResult(scenario, viewport, score, subscores, mismatches=mismatches, old_metrics=metrics,
                          new_metrics=metrics, old_document=old, new_document=new)


def _diff(name: str, user_id: str) -> str:
    return ("diff --git a/template.html.j2 b/template.html.j2\n--- a/template.html.j2\n+++ b/template.html.j2\n"
            "@@ -3,3 +3,3 @@\n <div class=\"card__info\">\n-  <h3 class=\"card__title\">{{ product.title }}</h3>\n"
            f"+  <h3 class=\"card__title title--{user_id}\">{{{{ product.title }}}}</h3>\n </div>\n")


def _report(name: str, status: str, lossless: bool, ops: tuple[str, ...]) -> dict[str, Any]:
    change = {"kind": "classes", "summary": "class title--custom added to <h3 class=\"card__title\">",
              "slot": "title", "lines": "base line 4, edited line 4",
              "outcome": "ops" if lossless else "unconverted", "translator": "classes",
              "ops": [{"op": "classes", "slot": "title", "value": {"add": ["title--custom"]}}] if lossless else [],
              "reason": "" if lossless else "no slot holds this element",
              "code": "" if lossless else "translate.no_slot",
              "covered_by": None}
    return {"component": name, "status": status, "lossless": lossless, "op_kinds": list(ops), "code": None,
            "problems": [], "events": [], "verification": [{"scenario": "default", "ok": lossless}],
            "hunks": [{"file": "template.html.j2", "number": 1, "header": "@@ -3,3 +3,3 @@",
                       "old_range": "lines 3-5", "outcome": change["outcome"], "changes": [change],
                       "text": " <div class=\"card__info\">\n-  <h3 class=\"card__title\">\n+  <h3 class=\"x\">\n"}]}


def hostile_user(settings: Settings) -> UserResult:
    """A user whose every field a report shows carries a payload (see the module docstring)."""
    mismatch = Mismatch.make(f"div.card > span.{PAYLOAD}", "text", "text", PAYLOAD, f"new {PAYLOAD}",
                             weight=0.2, noticeable=True, message=f"the badge text changed to {PAYLOAD}")
    old = Document(f"<div class='card'><p>today</p>{PAYLOAD}<script>parent.__pwned=3</script>"
                   f"<meta http-equiv=\"refresh\" content=\"0;url=https://evil.invalid/\">"
                   f"<img src=\"https://evil.invalid/x.png\" onerror=\"parent.__pwned=4\"></div>",
                   ".card { color: red } </style><script>window.__pwned=5</script><style> "
                   ".card { background: url(https://evil.invalid/bg.png) }")
    new = Document(old.html.replace("today", "after"), old.css)
    metrics = RenderMetrics(nodes=5, boxes=5, text_nodes=2, max_depth=3, layout_cost=9)
    cost = RenderCost(5, 9.0)
    case_ev = CaseEvidence("default", settings.viewports[0], score=0.9, subscores={"text": 0.9},
                           noticeable_mismatches=1, mismatches=(mismatch,), old_cost=cost, new_cost=cost)
    case = CaseResult("default", settings.viewports[0], 0.9, {"text": 0.9}, mismatches=(mismatch,),
                      old_metrics=metrics, new_metrics=metrics, old_document=old.digest, new_document=new.digest)
    summary = TranslationSummary(TranslationStatus.COMPLETE, True, 0, ("text",))
    ev = ComponentEvidence("product-card", "1.1.0", PatchEvidence(PatchStatus.OK, target_version="1.1.0"),
                           Safety.SAFE, None, summary, ("default",), (case_ev,))
    report = {"status": "complete", "lossless": True, "op_kinds": ["text"], "problems": [PAYLOAD],
              "hunks": [{"file": PAYLOAD, "number": 1, "header": "@@ -1 +1 @@", "text": f"-a\n+{PAYLOAD}\n",
                         "changes": [{"kind": "text", "summary": PAYLOAD, "outcome": "ops", "reason": PAYLOAD,
                                      "ops": [{"op": "text", "slot": PAYLOAD, "value": PAYLOAD}]}]}]}
    diff = (f"--- a/template.html.j2\n+++ b/template.html.j2\n@@ -1,2 +1,2 @@\n <p>{{{{ 7*7 }}}}</p>\n"
            f"-<p>old</p>\n+{PAYLOAD}\n")
    component = ComponentResult("product-card", "1.1.0", "1.1.0", "1.1.0", f"evil.jsonl:{PAYLOAD}",
                                {"region": PAYLOAD, PAYLOAD: "key"}, diff, translation=report,
                                slot_config={"component": "product-card", "slots": {"title": {"text": PAYLOAD}}},
                                cases=(case,))
    evidence = UserEvidence(HOSTILE_ID, (), (ev,))
    return UserResult(HOSTILE_ID, decide(evidence, settings), evidence, (component,), complexity="simple",
                      documents={old.digest: old, new.digest: new})
