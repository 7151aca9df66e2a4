"""The recipe catalog and the hostile records of the fleet generator (harness/fleet/catalog, hostile.py)."""

from __future__ import annotations

import functools
import random
import re
from collections import Counter

import pytest

from harness.errors import PatchError, UnsafeTemplateError, Where
from harness.fleet import HOSTILE_KINDS, Recipe, Translation, all_recipes, recipes_by_component
from harness.fleet.build import PackFiles, diff_of, encode, hostile
from harness.fleet.recipes import KINDS, NotApplicable, block, css_value, reindent, replace
from harness.legacy import LegacyRender, render_legacy
from harness.packs import default_packs
from harness.patching import apply_customization
from harness.sandbox import check_template_safety

PACKS = default_packs()
RECIPES = all_recipes()
# Recipes the brief names, by the id that implements each.
REQUIRED = {
    "text / translation-key change": ["product-card/sold-out-badge-text", "cart-line/remove-translation-key"],
    "class add / remove": ["product-card/title-class", "product-card/price-class-removed"],
    "attribute add / change, '| escape' dropped": ["product-card/root-data-attribute",
                                                   "collection-banner/alt-escape-dropped"],
    "inline style": ["product-card/title-inline-style"],
    "css plain / @media / :hover": ["product-card/badge-css", "product-card/media-query-css",
                                    "product-card/hover-css"],
    "hide / remove a slot": ["product-card/swatches-removed"],
    "comment out where show_vendor exists": ["product-card/vendor-commented-out"],
    "static 'Free shipping' line": ["product-card/free-shipping-line"],
    "reorder within a container": ["product-card/price-before-title"],
    "heading tag": ["product-card/title-tag-h2"],
    "wrapper": ["product-card/title-wrapped"],
    "new conditional around a badge": ["product-card/sale-badge-conditional"],
    "% off in a top-level set": ["product-card/percent-off-set"],
    "script": ["product-card/script-added"],
    "cross-slot move": ["product-card/badges-into-info"],
    "shared snippet": ["product-card/shared-rating-snippet", "quick-view/shared-price-snippet"],
    "whole-file reformat": ["product-card/reformatted"],
    "edit on a duplicated line": ["product-card/regular-price-label"],
}


def _files(component: str, version: str) -> dict[str, str]:
    return PackFiles.of(PACKS.get_pack(component)).texts(version)


# --- the catalog ------------------------------------------------------------------------------------

def test_the_catalog_is_large_and_every_pack_has_every_translation_class() -> None:
    assert len(RECIPES) >= 40
    assert len({r.id for r in RECIPES}) == len(RECIPES)
    assert set(recipes_by_component()) == set(PACKS)
    for component, recipes in recipes_by_component().items():
        assert {r.translation for r in recipes} == set(Translation), component
        assert {"script", "css", "logic"} <= set().union(*(r.kinds for r in recipes)), component


@pytest.mark.parametrize("what", sorted(REQUIRED))
def test_the_recipes_the_brief_names_exist_with_their_truth(what: str) -> None:
    ids = {r.id: r for r in RECIPES}
    for recipe_id in REQUIRED[what]:
        assert recipe_id in ids, f"{what}: {recipe_id}"
    translations = {recipe_id: ids[recipe_id].translation for recipe_id in REQUIRED[what]}
    expected = {"script": Translation.UNTRANSLATABLE, "cross-slot move": Translation.UNTRANSLATABLE,
                "shared snippet": Translation.UNTRANSLATABLE, "% off in a top-level set": Translation.UNTRANSLATABLE,
                "new conditional around a badge": Translation.REVIEW}
    if what in expected:
        assert set(translations.values()) == {expected[what]}
    if what == "css plain / @media / :hover":
        assert list(translations.values()) == [Translation.LOSSLESS, Translation.REVIEW, Translation.REVIEW]


def test_kinds_come_from_the_study_vocabulary_and_truth_follows_translation() -> None:
    for recipe in RECIPES:
        assert recipe.kinds <= set(KINDS)
        assert recipe.translatable == (recipe.translation is not Translation.UNTRANSLATABLE)
        assert recipe.verdict.value == {"lossless": "eligible", "review": "review",
                                        "untranslatable": "blocked"}[recipe.translation.value]
        if "script" in recipe.kinds:
            assert recipe.translation is Translation.UNTRANSLATABLE


# --- every recipe on every version it fits -----------------------------------------------------------

# Edits that change the template but, by design, nothing it renders.
INVISIBLE = {"collection-banner/alt-escape-dropped"}
CASES = [(r, v) for r in RECIPES for v in PACKS.get_pack(r.component).versions]


