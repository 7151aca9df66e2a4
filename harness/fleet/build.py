"""Build one customization: pick recipes, apply them to a pack version, write the diff, measure the truth.

Every diff is checked with the patch engine before it is kept, and every patched template with the
sandbox's safety check, so the ground truth says what the engine *does* with the record (applies it
exactly, rebases it, identifies its base, or refuses it with a code), not what we hoped it would do.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from harness.errors import PatchError, PhoenixError, UnsafeTemplateError, Where
from harness.fleet.diffs import file_order, make_diff
from harness.fleet.hostile import DAMAGES, SSTI, UNKNOWN_COMPONENTS, ssti_line
from harness.fleet.recipes import Files, NotApplicable, Recipe, Verdict, worst
from harness.packs import ComponentPack
from harness.patching import PatchOutcome, apply_customization
from harness.sandbox import check_template_safety

PATCH_EXACT = "exact"
PATCH_REBASED = "rebased"
PATCH_IDENTIFIED = "identified_base"
CONFLICT = "patch.conflict"


@dataclass(frozen=True)
class PackFiles:
    """What the generator needs of a pack: every version's files as bytes and text, and release dates."""

    name: str
    current: str
    entry: str
    stylesheet: str
    versions: Mapping[str, Mapping[str, bytes]]  # oldest first
    released: Mapping[str, date]

    @classmethod
    def of(cls, pack: ComponentPack) -> PackFiles:
        return cls(pack.name, pack.current, pack.entry, pack.stylesheet,
                   {v: dict(entry.files) for v, entry in pack.versions.items()},
                   {v: date.fromisoformat(str(entry.released)) for v, entry in pack.versions.items()})

    def texts(self, version: str) -> dict[str, str]:
        return {path: data.decode("utf-8") for path, data in self.versions[version].items()}

    def older(self, version: str) -> list[str]:
        versions = list(self.versions)
        return versions[:versions.index(version)]


@dataclass(frozen=True)
class Plan:
    """How one customization is to be made (decided by the generator before building it)."""

    component: str
    made_against: str
    record_base: bool = True  # False: the record carries base_version null
    index: bool = False
    preferred: tuple[Recipe, ...] = ()  # recipes to apply first (demo fleets cover every recipe)
    kinds: frozenset[str] = frozenset()  # kinds to realize with further recipes


@dataclass(frozen=True)
class Truth:
    """The ground truth of one record (stored in ``meta["truth"]``; the harness never reads it)."""

    kinds: tuple[str, ...]
    recipes: tuple[str, ...]
    translatable: bool
    expected_verdict: Verdict
    patch: str  # exact | rebased | identified_base | the error code that refuses the record
    made_against: str | None
    hostile: str | None = None
    why: tuple[str, ...] = field(default=())

    def as_meta(self, user_verdict: Verdict) -> dict[str, object]:
        return {"kinds": list(self.kinds), "recipes": list(self.recipes), "translatable": self.translatable,
                "expected_verdict": self.expected_verdict.value, "user_verdict": user_verdict.value,
                "patch": self.patch, "made_against": self.made_against, "hostile": self.hostile,
                "why": list(self.why)}


@dataclass(frozen=True)
class Built:
    """A customization before it gets a user and metadata."""

    component: str
    base_version: str | None
    diff: bytes
    truth: Truth
    origin: str  # the pack the diff was made for (``component`` may name an unknown one)


class FleetSelfCheckError(PhoenixError):
    """The generator made a record whose truth it could not establish (a bug in a recipe)."""

    default_code = "fleet.self_check"


# --- recipes -----------------------------------------------------------------------------------------

