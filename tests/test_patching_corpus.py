"""The corpus of bad diffs (tests/bad_diffs/cases.toml): each is refused with its stable code, and the
message names the user, the component and, where the case says so, the file and the hunk."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness.errors import PatchError, Where
from harness.patching import DEFAULT_MAX_BYTES, apply_customization

CORPUS = Path(__file__).parent / "bad_diffs"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text())["case"]
WHERE = Where(user="u0042", component="product-card")


def corpus_versions() -> dict[str, Mapping[str, bytes]]:
    return {version: {path.name: path.read_bytes() for path in sorted((CORPUS / "versions" / version).iterdir())}
            for version in ("1.0", "2.0")}


def test_the_corpus_is_large_and_every_file_has_a_case() -> None:
    names = {case["name"] for case in CASES}
    assert len(CASES) >= 25
    assert len(names) == len(CASES)
    assert names == {path.stem for path in CORPUS.glob("*.diff")}
    assert len({case["code"] for case in CASES}) >= 20


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_diff_is_refused_with_its_code(case: dict[str, Any]) -> None:
    data = (CORPUS / f"{case['name']}.diff").read_bytes()
    base = case.get("base_version", "1.0") or None
    with pytest.raises(PatchError) as caught:
        apply_customization(data, versions=corpus_versions(), current="2.0", base_version=base, where=WHERE,
                            max_bytes=case.get("max_bytes", DEFAULT_MAX_BYTES))
    error = caught.value
    text = str(error)
    assert error.code == case["code"], text
    assert "user u0042" in text
    assert "component product-card" in text
    assert error.fix, "every refusal says how to fix it"
    if "file" in case:
        assert error.where.file == case["file"]
        assert f"file {case['file']}" in text
    if "hunk" in case:
        assert error.where.hunk == case["hunk"]
        assert f"hunk {case['hunk']}" in text
    assert error.as_dict()["code"] == case["code"]


def test_the_corpus_component_itself_accepts_a_good_diff() -> None:
    """Guard against a corpus that fails for the wrong reason: the same component takes a clean diff."""
    versions = corpus_versions()
    old = versions["1.0"]["template.html.j2"]
    new = old.replace(b"<h3 class", b"<h2 class").replace(b"</h3>", b"</h2>")
    diff = (b"--- a/template.html.j2\n+++ b/template.html.j2\n@@ -13,3 +13,3 @@\n"
            b"   <div class=\"product-card__info\">\n"
            b"-    <h3 class=\"product-card__title\">{{ product.title }}</h3>\n"
            b"+    <h2 class=\"product-card__title\">{{ product.title }}</h2>\n"
            b"     {% if product.vendor %}\n")
    outcome = apply_customization(diff, versions={"1.0": versions["1.0"]}, current="1.0", base_version="1.0",
                                  where=WHERE)
    assert outcome.patched_files["template.html.j2"] == new
    assert outcome.changed_files == ("template.html.j2",)