@pytest.mark.parametrize(("recipe", "version"), CASES, ids=[f"{r.id}@{v}" for r, v in CASES])
def test_a_recipe_makes_a_diff_that_applies_and_renders(recipe: Recipe, version: str) -> None:
    pack = PACKS.get_pack(recipe.component)
    files = PackFiles.of(pack)
    try:
        after = recipe.apply(files.texts(version), random.Random(5))
    except NotApplicable:
        assert version != pack.current, f"{recipe.id} must apply to the current version"
        return
    diff = diff_of(files, version, encode(after), index=True)
    outcome = apply_customization(diff, versions=files.versions, current=version, base_version=version,
                                  where=Where(component=pack.name))
    assert dict(outcome.patched_files) == encode(after)
    assert not outcome.events
    for path in outcome.changed_files:
        if path.endswith(".j2"):
            check_template_safety(after[path], name=path)
    renders = [(render_legacy(pack, encode(after), s.data), _base_render(pack.name, version, s.name))
               for s in pack.scenarios]
    if recipe.id in INVISIBLE:
        assert all(new.html == old.html and new.css == old.css for new, old in renders)
    elif "formatting" in recipe.kinds:
        assert all(_words(new.html) == _words(old.html) for new, old in renders)
    else:
        assert any(new.html != old.html or new.css != old.css for new, old in renders), recipe.id


@functools.cache
def _base_render(component: str, version: str, scenario: str) -> LegacyRender:
    pack = PACKS.get_pack(component)
    return render_legacy(pack, pack.version(version).files, pack.scenario(scenario).data)


def _words(html: str) -> list[str]:
    return html.split()


def test_a_recipe_that_does_not_fit_says_so() -> None:
    files = _files("product-card", "1.0.0")
    with pytest.raises(NotApplicable):
        replace(files, "template.html.j2", "<marquee>", "<blink>")
    with pytest.raises(NotApplicable):
        replace(files, "template.html.j2", "{%- endif %}", "")  # occurs many times
    with pytest.raises(NotApplicable):
        block(files, "template.html.j2", "<h3 class=\"card__title\"", "</no-such-tag>")
    with pytest.raises(NotApplicable):
        css_value(files, ".badge--sale {", "margin", "0")
    twice = replace(files, "template.html.j2", "{{ 'products.regular_price' | t }}", "Price", occurrence=1)
    assert twice["template.html.j2"].count("Price</span>") == 1


def test_reindent_changes_only_leading_spaces() -> None:
    source = _files("cart-line", "1.1.0")["template.html.j2"]
    changed = reindent(source)
    assert changed != source
    assert [line.strip() for line in changed.splitlines()] == [line.strip() for line in source.splitlines()]


# --- hostile records ---------------------------------------------------------------------------------

EXPECTED_CODES = {
    "truncated": "patch.truncated", "lying-hunk-counts": "patch.hunk_count", "wrong-version": "patch.unknown_version",
    "unknown-component": "pack.unknown_component", "binary-patch": "patch.binary",
    "path-traversal": "patch.unsafe_path", "nul-bytes": "patch.binary", "non-utf8": "patch.encoding",
    "crlf-mix": "patch.line_endings", "ssti": "template.unsafe",
}


@pytest.mark.parametrize("kind", HOSTILE_KINDS)
@pytest.mark.parametrize("component", sorted(PACKS))
def test_a_hostile_record_fails_with_its_code(kind: str, component: str) -> None:
    pack = PACKS.get_pack(component)
    built = hostile(random.Random(kind), PackFiles.of(pack), recipes_by_component()[component], kind,
                    known_components=list(PACKS), where=Where(user="u1", component=component))
    assert built.truth.patch == EXPECTED_CODES[kind]
    assert built.truth.expected_verdict.value == "blocked"
    assert built.truth.hostile == kind
    if kind == "unknown-component":
        assert built.component not in PACKS
        return
    apply = functools.partial(apply_customization, built.diff, versions=PackFiles.of(pack).versions,
                              current=pack.current, base_version=built.base_version, where=Where())
    if kind != "ssti":
        with pytest.raises(PatchError) as caught:
            apply()
        assert caught.value.code == EXPECTED_CODES[kind]
        return
    with pytest.raises(UnsafeTemplateError):
        check_template_safety(apply().patched_files[pack.entry].decode(), name=pack.entry)


def test_hostile_payloads_look_like_the_wild() -> None:
    pack = PackFiles.of(PACKS.get_pack("product-card"))
    built = {kind: hostile(random.Random(1), pack, recipes_by_component()["product-card"], kind,
                           known_components=list(PACKS), where=Where()) for kind in HOSTILE_KINDS}
    diffs = {kind: b.diff for kind, b in built.items()}
    assert b"__class__" in diffs["ssti"] or b"__globals__" in diffs["ssti"] or b"_TemplateReference" in diffs["ssti"]
    assert b"\x00" in diffs["nul-bytes"]
    assert re.search(rb"[\x80-\xff]", diffs["non-utf8"])
    assert b"\r\n" in diffs["crlf-mix"]
    assert b"GIT binary patch" in diffs["binary-patch"]
    assert b"/../" in diffs["path-traversal"] + b"/"
    records = Counter((b.component, b.base_version, b.diff) for b in built.values())
    assert records.most_common(1)[0][1] == 1  # every kind damages differently