def apply_recipes(rng: random.Random, catalog: Sequence[Recipe], plan: Plan,
                  files: Files) -> tuple[list[Recipe], Files]:
    """Apply the plan's preferred recipes, then one recipe per wanted kind not yet covered.

    For a kind, recipes whose kinds all are wanted come first, then those adding the fewest other kinds.
    Recipes touching a region another chosen recipe touches are skipped; a recipe marked ``last``
    (a whole-file reformat) is applied after the others.
    """
    chosen: list[Recipe] = []
    for recipe in plan.preferred:
        files = _try(recipe, chosen, files, rng)
    wanted = set(plan.kinds)
    for kind in rng.sample(sorted(wanted), len(wanted)):
        if any(kind in recipe.kinds for recipe in chosen):
            continue
        for recipe in _candidates(rng, catalog, kind, wanted, chosen):
            before = len(chosen)
            files = _try(recipe, chosen, files, rng)
            if len(chosen) > before:
                break
    for recipe in [r for r in chosen if r.last]:
        files = recipe.apply(files, rng)
    return chosen, files


def _candidates(rng: random.Random, catalog: Sequence[Recipe], kind: str, wanted: set[str],
                chosen: Sequence[Recipe]) -> list[Recipe]:
    used = set().union(*(r.touches for r in chosen)) if chosen else set()
    pool = [r for r in catalog if kind in r.kinds and r not in chosen and r.touches.isdisjoint(used)]
    rng.shuffle(pool)
    return sorted(pool, key=lambda r: len(r.kinds - wanted))


def _try(recipe: Recipe, chosen: list[Recipe], files: Files, rng: random.Random) -> Files:
    used = set().union(*(r.touches for r in chosen)) if chosen else set()
    if recipe in chosen or not recipe.touches.isdisjoint(used):
        return files
    if recipe.last:  # applied at the end; it always applies
        chosen.append(recipe)
        return files
    try:
        changed = recipe.apply(files, rng)
    except NotApplicable:
        return files
    chosen.append(recipe)
    return changed


# --- diffs and their truth ---------------------------------------------------------------------------

def encode(files: Files) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, text in files.items()}


def diff_of(pack: PackFiles, version: str, after: Mapping[str, bytes], *, index: bool) -> bytes:
    before = pack.versions[version]
    return make_diff(before, after, file_order(before, pack.entry, pack.stylesheet), index=index)


def patch_truth(pack: PackFiles, diff: bytes, base_version: str | None,
                where: Where) -> tuple[str, Verdict, str]:
    """What the engine does with the diff: (patch label, the verdict that implies, why)."""
    try:
        outcome = apply_customization(diff, versions=pack.versions, current=pack.current,
                                      base_version=base_version, where=where)
    except PatchError as exc:
        return exc.code, Verdict.BLOCKED, f"the patch engine refuses it ({exc.code})"
    _check_safe(outcome, where)
    if outcome.events_of("identified_base"):
        why = f"no base version recorded; identified as {outcome.base_version}"
        return PATCH_IDENTIFIED, Verdict.REVIEW, why
    if outcome.rebased:
        return PATCH_REBASED, Verdict.REVIEW, f"rebased from {outcome.base_version} onto {outcome.target_version}"
    if outcome.events:
        kinds = ", ".join(sorted({e.kind for e in outcome.events}))
        raise FleetSelfCheckError(f"the generated diff applied with events ({kinds})", where=where,
                                  fix="make the recipe's edit apply exactly")
    return PATCH_EXACT, Verdict.ELIGIBLE, "applies exactly to the current version"


def _check_safe(outcome: PatchOutcome, where: Where) -> None:
    for path in outcome.changed_files:
        if path.endswith(".j2"):
            try:
                check_template_safety(outcome.patched_files[path].decode("utf-8"), name=path, where=where)
            except UnsafeTemplateError as exc:
                raise FleetSelfCheckError(f"an honest recipe made an unsafe template: {exc.message}",
                                          where=where, fix="fix the recipe") from exc


