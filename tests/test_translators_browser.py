"""In Chromium: translated CSS (``custom_css`` inside ``@scope``) gives every element the computed styles
the patched legacy stylesheet gave it. This checks the model the pure verification relies on (scope
proximity, ``&`` adding no specificity, the root matched through ``&S``) on the real engine."""

from __future__ import annotations

import pytest

from harness.errors import Where
from harness.legacy import render_legacy
from harness.packs import default_packs
from harness.patching import apply_to_pack
from harness.render import Snapshot, Viewport
from harness.slots import SlotConfig, SlotRegistry, SlotRenderer
from tests.conftest import Render
from tests.translations.corpus import Case, load_cases
from translators import Translation, translate_customization

PACKS = default_packs()
CSS_CASES = [c for c in load_cases() if "custom_css" in c.ops and c.id != "pc-css-hover"]
VIEWPORTS = (Viewport(390, 844), Viewport(1280, 800))  # below and above the card's media queries

Styles = list[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]


def translated(case: Case) -> Translation:
    result = translate_customization(case.customization(), PACKS)
    assert isinstance(result, Translation)
    return result


def styles(snap: Snapshot) -> Styles:
    assert snap.error is None
    return [(e.tag, e.classes, e.styles) for e in snap.elements if e.tag != "style"]


def first_difference(renderer: Render, case: Case, config: SlotConfig) -> str | None:
    pack = PACKS[case.component]
    registry = SlotRegistry.for_pack(pack)
    merged = registry.merger().merge(*registry.layers(pack.current, migrated=config))
    record = case.customization()
    patched = apply_to_pack(record.diff, pack=pack, base_version=record.base_version, where=Where()).patched_files
    for scenario in pack.scenarios:
        legacy = render_legacy(pack, patched, scenario.data)
        new = SlotRenderer(pack, registry=registry).render(merged, scenario.data)
        for viewport in VIEWPORTS:
            old = styles(renderer(legacy.html, legacy.css, viewport=viewport, key=f"{case.id}-old"))
            now = styles(renderer(new.html, new.css, viewport=viewport, key=f"{case.id}-new"))
            if len(old) != len(now):
                return f"{scenario.name} at {viewport.label}: {len(old)} elements before, {len(now)} after"
            for before, after in zip(old, now, strict=True):
                if before != after:
                    changed = sorted(set(after[2]) - set(before[2]))
                    return f"{scenario.name} at {viewport.label}: {before[0]} {before[1]} now has {changed}"
    return None


@pytest.mark.browser
@pytest.mark.parametrize("case", CSS_CASES, ids=[c.id for c in CSS_CASES])
def test_translated_css_computes_the_legacy_styles(renderer: Render, case: Case) -> None:
    assert first_difference(renderer, case, translated(case).config) is None


@pytest.mark.browser
def test_without_the_re_appended_rules_the_legacy_styles_are_lost(renderer: Render) -> None:
    """The negative control: the changed rule alone (no later rules repeated) loses to the @media rule."""
    case = next(c for c in CSS_CASES if c.id == "pc-css-rule-changed")
    config = translated(case).config
    [(key, css)] = [(k, v) for k, v in config.custom_css.items() if v is not None]
    assert "@media" in css
    naive = config.model_copy(update={"custom_css": {key: css.splitlines()[0]}})
    problem = first_difference(renderer, case, naive)
    assert problem is not None
    assert "1280" in problem
