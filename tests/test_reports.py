"""Reports without a browser: safe file names, the escaping discipline, highlighting, the translation view,
fleet numbers, the manifests, and whole run directories written from synthetic stores."""

from __future__ import annotations

import base64
import csv
import io
import json
import random
import re
from html import unescape
from pathlib import Path

import pytest

from harness.evidence import Problem, UserEvidence
from harness.model import Customization, LoadProblem
from harness.runner.result import Document, UserResult, error_result
from harness.settings import Settings
from harness.store import StoreReader, StoreWriter
from harness.verdicts import decide
from reports import user_file_names, write_reports
from reports.caseview import Thresholds
from reports.documents import pack_documents, unpack_html
from reports.escape import (
    FRAME_CSP,
    highlight_css,
    highlight_selector,
    inert_css,
    inert_html,
    page_csp,
    script_hash,
    script_json,
    srcdoc,
)
from reports.fleet import fleet_view, summarize_user
from reports.highlight import highlight_diff, highlight_json
from reports.manifest import CSV_COLUMNS, csv_rows, user_entry
from reports.synthetic import (
    HOSTILE_ID,
    PAYLOAD,
    hostile_user,
    mismatch_pool,
    synthetic_user,
    write_synthetic_store,
)
from reports.translation import translation_view

SETTINGS = Settings()


# --- file names -------------------------------------------------------------------------------------

HOSTILE_IDS = ["../../etc/passwd", "CON", "con.txt", "a/b", "U1", "u1", ".hidden", "", "ünïcödé", "x" * 300,
               "<script>", "a b", "a..b", "trailing.", HOSTILE_ID]


def test_plain_ids_keep_their_name() -> None:
    assert user_file_names(["u00001", "shop-42", "a.b_c"]) == {
        "u00001": "u00001.html", "shop-42": "shop-42.html", "a.b_c": "a.b_c.html"}


def test_any_id_gets_a_safe_unique_name_case_insensitively() -> None:
    names = user_file_names(HOSTILE_IDS)
    assert set(names) == set(HOSTILE_IDS)
    lowered = [n.lower() for n in names.values()]
    assert len(set(lowered)) == len(lowered)
    for name in names.values():
        assert re.fullmatch(r"[a-z0-9_][a-z0-9._-]{0,120}\.html", name), name
        assert ".." not in name
        assert not name.startswith(".")
        assert name.split(".")[0] not in {"con", "prn", "aux", "nul"}


def test_an_id_that_spells_another_ids_hashed_name_does_not_collide() -> None:
    first = user_file_names(["A"])["A"]
    names = user_file_names(["A", first.removesuffix(".html")])
    assert len(set(names.values())) == 2


def test_names_do_not_depend_on_order() -> None:
    shuffled = list(HOSTILE_IDS)
    random.Random(3).shuffle(shuffled)
    assert user_file_names(shuffled) == user_file_names(HOSTILE_IDS)


# --- escaping ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [PAYLOAD, "</script><!--", "line\u2028sep\u2029", {"k</": ["<!--", "&amp;"]},
                                   "\udcff lone surrogate"], ids=["payload", "close-comment", "separators",
                                                                    "nested", "surrogate"])
def test_script_json_cannot_close_its_element_and_round_trips(value: object) -> None:
    text = str(script_json(value))
    assert "</" not in text  # no end tag (</script) can close the element
    assert "<!" not in text  # no <!-- can open the escaped states
    assert text.isascii()
    assert json.loads(text) == value


def test_srcdoc_starts_with_the_policy_and_cannot_be_closed_from_the_stylesheet() -> None:
    doc = srcdoc("<p>x</p>", "p { color: red } </style><script>alert(1)</script>", "p { outline: 1px }")
    head = doc[:doc.index("<style>")]
    assert f'content="{FRAME_CSP}"' in head
    assert "</style><script>" not in doc
    assert doc.count("</style>") == 3
    assert doc.endswith("<body><p>x</p></body></html>")


def test_inert_html_loads_nothing_but_keeps_text() -> None:
    html = ('<img src="https://e.invalid/a.png" srcset="a 1x, b 2x" alt="https://e.invalid/alt">'
            '<p style="background:url(https://e.invalid/b.png)">see src=https://e.invalid/c</p>'
            '<link rel="stylesheet" href="https://e.invalid/x.css"><meta http-equiv="refresh" content="0;url=x">'
            '<style>.a { background: url("https://e.invalid/d.png") }</style><a href="https://e.invalid/">k</a>')
    out = inert_html(html)
    assert re.findall(r"https://e\.invalid/\w*", out) == [
        "https://e.invalid/alt", "https://e.invalid/c", "https://e.invalid/x", "https://e.invalid/"]
    assert 'src="data:,"' in out
    assert "data-phx-srcset" in out
    assert "data-phx-href" in out
    assert "data-phx-http-equiv" in out
    assert "url(data:,)" in out
    assert "see src=https://e.invalid/c" in out  # visible text is not touched


