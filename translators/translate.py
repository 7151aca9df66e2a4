"""Translate one customization into a slot config, with a report of every change and a verification.

    outcome = apply_to_pack(diff, pack=pack, base_version="1.0.0", where=Where(user="u042"))
    translation = translate(pack, SlotRegistry.for_pack(pack), outcome, user="u042")
    translation.config          # SlotConfig (migrated layer), unconverted hunks in config.unconverted
    translation.report.status   # "complete" | "partial" | "failed"

    translate_customization(customization, packs)   # the same from a record (patch errors returned)

Steps: decode the base and patched files of the *current* version (the patch engine already applied the
diff strictly and rebased it); diff the template trees and the stylesheets; run each change through the
first translator that handles it; assemble and validate the config; tie changes to the hunks of the
effective diff; render every scenario both ways and compare (docs/translators.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

from harness.errors import PhoenixError, TranslationError, Where
from harness.jinjatree import Element, Text, parse, walk
from harness.legacy import render_legacy
from harness.model import Customization
from harness.packs import ComponentPack, PackRegistry, default_packs
from harness.patching import PatchOutcome
from harness.patching.packs import apply_to_pack
from harness.slots import SlotConfig, SlotRegistry, SlotRenderer
from translators.assemble import Entry, assemble
from translators.base import Outcome, Translator
from translators.changes import AnyChange, Change, CssChange, FileChange, Lines
from translators.context import Context
from translators.css.cascade import DEFAULT_WIDTHS
from translators.css.plan import family
from translators.css.rules import diff_stylesheets, parse_rules
from translators.hunks import HunkRef, assign, hunks_of
from translators.kinds import registry as default_translators
from translators.report import ChangeReport, HunkReport, Status, Translation, TranslationReport
from translators.treediff import diff_documents
from translators.verify import ScenarioCheck, verify

WHOLE_FILE = Lines(1, 10**9)


def translate(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome, *, user: str | None = None,
              packs: PackRegistry | None = None, translators: Sequence[Translator] | None = None,
              check: bool = True, widths: Sequence[int] = DEFAULT_WIDTHS) -> Translation:
    """Translate ``outcome`` (a customization applied to ``pack``'s current version); never raises for bad input.

    ``widths``: the viewport widths CSS is verified at (the harness's configured viewports).
    """
    where = Where(user=user, component=pack.name, version=outcome.target_version)
    try:
        texts = _decode(pack, outcome, where)
    except TranslationError as exc:
        return _failed(pack, outcome, user, exc)
    ctx, changes = _prepare(pack, registry, outcome, texts, _other_roots(pack, packs))
    entries = [_run(change, ctx, translators or default_translators()) for change in changes]
    data, entries_done = assemble(entries, ctx)
    hunks = hunks_of(outcome.effective_diff, where)
    mapping = assign([e.change for e in entries_done], hunks)
    unconverted = _unconverted(entries_done, hunks, mapping)
    if unconverted:
        data["unconverted"] = unconverted
    config = SlotConfig.model_validate(data)
    checks: tuple[ScenarioCheck, ...] = ()
    if check:
        checks = verify(pack, registry, config, outcome.patched_files, style_css=_style_blocks(ctx),
                        families=_families(config), widths=widths, where=where)
    report = _report(pack, outcome, user, entries_done, hunks, mapping, checks, ctx)
    return Translation(config, report)


def translate_customization(customization: Customization, packs: PackRegistry | None = None
                            ) -> Translation | PhoenixError:
    """Apply and translate one record; a patch or pack problem is returned (it is this user's result)."""
    packs = packs if packs is not None else default_packs()
    where = Where(user=customization.user_id, component=customization.component,
                  source=customization.source or None)
    try:
        pack = packs.get_pack(customization.component)
        registry = SlotRegistry.for_pack(pack)
        outcome = apply_to_pack(customization.diff, pack=pack, base_version=customization.base_version, where=where)
    except PhoenixError as exc:
        return exc.at(where)
    return translate(pack, registry, outcome, user=customization.user_id, packs=packs)


# --- preparing ---------------------------------------------------------------------------------------

def _decode(pack: ComponentPack, outcome: PatchOutcome, where: Where) -> dict[str, tuple[str, str]]:
    texts = {}
    for name in sorted({pack.entry, pack.stylesheet, *outcome.changed_files}):
        pair = []
        for side, files in (("base", outcome.base_files), ("patched", outcome.patched_files)):
            try:
                pair.append(files[name].decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise TranslationError(f"the {side} {name} is not UTF-8 (offset {exc.start})",
                                       where=Where(file=name).merged(where), code="translate.decode",
                                       fix="save the file as UTF-8 and export the diff again") from None
            except KeyError:
                raise TranslationError(f"the {side} files lack {name}", where=Where(file=name).merged(where),
                                       code="translate.missing_file", fix="a customization cannot delete files") from None
        texts[name] = (pair[0], pair[1])
    return texts


def _prepare(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome, texts: Mapping[str, tuple[str, str]],
             other_roots: frozenset[str]) -> tuple[Context, list[AnyChange]]:
    slots = registry.resolve(outcome.target_version)
    base_text, patched_text = texts[pack.entry]
    base = slots.document if slots.document.print() == base_text else parse(base_text, name=pack.entry)
    patched = parse(patched_text, name=pack.entry)
    changes: list[AnyChange] = []
    pairs = {}
    if base_text != patched_text:
        tree = diff_documents(base, patched, file=pack.entry)
        changes += tree.changes
        pairs = dict(tree.pairs)
    base_css, patched_css = texts[pack.stylesheet]
    if base_css != patched_css:
        changes += diff_stylesheets(base_css, patched_css, file=pack.stylesheet)
    for name in outcome.changed_files:
        if name not in (pack.entry, pack.stylesheet):
            changes.append(FileChange(name, f"{name} edited", tuple(pack.shared.get(name, ())), WHOLE_FILE, WHOLE_FILE))
    renders, patched_renders = _renders(pack, registry, outcome) if _needs_renders(changes) else ({}, {})
    ctx = Context(pack, registry, slots, base, patched, pairs, base_css, patched_css, renders, patched_renders,
                  other_roots)
    return ctx, changes


def _needs_renders(changes: Iterable[AnyChange]) -> bool:
    return any(isinstance(c, CssChange) for c in changes)


def _renders(pack: ComponentPack, registry: SlotRegistry, outcome: PatchOutcome) -> tuple[dict[str, str], dict[str, str]]:
    """Per scenario: the base render with ``data-slot`` markers, and the legacy render of the patched files
    (what CSS selectors are matched against)."""
    base = dict(_base_renders(pack, registry, outcome.target_version))
    patched = {}
    for scenario in pack.scenarios:
        try:
            patched[scenario.name] = render_legacy(pack, outcome.patched_files, scenario.data).html
        except PhoenixError:
            continue
    return base, patched


@functools.lru_cache(maxsize=32)
def _base_renders(pack: ComponentPack, registry: SlotRegistry, version: str) -> tuple[tuple[str, str], ...]:
    """The same for every user of a version: rendered once per process."""
    renderer = SlotRenderer(pack, registry=registry)
    empty = SlotConfig(component=pack.name, version=version)
    found = []
    for scenario in pack.scenarios:
        try:
            found.append((scenario.name, renderer.render(empty, scenario.data).html))
        except PhoenixError:
            continue
    return tuple(found)


def _other_roots(pack: ComponentPack, packs: PackRegistry | None) -> frozenset[str]:
    try:
        registry = packs if packs is not None else default_packs()
    except PhoenixError:
        return frozenset()
    own = pack.root_selector.split(".")[-1]
    return frozenset(p.root_selector.split(".")[-1] for p in registry.values()) - {own}


def _run(change: AnyChange, ctx: Context, translators: Sequence[Translator]) -> Entry:
    for translator in translators:
        try:
            if not translator.handles(change, ctx):
                continue
            return Entry(change, translator.name, translator.translate(change, ctx))
        except Exception as exc:  # a translator bug is this user's failed translation, never a crashed fleet run
            message = exc.message if isinstance(exc, PhoenixError) else f"{type(exc).__name__}: {exc}"
            return Entry(change, translator.name, Outcome.unconverted(
                "translate.error", f"{change.summary}: the {translator.name} translator failed ({message})"))
    return Entry(change, "none", Outcome.unconverted("translate.unsupported", f"{change.summary}: no translator"))


# --- results -----------------------------------------------------------------------------------------

def _unconverted(entries: Sequence[Entry], hunks: Sequence[HunkRef], mapping: Mapping[int, list[int]]
                 ) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for h, hunk in enumerate(hunks):
        bad = [entries[i] for i in mapping[h] if entries[i].outcome.kind == "unconverted"]
        if not bad:
            continue
        stem = hunk.file.rsplit("/", 1)[-1].split(".")[0].lower() or "file"
        found[f"{stem}-hunk-{hunk.number}"] = {
            "file": hunk.file, "hunk": hunk.number, "header": hunk.header, "text": hunk.text,
            "code": bad[0].outcome.code, "reason": "; ".join(e.outcome.reason for e in bad)}
    return found


def _report(pack: ComponentPack, outcome: PatchOutcome, user: str | None, entries: Sequence[Entry],
            hunks: Sequence[HunkRef], mapping: Mapping[int, list[int]], checks: Sequence[ScenarioCheck],
            ctx: Context) -> TranslationReport:
    reports = [_change_report(entry, ctx) for entry in entries]
    hunk_reports = tuple(HunkReport(h.file, h.number, h.header, h.old_range, h.text,
                                    tuple(reports[i] for i in mapping[n])) for n, h in enumerate(hunks))
    failed = any(e.outcome.kind == "unconverted" for e in entries)
    reviewed = any(e.outcome.kind in ("raw", "review") for e in entries)
    mismatch = any(not c.ok for c in checks)
    status: Status = "failed" if failed else "partial" if reviewed or mismatch else "complete"
    kinds = sorted({op.op for e in entries for op in e.outcome.ops})
    return TranslationReport(pack.name, user, outcome.base_version, outcome.target_version, status,
                             not failed and not mismatch, tuple(kinds), hunk_reports, tuple(checks),
                             tuple(event.message for event in outcome.events))


def _change_report(entry: Entry, ctx: Context) -> ChangeReport:
    change = entry.change
    slot = ctx.owner(change) if isinstance(change, Change) else None
    kind = change.kind if isinstance(change, Change | CssChange) else "file"
    return ChangeReport(kind, change.summary, slot, _lines(change), entry.outcome.kind, entry.translator,
                        tuple(op.as_dict() for op in entry.outcome.ops), entry.outcome.reason, entry.outcome.code,
                        entry.covered_by)


def _lines(change: AnyChange) -> str:
    if isinstance(change, FileChange):
        return "the whole file"
    parts = []
    if change.base_lines is not None:
        parts.append(f"base {change.base_lines}")
    if change.patched_lines is not None:
        parts.append(f"edited {change.patched_lines}")
    return ", ".join(parts)


def _failed(pack: ComponentPack, outcome: PatchOutcome, user: str | None, error: PhoenixError) -> Translation:
    report = TranslationReport(pack.name, user, outcome.base_version, outcome.target_version, "failed", False,
                               problems=(str(error),), code=error.code)
    return Translation(SlotConfig(component=pack.name, version=outcome.target_version), report)


def _style_blocks(ctx: Context) -> list[str]:
    """CSS of the ``<style>`` elements of the patched template (after the stylesheet in the legacy page)."""
    return ["".join(kid.print() for kid in node.children if isinstance(kid, Text))
            for top in ctx.patched.children for node in walk(top) if isinstance(node, Element) and node.tag == "style"]


def _families(config: SlotConfig) -> frozenset[str]:
    return frozenset(family(d.name) for css in config.custom_css.values() if css is not None
                     for rule in parse_rules(css) for d in rule.declarations)


__all__ = ["translate", "translate_customization"]
