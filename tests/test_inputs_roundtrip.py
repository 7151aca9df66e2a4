"""The three local sources (JSONL, folder, SQLite) give identical case lists for the same data."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.inputs import CustomizationSource, open_source, write_folder, write_jsonl, write_sql
from harness.model import Customization, Record

LATIN1_DIFF = (b"--- a/template.html.j2\n+++ b/template.html.j2\n@@ -1 +1 @@\n"
               b"-<p>Preis</p>\n+<p>Pr\xe9is \xa3</p>\n")
CRLF_DIFF = (b"--- a/template.html.j2\r\n+++ b/template.html.j2\r\n@@ -1,2 +1,2 @@\r\n"
             b" <div>\r\n-  <h3>{{ p.title }}</h3>\r\n+  <h2>{{ p.title }}</h2>\r\n")
UNICODE_DIFF = ("--- a/styles.css\n+++ b/styles.css\n@@ -1 +1 @@\n-.a { content: '\u2028'; }\n"
                "+.a { content: '\u20ac \u2029'; }\n\\ No newline at end of file\n").encode()

FLEET = [
    Customization("u200", "product-card", "2.0.0", CRLF_DIFF,
                  {"plan": "pro", "views_30d": 1200, "tags": ["sale", "eu"], "updated_at": "2024-05-01T10:00:00Z",
                   "truth": {"expected": "eligible"}, "nested": {"a": [1, 2.5, None, True]}}),
    Customization("u100", "product-card", None, LATIN1_DIFF, {}),
    Customization("u100", "cart-drawer", "1.4.0", UNICODE_DIFF, {"plan": "basic"}),
    Customization("u300.shop@example", "product-card", "1.0.0", b"", {}),  # an empty diff is still a record
]
EXPECTED = sorted(FLEET, key=lambda c: (c.user_id, c.component))


def written(kind: str, tmp_path: Path) -> CustomizationSource:
    if kind == "jsonl":
        write_jsonl(FLEET, tmp_path / "fleet.jsonl")
        return open_source(tmp_path / "fleet.jsonl")
    if kind == "folder":
        write_folder(FLEET, tmp_path / "users")
        return open_source(tmp_path / "users")
    if kind == "sqlite-file":
        write_sql(FLEET, tmp_path / "fleet.sqlite")
        return open_source(tmp_path / "fleet.sqlite")
    write_sql(FLEET, f"sqlite:///{tmp_path / 'fleet.db'}", table="exported")
    return open_source(f"sqlite:///{tmp_path / 'fleet.db'}", table="exported")


KINDS = ["jsonl", "folder", "sqlite-file", "sqlite-url"]


@pytest.mark.parametrize("kind", KINDS)
def test_source_reads_back_exactly_what_was_written(kind: str, tmp_path: Path) -> None:
    records = written(kind, tmp_path).records()
    assert records == EXPECTED
    assert all(isinstance(r, Customization) and r.source for r in records)
    by_case = {r.case_id: r for r in records if isinstance(r, Customization)}
    assert by_case["u100/product-card"].diff == LATIN1_DIFF
    assert by_case["u200/product-card"].diff.count(b"\r\n") == 6
    assert by_case["u200/product-card"].decision_meta()["tags"] == ["sale", "eu"]


def test_all_sources_agree_on_identity_and_order(tmp_path: Path) -> None:
    lists: dict[str, list[Record]] = {}
    for kind in KINDS:
        directory = tmp_path / kind
        directory.mkdir()
        lists[kind] = written(kind, directory).records()
    identities = {kind: [r.identity() for r in records if isinstance(r, Customization)]
                  for kind, records in lists.items()}
    assert len({tuple(ids) for ids in identities.values()}) == 1
    assert [r.case_id for r in lists["jsonl"]] == ["u100/cart-drawer", "u100/product-card",
                                                   "u200/product-card", "u300.shop@example/product-card"]


def test_describe_names_the_source(tmp_path: Path) -> None:
    assert "fleet.jsonl" in written("jsonl", tmp_path).describe()
    assert "users" in written("folder", tmp_path).describe()
    assert "customizations" in written("sqlite-file", tmp_path).describe()