def test_inert_css_empties_urls_and_drops_imports_but_keeps_data_urls() -> None:
    out = inert_css('@import url(https://e/a.css); @import "b.css"; .x { background: url( https://e/b.png ) }'
                    " .y { background: url(data:image/png;base64,AAA) } @font-face { src: url(f.woff2) }")
    assert "https://" not in out
    assert "b.css" not in out
    assert "f.woff2" not in out
    assert "url(data:image/png;base64,AAA)" in out


@pytest.mark.parametrize(("path", "ok"), [
    ("div.card > span.price", True), ("div#Card-1.card > p", True), ("p.</style><script>", False),
    ("div { color: red }", False), ("", False), ("div.card >", False), ("a[href]", True)],
    ids=["plain", "id", "markup", "rule", "empty", "dangling", "attribute"])
def test_only_clean_selectors_are_outlined(path: str, ok: bool) -> None:
    assert (highlight_selector(path) is not None) is ok


def test_highlight_outlines_the_innermost_elements_only() -> None:
    css = highlight_css(["div.card", "div.card > p.price", "div.card > p.price > span", "div.card > h3"])
    assert "body > div.card > p.price > span" in css
    assert "body > div.card > h3" in css
    assert "body > div.card," not in css
    assert "body > div.card > p.price," not in css
    assert highlight_css(["div { x }"]) == ""


def test_the_page_policy_allows_exactly_our_scripts() -> None:
    policy = page_csp(["console.log(1)"])
    assert script_hash("console.log(1)") in policy
    assert "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "default-src 'none'" in policy


# --- highlighting ----------------------------------------------------------------------------------

DIFF = ("diff --git a/template.html.j2 b/template.html.j2\n--- a/template.html.j2\n+++ b/template.html.j2\n"
        "@@ -10,3 +10,3 @@\n <div class=\"card\">\n-  <h3>{{ product.title }}</h3>\n+  <h2>{{ product.title }}</h2>\n"
        " </div>\n\\ No newline at end of file\n")


def test_a_diff_is_classified_with_line_numbers() -> None:
    view = highlight_diff(DIFF)
    kinds = [(line.kind, line.old_no, line.new_no) for line in view.lines]
    assert kinds == [("meta", None, None), ("meta", None, None), ("file", None, None), ("hunk", None, None),
                     ("ctx", 10, 10), ("del", 11, None), ("add", None, 11), ("ctx", 12, 12), ("note", None, None)]
    assert (view.added, view.removed, view.files) == (1, 1, ("template.html.j2",))
    assert "<span class=nt>h3</span>" in str(view.lines[5].html)  # the tag name is coloured
    assert view.lines[3].anchor == "template_html_j2-h1"


def test_diff_text_is_escaped_and_malformed_diffs_still_show() -> None:
    view = highlight_diff(f"@@ -1,1 +1,1 @@\n-{PAYLOAD}\n+ok\ngarbage line\n+outside a hunk <b>\r\n")
    html = "".join(str(line.html) for line in view.lines)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    assert [line.kind for line in view.lines] == ["hunk", "del", "add", "other", "add"]
    assert not html.endswith("\r")


def test_long_diffs_are_cut_and_counted() -> None:
    view = highlight_diff("".join(f"+line {i}\n" for i in range(50)), max_lines=10)
    assert len(view.lines) == 10
    assert view.hidden == 40


