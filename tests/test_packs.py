"""The shipped component packs and the pack loader (harness/packs.py, docs/packs.md)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import merge3
import pytest

import harness.packs as packs_module
from harness.errors import PackError
from harness.legacy import render_legacy
from harness.packs import ComponentPack, PackRegistry, default_packs, fixtures_root, load_pack, load_packs

REPO = Path(__file__).resolve().parent.parent
PACKS = default_packs()
CASES = [(pack, version, scenario.name) for pack in PACKS.values() for version in pack.versions
         for scenario in pack.scenarios]


# --- a tokenizer for start tags of a Jinja/HTML template (deliberately independent of harness code) ---

def _skip_jinja(source: str, i: int) -> int:
    """Index after the Jinja tag starting at i, or i when there is none."""
    closers = {"{{": "}}", "{%": "%}", "{#": "#}"}
    closer = closers.get(source[i:i + 2])
    if closer is None:
        return i
    end = source.find(closer, i + 2)
    assert end != -1, f"unclosed Jinja tag at offset {i}"
    return end + 2


def start_tags(source: str) -> list[tuple[str, str]]:
    """(tag name, full start tag text) for every HTML start tag, Jinja code inside tags included."""
    tags, i = [], 0
    while i < len(source):
        after = _skip_jinja(source, i)
        if after != i:
            i = after
        elif source.startswith("<!--", i):
            i = source.index("-->", i) + 3
        elif source[i] == "<" and i + 1 < len(source) and source[i + 1].isalpha():
            j, quote = i + 1, ""
            while quote or source[j] != ">":
                after = _skip_jinja(source, j)
                if after != j:
                    j = after
                    continue
                if source[j] in "\"'" and (not quote or quote == source[j]):
                    quote = "" if quote else source[j]
                j += 1
            tags.append((re.match(r"<([a-zA-Z][\w-]*)", source[i:]).group(1).lower(), source[i:j + 1]))  # type: ignore[union-attr]
            i = j + 1
        else:
            i += 1
    return tags


def static_classes(tag: str) -> set[str]:
    """Class tokens that are literal text of the class attribute, outside every Jinja tag and block."""
    match = re.search(r'\sclass="((?:\{\{.*?\}\}|\{%.*?%\}|[^"])*)"', tag, re.S)
    if match is None:
        return set()
    text, depth = "", 0
    for piece in re.split(r"(\{\{.*?\}\}|\{%.*?%\})", match.group(1), flags=re.S):
        if piece.startswith("{%"):
            word = piece.strip("{%-+ }").split(" ")[0]
            depth += 1 if word in {"if", "for", "macro", "call", "filter", "with"} else 0
            depth -= 1 if word.startswith("end") else 0
            text += " "
        elif piece.startswith("{{"):
            text += " "
        elif depth == 0:
            text += piece
    return set(text.split())


def anchors_from_docs() -> dict[str, list[tuple[str, str, str]]]:
    """component → [(region, tag, class)] from the table in docs/packs.md."""
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for line in (REPO / "docs" / "packs.md").read_text().splitlines():
        match = re.match(r"^\| ([a-z-]+) \| ([a-z-]+) \| `([a-z0-9]+)\.([\w-]+)` \|$", line)
        if match:
            rows.setdefault(match.group(1), []).append((match.group(2), match.group(3), match.group(4)))
    return rows


def entry_source(pack: ComponentPack, version: str) -> str:
    return pack.version(version).files[pack.entry].decode()


# --- the shipped packs --------------------------------------------------------------------------------

def test_the_shipped_packs_load_with_their_versions() -> None:
    assert {name: list(pack.versions) for name, pack in PACKS.items()} == {
        "cart-line": ["1.0.0", "1.1.0"],
        "mini-cart": ["1.0.0", "1.1.0"],
        "collection-banner": ["1.0.0", "1.1.0"],
        "product-card": ["1.0.0", "1.1.0", "1.2.0"],
        "quick-view": ["1.0.0", "1.1.0"],
    }
    assert PACKS.get_pack("product-card").current == "1.2.0"
    assert all(pack.current == list(pack.versions)[-1] for pack in PACKS.values())


def test_product_card_has_the_required_scenarios() -> None:
    names = {s.name for s in PACKS.get_pack("product-card").scenarios}
    assert {"default", "on-sale", "sold-out", "no-image", "long-title-many-swatches"} <= names
    assert all(len(pack.scenarios) >= 3 for pack in PACKS.values())
    assert all(s.description and "settings" in s.data for pack in PACKS.values() for s in pack.scenarios)


@pytest.mark.parametrize(("pack", "version", "scenario"), CASES,
                         ids=[f"{p.name}-{v}-{s}" for p, v, s in CASES])
def test_every_version_renders_every_scenario(pack: ComponentPack, version: str, scenario: str) -> None:
    result = render_legacy(pack, pack.version(version).files, pack.scenario(scenario).data)
    page = lxml.html.fragment_fromstring(result.html, create_parent="body")
    assert len(page.cssselect(pack.root_selector)) == 1
    assert "translation missing" not in result.html
    assert result.css == pack.version(version).files[pack.stylesheet].decode()


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0", "1.2.0"])
def test_product_card_start_tags_hold_template_code(version: str) -> None:
    tags = start_tags(entry_source(PACKS.get_pack("product-card"), version))
    with_code = [text for _, text in tags if "{{" in text or "{%" in text]
    assert len(tags) >= 25
    assert len(with_code) / len(tags) >= 0.30, f"{len(with_code)}/{len(tags)} start tags hold template code"


ANCHOR_CASES = [(name, version) for name, pack in PACKS.items() for version in pack.versions]


@pytest.mark.parametrize(("component", "version"), ANCHOR_CASES, ids=[f"{c}-{v}" for c, v in ANCHOR_CASES])
def test_every_documented_anchor_is_one_static_class_token(component: str, version: str) -> None:
    anchors = anchors_from_docs()[component]
    tags = start_tags(entry_source(PACKS.get_pack(component), version))
    for region, tag_name, token in anchors:
        owners = [name for name, text in tags if token in static_classes(text)]
        assert owners == [tag_name], f"{region}: .{token} is on {owners or 'no start tag'}"


def test_the_docs_list_the_regions_the_brief_requires() -> None:
    regions = {region for region, _, _ in anchors_from_docs()["product-card"]}
    assert {"card", "media", "badges", "info", "title", "vendor", "price", "rating", "swatches", "quick-add",
            "badge-sale", "badge-sold-out", "badge-new"} <= regions
    assert set(anchors_from_docs()) == set(PACKS)


@pytest.mark.parametrize("component", sorted(PACKS))
def test_scenarios_together_show_every_region(component: str) -> None:
    pack = PACKS.get_pack(component)
    seen: set[str] = set()
    for scenario in pack.scenarios:
        html = render_legacy(pack, pack.current_version.files, scenario.data).html
        for element in lxml.html.fragment_fromstring(html, create_parent="body").iter():
            seen.update((element.get("class") or "").split())
    missing = {token for _, _, token in anchors_from_docs()[component]} - seen
    assert not missing, f"no scenario renders {sorted(missing)}"


def test_product_card_scenarios_take_both_sides_of_the_branches() -> None:
    pack = PACKS.get_pack("product-card")
    rendered = {s.name: render_legacy(pack, pack.current_version.files, s.data).html for s in pack.scenarios}
    assert "card__media-link--placeholder" in rendered["no-image"]
    assert "card__image" not in rendered["no-image"]
    assert "30% off" not in rendered["on-sale"]
    assert "20% off" in rendered["on-sale"]
    assert "badge--new" not in rendered["sold-out"]
    assert "disabled" in rendered["sold-out"]
    assert "swatch--more" in rendered["long-title-many-swatches"]
    assert "+7" in rendered["long-title-many-swatches"]
    assert "card__vendor" in rendered["default"]
    assert "card__vendor" not in rendered["on-sale"]
    assert "$5.44" in rendered["on-sale"]
    assert "100g" in rendered["on-sale"]
    assert "720w" not in rendered["long-title-many-swatches"]  # a 600 px image trims the srcset


def test_shared_snippets_are_declared_both_ways_and_identical() -> None:
    card, quick = PACKS.get_pack("product-card"), PACKS.get_pack("quick-view")
    assert dict(card.shared) == {"snippets/price.html.j2": ("quick-view",), "snippets/rating.html.j2": ("quick-view",)}
    for file in card.shared:
        assert card.current_version.files[file] == quick.current_version.files[file]
    assert card.version("1.0.0").files["snippets/price.html.j2"] != card.current_version.files["snippets/price.html.j2"]


def test_locale_is_flattened_and_files_are_bytes() -> None:
    card = PACKS.get_pack("product-card")
    assert card.locale["products.sold_out"] == "Sold out"
    assert all(isinstance(data, bytes) for data in card.current_version.files.values())
    assert set(card.current_version.files) == {"template.html.j2", "styles.css", "snippets/price.html.j2",
                                               "snippets/rating.html.j2"}


@pytest.mark.parametrize("component", sorted(PACKS))
def test_stylesheets_are_realistic(component: str) -> None:
    css = PACKS.get_pack(component).current_version.files["styles.css"].decode()
    assert "@media screen and (min-width: 750px)" in css
    assert "@media screen and (min-width: 990px)" in css
    assert ":hover" in css
    assert ":focus-visible" in css
    assert "--" in css
    if component == "product-card":
        assert 150 <= css.count("\n") <= 250
        assert "aspect-ratio" in css
        assert all(f".badge--{kind}" in css for kind in ("sale", "sold-out", "new"))


# --- typical edits on the oldest version rebase onto the current one -------------------------------

EDITS: dict[str, Callable[[str], str]] = {
    "title-class": lambda s: s.replace('<h3 class="card__title"', '<h3 class="card__title card__title--bold"'),
    "vendor-commented-out": lambda s: s.replace("{%- if settings.show_vendor and product.vendor %}",
                                                "{#- vendor hidden -#}{%- if false %}"),
    "sale-badge-text": lambda s: s.replace("{{ 'products.percent_off' | t(percent=percent_off) }}",
                                           "-{{ percent_off }}%"),
    "element-added": lambda s: s.replace("  <div class=\"card__info\">\n",
                                         "  <div class=\"card__info\">\n    <p class=\"card__note\">Ships free</p>\n"),
    "swatches-removed": lambda s: re.sub(r"    \{%- if settings.show_swatches.*?</ul>\n    \{%- endif %\}\n", "", s,
                                         flags=re.S),
    "button-text": lambda s: s.replace("{{ 'products.add_to_cart' | t }}", "Add"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_typical_edits_on_1_0_0_merge_cleanly_onto_the_current_version(edit: str) -> None:
    pack = PACKS.get_pack("product-card")
    base = entry_source(pack, "1.0.0")
    mine = EDITS[edit](base)
    assert mine != base
    theirs = entry_source(pack, pack.current)
    merged = merge3.Merge3(base.splitlines(True), mine.splitlines(True), theirs.splitlines(True))
    assert not [group for group in merged.merge_groups() if group[0] == "conflict"]
    files = dict(pack.current_version.files, **{pack.entry: "".join(merged.merge_lines()).encode()})
    assert render_legacy(pack, files, pack.scenario("on-sale").data).html


# --- the loader's validation ---------------------------------------------------------------------------

@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "cart-line"
    shutil.copytree(PACKS.get_pack("cart-line").path, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink()


BREAKAGES: dict[str, tuple[Callable[[Path], object], str, str]] = {
    "unknown-key": (lambda p: _edit(p / "pack.toml", 'title = "Cart line"', 'title = "Cart line"\ntitel = "x"'),
                    "pack.invalid", "titel"),
    "bad-toml": (lambda p: _edit(p / "pack.toml", 'title = "Cart line"', "title = "), "pack.invalid", "TOML"),
    "name-mismatch": (lambda p: _edit(p / "pack.toml", 'name = "cart-line"', 'name = "cart-row"'),
                      "pack.invalid", "folder"),
    "current-unknown": (lambda p: _edit(p / "pack.toml", 'current = "1.1.0"', 'current = "2.0.0"'),
                        "pack.invalid", "2.0.0"),
    "versions-out-of-order": (lambda p: _edit(p / "pack.toml", 'version = "1.1.0"', 'version = "1.0.0"'),
                              "pack.invalid", "oldest first"),
    "missing-entry": (lambda p: _remove(p / "versions" / "1.0.0" / "template.html.j2"),
                      "pack.missing_file", "template.html.j2"),
    "bad-root-selector": (lambda p: _edit(p / "pack.toml", '".cart-line"', '"#cart"'), "pack.invalid", "#cart"),
    "too-few-scenarios": (lambda p: _remove(p / "scenarios" / "default.json", p / "scenarios" / "discounted.json"),
                          "pack.invalid", "at least 3"),
    "scenario-extra-key": (lambda p: _edit(p / "scenarios" / "default.json", '"description"', '"notes": 1, "description"'),
                           "pack.invalid", "exactly"),
    "scenario-bad-json": (lambda p: _edit(p / "scenarios" / "default.json", '"data"', "data"), "pack.invalid", "JSON"),
    "locale-not-string": (lambda p: _edit(p / "locales" / "en.json", '"Remove"', "3"), "pack.invalid", "cart.remove"),
    "template-unsafe": (lambda p: _edit(p / "versions" / "1.1.0" / "template.html.j2", "{{ item.vendor }}",
                                        "{{ item.__class__ }}"), "pack.template", "__class__"),
    "template-syntax": (lambda p: _edit(p / "versions" / "1.0.0" / "template.html.j2", "{%- endif %}", "{%- endiff %}"),
                        "pack.template", "parse"),
    "template-latin1": (lambda p: (p / "versions" / "1.0.0" / "template.html.j2").write_bytes(b"<p>caf\xe9</p>"),
                        "pack.template", "UTF-8"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_pack_is_refused_with_where_and_fix(pack_copy: Path, breakage: str) -> None:
    breaker, code, mentioned = BREAKAGES[breakage]
    breaker(pack_copy)
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.code == code
    assert mentioned in str(caught.value)
    assert caught.value.fix
    assert caught.value.where.component == "cart-line"


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(PackError, match="product-card") as caught:
        PACKS.get_pack("mega-menu")
    assert caught.value.code == "pack.unknown_component"
    with pytest.raises(PackError, match=r"1\.0\.0, 1\.1\.0, 1\.2\.0") as caught:
        PACKS.get_pack("product-card").version("0.9.0")
    assert caught.value.code == "pack.unknown_version"
    assert "mega-menu" not in PACKS
    assert PACKS.get("mega-menu") is None


def _copy_shared_pair(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("product-card", "quick-view"):
        shutil.copytree(PACKS.get_pack(name).path, tmp_path / name)
    return tmp_path / "product-card", tmp_path / "quick-view"


def test_shared_files_must_match_across_packs(tmp_path: Path) -> None:
    _, quick = _copy_shared_pair(tmp_path)
    _edit(quick / "versions" / "1.1.0" / "snippets" / "rating.html.j2", "rating__count", "rating__total")
    with pytest.raises(PackError, match=r"rating\.html\.j2") as caught:
        load_packs(tmp_path)
    assert caught.value.code == "pack.shared_mismatch"


def test_shared_files_must_be_declared_by_both_packs(tmp_path: Path) -> None:
    _, quick = _copy_shared_pair(tmp_path)
    _edit(quick / "pack.toml", '"snippets/rating.html.j2" = ["product-card"]\n', "")
    with pytest.raises(PackError, match="does not declare it back") as caught:
        load_packs(tmp_path)
    assert caught.value.code == "pack.shared_mismatch"


def test_registry_and_fixture_root() -> None:
    assert fixtures_root() == REPO / "fixtures"
    assert isinstance(PACKS, PackRegistry)
    assert list(PACKS) == sorted(PACKS)
    assert default_packs() is PACKS
    with pytest.raises(PackError, match="two packs"):
        PackRegistry([PACKS.get_pack("cart-line"), PACKS.get_pack("cart-line")])
    with pytest.raises(PackError) as caught:
        load_packs(REPO / "no-such-folder")
    assert caught.value.code == "pack.missing"


def test_an_installed_wheel_reads_its_bundled_fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "harness"
    (package / "_fixtures" / "components").mkdir(parents=True)
    monkeypatch.setattr(packs_module, "__file__", str(package / "packs.py"))
    assert fixtures_root() == package / "_fixtures"
    shutil.rmtree(package / "_fixtures")
    with pytest.raises(PackError) as caught:
        fixtures_root()
    assert caught.value.code == "pack.missing"