def honest(rng: random.Random, pack: PackFiles, catalog: Sequence[Recipe], plan: Plan,
           where: Where) -> Built | None:
    """A customization made with recipes (None when no recipe fits the plan's version)."""
    chosen, files = apply_recipes(rng, catalog, plan, pack.texts(plan.made_against))
    if not chosen:
        return None
    diff = diff_of(pack, plan.made_against, encode(files), index=plan.index)
    recorded = plan.made_against if plan.record_base else None
    patch, patch_verdict, patch_why = patch_truth(pack, diff, recorded, where)
    if patch_verdict is Verdict.BLOCKED and patch != CONFLICT:
        raise FleetSelfCheckError(f"an honest diff was refused: {patch_why}", where=where,
                                  fix=f"fix the recipes {', '.join(r.id for r in chosen)}")
    verdict = worst([patch_verdict, *(r.verdict for r in chosen)])
    why = (*(f"{r.id}: {r.translation.value} ({r.description})" for r in chosen), f"patch: {patch_why}")
    kinds = tuple(sorted(set().union(*(r.kinds for r in chosen))))
    truth = Truth(kinds, tuple(r.id for r in chosen), all(r.translatable for r in chosen), verdict, patch,
                  plan.made_against, None, why)
    return Built(pack.name, recorded, diff, truth, pack.name)


# --- hostile records ---------------------------------------------------------------------------------

def hostile(rng: random.Random, pack: PackFiles, catalog: Sequence[Recipe], kind: str, *,
            known_components: Iterable[str], taken: Iterable[str] = (), where: Where) -> Built:
    """A malformed or hostile record of ``kind`` (see :mod:`harness.fleet.hostile`); always blocked.

    ``taken``: the components the user already has records for (a user has one record per component).
    """
    if kind == SSTI:
        return _ssti(rng, pack, where)
    plan = Plan(pack.name, pack.current, index=rng.random() < 0.5, kinds=frozenset({"class", "text"}))
    made = honest(rng, pack, catalog, plan, where)
    if made is None:
        raise FleetSelfCheckError("no recipe applies to the current version", where=where, fix="add recipes")
    damaged = DAMAGES[kind](made.diff, rng)
    component = damaged.component or pack.name
    if component in set(taken):
        free = [name for name in UNKNOWN_COMPONENTS if name not in set(taken)]
        component = free[0] if free else f"retired-{len(set(taken))}"
    base_version = damaged.base_version or pack.current
    if component in set(known_components):
        code, _, _ = patch_truth(pack, damaged.diff, base_version, where)
    else:
        code = "pack.unknown_component"
    if code != damaged.expected:
        raise FleetSelfCheckError(f"the {kind} record got {code}, not {damaged.expected}", where=where,
                                  fix=f"fix the {kind} damage in harness/fleet/hostile.py")
    why = (f"hostile: {kind} ({code})",)
    return Built(component, base_version, damaged.diff,
                 Truth((), (), False, Verdict.BLOCKED, code, pack.current, kind, why), pack.name)


def _ssti(rng: random.Random, pack: PackFiles, where: Where) -> Built:
    files = pack.texts(pack.current)
    lines = files[pack.entry].splitlines(keepends=True)
    files[pack.entry] = "".join(lines[:-1]) + ssti_line(rng) + lines[-1]
    diff = diff_of(pack, pack.current, encode(files), index=rng.random() < 0.5)
    outcome = apply_customization(diff, versions=pack.versions, current=pack.current,
                                  base_version=pack.current, where=where)
    try:
        check_template_safety(outcome.patched_files[pack.entry].decode("utf-8"), name=pack.entry, where=where)
    except UnsafeTemplateError as exc:
        why = (f"hostile: {SSTI} (template.unsafe: {exc.message})",)
        return Built(pack.name, pack.current, diff,
                     Truth((), (), False, Verdict.BLOCKED, exc.code, pack.current, SSTI, why), pack.name)
    raise FleetSelfCheckError("the template-injection probe passed the sandbox's check", where=where,
                              fix="use a payload the static check refuses")


def find_conflict(pack: PackFiles, catalog: Sequence[Recipe], where: Where) -> tuple[Recipe, str] | None:
    """The first recipe and older version whose diff conflicts when rebased onto the current version."""
    for version in pack.older(pack.current):
        for recipe in catalog:
            try:
                after = recipe.apply(pack.texts(version), random.Random(0))
            except NotApplicable:
                continue
            diff = diff_of(pack, version, encode(after), index=False)
            if patch_truth(pack, diff, version, where)[0] == CONFLICT:
                return recipe, version
    return None


def kinds_of(built: Iterable[Built]) -> list[tuple[str, ...]]:
    return [b.truth.kinds for b in built if b.truth.hostile is None]