def test_json_is_pretty_coloured_and_escaped() -> None:
    html = str(highlight_json({"a": PAYLOAD, "b": [1, None]}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("\n") == 6
    assert "<span class=kc>null" in html


# --- the translation report ------------------------------------------------------------------------

REPORT = {
    "status": "failed", "lossless": False, "op_kinds": ["raw", "custom_css"], "problems": [], "events": ["rebased"],
    "hunks": [{"file": "template.html.j2", "number": 2, "header": "@@ -61,7 +61,6 @@", "old_range": "lines 61-67",
               "outcome": "unconverted", "text": " a\n-b\n",
               "changes": [{"kind": "delete", "summary": "include removed", "slot": "rating", "lines": "base line 64",
                            "outcome": "raw", "translator": "raw", "code": "translate.raw", "reason": "no option",
                            "ops": [{"op": "raw", "id": "r1", "value": {"slot": "rating", "position": "replace",
                                                                         "source": "<div>{{ x }}</div>"}}]},
                           {"kind": "text", "summary": "text", "outcome": "unconverted", "ops": [],
                            "reason": "conflict", "code": "translate.conflict"}]}],
    "verification": [{"scenario": "default", "ok": True}, {"scenario": "sold-out", "ok": False, "problem": "differs",
                                                           "legacy": "<p>a</p>", "new": "<p>b</p>"}],
}


def test_the_translation_report_reads_hunks_changes_operations_and_checks() -> None:
    view = translation_view(REPORT)
    assert (view.status, view.lossless, view.op_kinds, view.events) == ("failed", False, ("raw", "custom_css"),
                                                                        ("rebased",))
    hunk = view.hunks[0]
    assert (hunk.title, hunk.old_range, hunk.outcome) == ("template.html.j2 hunk 2", "lines 61-67", "unconverted")
    assert hunk.anchor == "template_html_j2-h2"  # links to hunk 2 of the diff shown above
    assert view.raw_json is None
    raw, lost = hunk.changes
    assert raw.ops[0].path.startswith("raw.r1")
    assert raw.ops[0].block is not None
    assert "class=cp" in str(raw.ops[0].block)  # the raw source is shown as template code, not as a JSON string
    assert (lost.outcome_words, lost.why, lost.code) == ("not converted", "conflict", "translate.conflict")
    assert view.verified == 1
    assert view.verification[1].legacy == "<p>a</p>"


@pytest.mark.parametrize("report", [None, {}, {"hunks": "nope", "status": 3}, {"hunks": [{"changes": [7, None]}]}],
                         ids=["none", "empty", "wrong-types", "junk-changes"])
def test_a_report_of_another_shape_never_breaks_the_view(report: dict[str, object] | None) -> None:
    view = translation_view(report)
    assert view.present is (report is not None)
    assert all(not h.changes for h in view.hunks)


# --- fleet numbers -----------------------------------------------------------------------------------

def _fleet_results(users: int, seed: int = 5) -> list[UserResult]:
    rng = random.Random(seed)
    pool = mismatch_pool(rng)
    return [synthetic_user(f"u{i:03d}", rng, pool, SETTINGS) for i in range(users)]


def test_fleet_numbers_add_up() -> None:
    results = _fleet_results(60)
    thresholds = Thresholds()
    summaries = [summarize_user(r, f"{r.user_id}.html", thresholds) for r in results]
    from harness.store.values import FingerprintCount, RunInfo
    run = RunInfo("s", "s", "d", {}, "h", "v", "c", expected_users=60)
    counts: dict[str, int] = {}
    for s in summaries:
        for fp in s.fingerprints:
            counts[fp] = counts.get(fp, 0) + 1
    fps = [FingerprintCount(fp, n, n, "text", "sel", "msg") for fp, n in sorted(counts.items(), key=lambda kv: -kv[1])]
    fleet = fleet_view(summaries, run, thresholds, fps, None)
    statuses = [r.status for r in results]
    assert fleet.users == 60
    assert fleet.counts == {s: statuses.count(s) for s in ("eligible", "review", "blocked",
                                                                                     "error")}
    assert sum(r.total for r in fleet.histogram_rows) == 60
    migration = fleet.targets[2]
    assert migration.numerator == statuses.count("eligible")
    assert migration.denominator == 60
    assert migration.met is (statuses.count("eligible") / 60 > 0.98)
    translated = fleet.targets[0]
    assert translated.denominator == sum(1 for r in results for c in r.evidence.components if c.translation)
    assert sum(r.total for r in fleet.by_complexity) == 60
    shared = list(fleet.fingerprints)
    assert all(f.users >= 2 for f in shared)
    assert [f.users for f in shared] == sorted((f.users for f in shared),
                                                                                     reverse=True)
    table = fleet.table_data()
    assert len(table["rows"]) == 60
    assert set(table["fingerprints"]) == {f.fingerprint for f in shared}
    for fp, rows in table["fingerprints"].items():
        assert len(rows) == counts[fp]


# --- manifests ------------------------------------------------------------------------------------

def test_the_manifest_carries_configs_only_for_eligible_users_and_exact_diffs() -> None:
    for result in _fleet_results(30):
        entry = user_entry(result, "x.html")
        assert entry["verdict"] == result.status
        assert entry["reasons"][0]["message"] == result.headline
        for comp, out in zip(result.components, entry["components"], strict=True):
            assert (out["slot_config"] is not None) is (result.status == "eligible" and comp.slot_config is not None)
            assert out["diff"].encode("utf-8", "surrogateescape") == comp.customization(result.user_id).diff
            if result.status == "review":
                assert out["proposed_slot_config"] == comp.slot_config


def test_csv_rows_quote_formulas_and_keep_diff_bytes() -> None:
    result = hostile_user(SETTINGS)
    rows = csv_rows(result, "x.html")
    assert len(rows) == 1
    assert len(rows[0]) == len(CSV_COLUMNS)
    assert rows[0][0] == HOSTILE_ID  # starts with "<": not a formula
    formula = synthetic_user("=cmd|' /C calc'!A0", random.Random(1), mismatch_pool(random.Random(1)), SETTINGS)
    row = csv_rows(formula, "y.html")[0]
    assert row[0].startswith("'=")
    assert base64.b64decode(row[CSV_COLUMNS.index("diff_base64")]) == formula.components[0].diff.encode()


# --- whole run directories ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("synthetic-run")
    write_synthetic_store(run_dir, 40, hostile=True)
    return run_dir


def test_every_user_gets_a_report_and_the_manifests_agree(synthetic_run: Path) -> None:
    index = write_reports(synthetic_run)
    assert index == synthetic_run / "index.html"
    with StoreReader.open(synthetic_run) as store:
        ids = store.user_ids()
    names = user_file_names(ids)
    assert sorted(p.name for p in (synthetic_run / "users").iterdir()) == sorted(names.values())
    manifest = json.loads((synthetic_run / "manifest.json").read_text())
    assert [u["user_id"] for u in manifest["users"]] == ids
    assert manifest["summary"]["users"] == len(ids)
    assert manifest["schema"] == "phoenix-manifest/1"
    rows = list(csv.DictReader(io.StringIO((synthetic_run / "manifest.csv").read_text())))
    assert {r["user_id"] for r in rows} == set(ids)
    assert all(r["report"] == f"users/{names[r['user_id']]}" for r in rows)


def test_reports_are_self_contained(synthetic_run: Path) -> None:
    write_reports(synthetic_run)
    for page in [synthetic_run / "index.html", *sorted((synthetic_run / "users").iterdir())[:5]]:
        html = page.read_text()
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), page.name
        assert "<link" not in html
        assert "@import" not in html
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        assert policy is not None
        assert unescape(policy.group(1)).startswith("default-src 'none'; script-src 'sha256-")


def _split_data(html: str, element_id: str) -> tuple[str, str]:
    """The page without its JSON data block, and the block's text."""
    start = html.index(f'<script type="application/json" id="{element_id}">')
    start = html.index(">", start) + 1
    end = html.index("</script>", start)
    return html[:start] + html[end:], html[start:end]


def test_the_hostile_user_is_shown_as_text_everywhere(synthetic_run: Path) -> None:
    write_reports(synthetic_run)
    page = synthetic_run / "users" / user_file_names([HOSTILE_ID])[HOSTILE_ID]
    outside, data = _split_data(page.read_text(), "phx-docs")
    assert re.findall(r"<script\b[^>]*>", outside) == ['<script type="application/json" id="phx-docs">', "<script>"]
    assert "<img" not in outside
    assert "<meta http-equiv=\"refresh" not in outside
    assert all('sandbox=""' in tag for tag in re.findall(r"<iframe\b[^>]*>", outside))
    assert "&lt;script&gt;window.__pwned=1" in outside          # the id, the diff, the metadata: as text
    assert "{{ 7*7 }}" in outside                               # template syntax in user data is never evaluated
    assert r'<script type=\"text/x-phx-inert\">parent.__pwned=3\u003c/script>' in data  # inert, JSON text
    assert "</" not in data
    index, table = _split_data((synthetic_run / "index.html").read_text(), "users-data")
    assert "<script>window.__pwned" not in index
    assert re.findall(r"<script\b[^>]*>", index) == ['<script type="application/json" id="users-data">', "<script>"]
    assert HOSTILE_ID in {row[0] for row in json.loads(table)["rows"]}


def test_a_harness_error_and_a_user_with_only_unreadable_records_get_reports(tmp_path: Path) -> None:
    broken = Customization("crashed", "product-card", "1.1.0", b"--- a/x\n+++ b/x\n", {"region": "eu"}, "f.jsonl:1")
    problem = LoadProblem("unreadable", None, "f.jsonl:2", "input.bad_json", "line 2 is not JSON", "fix the line")
    evidence = UserEvidence("unreadable", (problem,))
    results = [error_result("crashed", Problem("harness.crash", "KeyError: 'x'", "report it"), records=[broken]),
               UserResult("unreadable", decide(evidence, SETTINGS), evidence)]
    write_synthetic_store(tmp_path, 0)
    store = StoreWriter.create(tmp_path)
    for result in results:
        store.put(result)
    store.close()
    write_reports(tmp_path)
    crashed = (tmp_path / "users" / "crashed.html").read_text()
    assert "Not decided" in crashed
    assert "KeyError: &#39;x&#39;" in crashed
    assert "harness.crash" in crashed
    unreadable = (tmp_path / "users" / "unreadable.html").read_text()
    assert "Blocked" in unreadable
    assert "line 2 is not JSON" in unreadable
    assert "f.jsonl:2" in unreadable
    entries = {u["user_id"]: u for u in json.loads((tmp_path / "manifest.json").read_text())["users"]}
    assert entries["crashed"]["verdict"] == "error"
    assert entries["crashed"]["components"][0]["slot_config"] is None
    assert entries["unreadable"]["load_problems"][0]["code"] == "input.bad_json"


def test_stale_reports_of_users_no_longer_in_the_store_are_removed(tmp_path: Path) -> None:
    write_synthetic_store(tmp_path, 3)
    write_reports(tmp_path)
    (tmp_path / "users" / "gone.html").write_text("old")
    write_reports(tmp_path)
    assert not (tmp_path / "users" / "gone.html").exists()
    assert len(list((tmp_path / "users").iterdir())) == 3


def test_an_empty_interrupted_run_still_gets_a_dashboard(tmp_path: Path) -> None:
    store = StoreWriter.create(tmp_path)
    from harness.store.values import RunInfo
    store.start(RunInfo("fleet.jsonl", "fleet.jsonl", "d", SETTINGS.model_dump(mode="json"), "h", "v", "c",
                        expected_users=10))
    store.finish("interrupted")
    store.close()
    html = write_reports(tmp_path).read_text()
    assert "This run is interrupted: 0 of 10 selected users were checked" in html
    assert json.loads((tmp_path / "manifest.json").read_text())["users"] == []


# --- packed documents -------------------------------------------------------------------------------------

CONTEXT = "<p>the same text on both sides</p>" * 10


@pytest.mark.parametrize(("old", "new", "context"), [
    ("<p>price $10</p>", "<p>price $12</p>", CONTEXT),
    ("<p>😀 a</p>", "<p>😀 b</p>", CONTEXT),                 # astral characters count twice in UTF-16
    ("<p>end</p>", "<p>end</p><p>more</p>", CONTEXT),
    ("<b>\udcff</b>", "<b>\udcff!</b>", CONTEXT),            # a lone surrogate from a user's bytes
    ("<p>abc</p>", "<i>xyz</i>", ""),                        # nothing shared: stored whole
    ('<div class="a">\n<p>x</p>\n</div>', '<div class="a" data-slot="root">\n<p data-slot="t">x</p>\n</div>',
     CONTEXT.replace("</p>", "</p>\n")),                     # markers on many lines
], ids=["middle", "astral", "appended", "surrogate", "unrelated", "slot-markers"])
def test_a_migrated_document_is_stored_as_its_difference_and_rebuilt_exactly(old: str, new: str,
                                                                            context: str) -> None:
    a, b = Document(context + old + context, "p {}"), Document(context + new + context, "p {}")
    packed = pack_documents({a.digest: a, b.digest: b}, [(a.digest, b.digest)])
    assert unpack_html(packed.docs, a.digest) == inert_html(a.html)
    assert unpack_html(packed.docs, b.digest) == inert_html(b.html)
    assert ("d" in packed.docs[b.digest]) is bool(context)
    assert len(packed.styles) == 1


def test_a_document_that_is_a_base_is_stored_whole() -> None:
    a, b = Document("<p>one</p>" * 30, ""), Document("<p>two</p>" * 30, "")
    packed = pack_documents({a.digest: a, b.digest: b}, [(a.digest, b.digest), (b.digest, a.digest)])
    assert "h" in packed.docs[a.digest] or "h" in packed.docs[b.digest]
    assert unpack_html(packed.docs, a.digest) == a.html
    assert unpack_html(packed.docs, b.digest) == b.html
