"""The bad-input corpus: one user per kind of damage or hostility, in one JSON Lines fleet.

Every :class:`Kind` is a user (or, when the line cannot name its user, the synthetic ``<fleet.jsonl line
N>`` user the loader makes of it) with the raw line(s) that produce it and what the harness must do with
it: the verdict, the rule that decides, the error code and words of the reason. Kinds that need another
source (an empty file, a folder, a SQL table) live in :mod:`tests.reliability.sources`.

Customizations that try to reach the network point at ``origin`` (a local HTTP server the tests run and
count hits on); ``marker`` is a file a template injection would write if it could escape the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.packs import default_packs
from harness.patching.emit import unified_diff

COMPONENT = "product-card"
TEMPLATE = "template.html.j2"
STYLES = "styles.css"
FLEET_FILE = "fleet.jsonl"
DEMO_FLEET = Path(__file__).resolve().parents[2] / "fixtures" / "fleets" / "demo.jsonl"
# Well-formed users of the demo fleet (eligible and review, one to three components) that share the run.
GOOD_USERS = ("u00003", "u00005", "u00009", "u00013", "u00018", "u00028", "u00036")
GOOD_PREFIX = "good-"


@dataclass(frozen=True)
class Expect:
    """What the harness must conclude: ``status`` one of these, decided by ``rule``; some reason of the
    user carries ``code`` (its ``detail.error_code``, else the reason's own code) and ``words``."""

    status: frozenset[str]
    rule: str
    code: str
    words: str = ""


@dataclass(frozen=True)
class Kind:
    id: str                 # readable test id
    group: str              # records | diffs | templates | browser | user ids | sources
    what: str               # one line for people (docs/reliability.md)
    user: str               # the user id the result is stored under
    lines: tuple[bytes, ...]
    expect: Expect
    hostile_markup: bool = field(default=False)  # its content tries to reach the network or run script


def blocked(rule: str, code: str, words: str = "") -> Expect:
    return Expect(frozenset({"blocked"}), rule, code, words)


def not_eligible(rule: str, code: str, words: str = "") -> Expect:
    return Expect(frozenset({"review", "blocked"}), rule, code, words)


# --- building diffs and lines -----------------------------------------------------------------------------

def current_files() -> dict[str, bytes]:
    pack = default_packs()[COMPONENT]
    return dict(pack.version(pack.current).files)


def edited(path: str, edit: Callable[[str], str]) -> bytes:
    """A git-style diff of one file of the product card's current version after ``edit``."""
    before = current_files()
    after = dict(before)
    after[path] = edit(before[path].decode("utf-8")).encode("utf-8")
    assert after[path] != before[path], f"the edit of {path} changed nothing"
    return unified_diff(before, after, [path])


def appended(markup: str) -> bytes:
    """The template with ``markup`` added after the card (a line of its own)."""
    return edited(TEMPLATE, lambda text: text + markup + "\n")


def inside_card(markup: str) -> bytes:
    """The template with ``markup`` added as the first thing inside the card's info block."""
    anchor = '  <div class="card__info">\n'
    return edited(TEMPLATE, lambda text: text.replace(anchor, anchor + "    " + markup + "\n", 1))


def styled(css: str) -> bytes:
    return edited(STYLES, lambda text: text + css + "\n")


def line(user: Any, diff: bytes | str | Any, *, component: Any = COMPONENT, base: Any = "current",
         meta: Any = None, **extra: Any) -> bytes:
    """One JSONL line (the diff's bytes kept as surrogate escapes, as the exporter writes them)."""
    if base == "current":
        base = default_packs()[COMPONENT].current
    text = diff.decode("utf-8", "surrogateescape") if isinstance(diff, bytes) else diff
    record: dict[str, Any] = {"user_id": user, "component": component, "base_version": base, "diff": text}
    if meta is not None:
        record["meta"] = meta
    record.update(extra)
    return json.dumps(record).encode("utf-8")


def valid_diff(note: str) -> bytes:
    """A harmless change (a Jinja comment): valid, so damage to it is the only problem."""
    return appended("{# " + note + " #}")


# --- damaged diffs ----------------------------------------------------------------------------------------

def _lines(diff: bytes) -> list[bytes]:
    return diff.splitlines(keepends=True)


def truncated_mid_hunk(diff: bytes) -> bytes:
    return b"".join(_lines(diff)[:-2])


def truncated_mid_line(diff: bytes) -> bytes:
    return diff[:-6]


def lying_counts(diff: bytes, grow: int) -> bytes:
    lines = _lines(diff)
    for i, text in enumerate(lines):
        if text.startswith(b"@@ "):
            head, rest = text[3:].split(b" @@", 1)
            old, new = head.split(b" ")
            start, count = new.split(b",")
            lines[i] = b"@@ %s %s,%d @@%s" % (old, start, int(count) + grow, rest)
            break
    return b"".join(lines)


def in_added_line(diff: bytes, junk: bytes) -> bytes:
    lines = _lines(diff)
    for i, text in enumerate(lines):
        if text.startswith(b"+") and not text.startswith(b"+++"):
            lines[i] = text[:-1] + junk + b"\n"
            break
    return b"".join(lines)


def renamed_paths(diff: bytes, old: bytes, new: bytes) -> bytes:
    return diff.replace(b"a/" + old, b"a/" + new).replace(b"b/" + old, b"b/" + new)


def crlf_mixed(diff: bytes) -> bytes:
    lines = _lines(diff)
    context = [i for i, text in enumerate(lines) if text.startswith(b" ")]
    for i in context[:2]:
        lines[i] = lines[i][:-1] + b"\r\n"
    return b"".join(lines)


def huge_diff(megabytes: int) -> bytes:
    """A diff of ``megabytes`` MB: one hunk adding that much markup (valid except for its size)."""
    payload = "".join(f"<p>{i:08d} padding padding padding padding padding padding padding</p>\n"
                      for i in range(megabytes * 1024 * 1024 // 68))
    return edited(TEMPLATE, lambda text: text + payload)


def binary_patch(diff: bytes) -> bytes:
    header = diff.split(b"--- ", 1)[0]
    return header + b"GIT binary patch\nliteral 12\nTcmZQzU|?WkU|?WkU|?Wk00I2~\n\n"


def rename_patch() -> bytes:
    return (b"diff --git a/template.html.j2 b/card.html.j2\nsimilarity index 100%\n"
            b"rename from template.html.j2\nrename to card.html.j2\n")


# --- the corpus -------------------------------------------------------------------------------------------

def record_kinds() -> list[Kind]:
    """Lines the loader cannot turn into a customization."""
    ok = valid_diff("fine")
    return [
        Kind("line-not-json", "records", "a line that is not JSON", "<fleet.jsonl line 1>",
             (b"user_id=rec-not-json component=product-card",), blocked("load_problem", "input.not_json")),
        Kind("line-truncated-json", "records", "a JSON line cut off mid-object", "<fleet.jsonl line 2>",
             (line("rec-truncated", ok)[:80],), blocked("load_problem", "input.not_json")),
        Kind("line-json-array", "records", "a line that is JSON but not an object", "<fleet.jsonl line 3>",
             (b'["rec-array", "product-card"]',), blocked("load_problem", "input.not_json", "not an object")),
        Kind("line-nan", "records", "a number JSON does not have (NaN)", "<fleet.jsonl line 4>",
             (b'{"user_id": "rec-nan", "component": "product-card", "base_version": NaN, "diff": ""}',),
             blocked("load_problem", "input.not_json", "NaN")),
        Kind("line-not-utf8", "records", "a line in Latin-1, not UTF-8", "rec-latin1",
             (line("rec-latin1", "caf\u00e9").replace(b"\\u00e9", b"\xe9"),),
             blocked("load_problem", "input.encoding", "not UTF-8")),
        Kind("missing-keys", "records", "a record without diff and base_version", "rec-missing-keys",
             (json.dumps({"user_id": "rec-missing-keys", "component": COMPONENT}).encode(),),
             blocked("load_problem", "input.missing_key", "base_version, diff")),
        Kind("wrong-type-diff", "records", "a diff that is a number", "rec-diff-number",
             (line("rec-diff-number", 42),), blocked("load_problem", "input.bad_type", "diff must be text")),
        Kind("wrong-type-version", "records", "a base_version that is a list", "rec-version-list",
             (line("rec-version-list", ok, base=["1.2.0"]),),
             blocked("load_problem", "input.bad_type", "base_version must be a string")),
        Kind("wrong-type-user", "records", "a user_id that is a number", "<fleet.jsonl line 9>",
             (line(9, ok),), blocked("load_problem", "input.bad_type", "user_id must be a string")),
        Kind("extra-key", "records", "a record with an unknown key", "rec-extra-key",
             (line("rec-extra-key", ok, template="x"),), blocked("load_problem", "input.extra_key", "template")),
        Kind("duplicate-json-key", "records", "an object with the same key twice", "<fleet.jsonl line 11>",
             (b'{"user_id": "rec-dup-key", "user_id": "rec-other", "component": "product-card", '
              b'"base_version": null, "diff": ""}',), blocked("load_problem", "input.duplicate_key", "user_id")),
        Kind("bad-meta", "records", "meta.views_30d that is negative", "rec-bad-meta",
             (line("rec-bad-meta", ok, meta={"views_30d": -3}),), blocked("load_problem", "input.bad_meta")),
        Kind("duplicate-user-record", "records", "the same user and component twice (the first wins)",
             "rec-duplicate", (line("rec-duplicate", ok), line("rec-duplicate", valid_diff("second"))),
             blocked("load_problem", "input.duplicate", "the first one")),
    ]


def user_id_kinds() -> list[Kind]:
    ok = valid_diff("fine")
    return [
        Kind("user-id-traversal", "user ids", "user_id `../x`", "<fleet.jsonl line 15>",
             (line("../x", ok),), blocked("load_problem", "input.unsafe_name", "not a safe name")),
        Kind("user-id-script", "user ids", "user_id `<script>alert(1)</script>`", "<fleet.jsonl line 16>",
             (line("<script>alert(1)</script>", ok),), blocked("load_problem", "input.unsafe_name")),
        Kind("user-id-long", "user ids", "a user_id of 5,000 characters", "<fleet.jsonl line 17>",
             (line("u" * 5000, ok),), blocked("load_problem", "input.unsafe_name", "at most 128")),
        Kind("user-id-bidi", "user ids", "a user_id with a right-to-left override and a zero-width space",
             "<fleet.jsonl line 18>", (line("admin\u202e\u200bgpj.exe", ok),),
             blocked("load_problem", "input.unsafe_name")),
        Kind("component-traversal", "user ids", "component `../../etc`", "rec-component-path",
             (line("rec-component-path", ok, component="../../etc"),),
             blocked("load_problem", "input.unsafe_name", "component")),
    ]


def diff_kinds() -> list[Kind]:
    ok = valid_diff("fine")
    css_ok = styled(".card__title { letter-spacing: 0.01em; }")
    pack = default_packs()[COMPONENT]
    return [
        Kind("diff-empty", "diffs", "an empty diff", "diff-empty", (line("diff-empty", ""),),
             blocked("patch_failed", "patch.empty")),
        Kind("diff-prose", "diffs", "prose instead of a diff", "diff-prose",
             (line("diff-prose", "I changed the price colour to red, thanks!\n"),),
             blocked("patch_failed", "patch.not_unified")),
        Kind("diff-malformed-header", "diffs", "a broken hunk header", "diff-malformed",
             (line("diff-malformed", ok.replace(b"@@ -", b"@@ -x", 1)),), blocked("patch_failed", "patch.malformed")),
        Kind("diff-truncated-hunk", "diffs", "cut off inside a hunk", "diff-truncated-hunk",
             (line("diff-truncated-hunk", truncated_mid_hunk(css_ok)),), blocked("patch_failed", "patch.truncated")),
        Kind("diff-truncated-line", "diffs", "cut off in the middle of a line", "diff-truncated-line",
             (line("diff-truncated-line", truncated_mid_line(ok)),), blocked("patch_failed", "patch.truncated")),
        Kind("diff-counts-too-low", "diffs", "a hunk header that undercounts its lines", "diff-counts-low",
             (line("diff-counts-low", lying_counts(ok, -1)),), blocked("patch_failed", "patch.hunk_count")),
        Kind("diff-counts-too-high", "diffs", "a hunk header that overcounts its lines", "diff-counts-high",
             (line("diff-counts-high", lying_counts(ok, 2)),), blocked("patch_failed", "patch.truncated")),
        Kind("diff-wrong-component", "diffs", "a product-card diff recorded for the mini-cart",
             "diff-wrong-component", (line("diff-wrong-component", ok, component="mini-cart", base=None),),
             blocked("patch_failed", "patch.no_base")),
        Kind("diff-unknown-component", "diffs", "a component the platform does not have", "diff-unknown-component",
             (line("diff-unknown-component", ok, component="mega-menu"),),
             blocked("load_problem", "pack.unknown_component", "mega-menu")),
        Kind("diff-unknown-version", "diffs", "a base version never released", "diff-unknown-version",
             (line("diff-unknown-version", ok, base="9.9.9"),), blocked("patch_failed", "patch.unknown_version")),
        Kind("diff-wrong-version", "diffs", "a diff of the current version recorded against the first one",
             "diff-wrong-version", (line("diff-wrong-version", css_ok, base=next(iter(pack.versions))),),
             blocked("patch_failed", "patch.context_mismatch")),
        Kind("diff-binary", "diffs", "a GIT binary patch", "diff-binary",
             (line("diff-binary", binary_patch(ok)),), blocked("patch_failed", "patch.binary")),
        Kind("diff-binary-differ", "diffs", "`Binary files a/... and b/... differ`", "diff-binary-differ",
             (line("diff-binary-differ", b"Binary files a/template.html.j2 and b/template.html.j2 differ\n"),),
             blocked("patch_failed", "patch.binary")),
        Kind("diff-rename", "diffs", "a rename patch", "diff-rename", (line("diff-rename", rename_patch()),),
             blocked("patch_failed", "patch.rename")),
        Kind("diff-nul-byte", "diffs", "a NUL byte in an added line", "diff-nul",
             (line("diff-nul", in_added_line(ok, b"\x00")),), blocked("patch_failed", "patch.binary")),
        Kind("diff-not-utf8", "diffs", "Latin-1 bytes in an added line", "diff-latin1",
             (line("diff-latin1", in_added_line(ok, b" caf\xe9")),), blocked("patch_failed", "patch.encoding")),
        Kind("diff-crlf-mixed", "diffs", "CRLF and LF line ends mixed in one diff", "diff-crlf-mixed",
             (line("diff-crlf-mixed", crlf_mixed(css_ok)),), blocked("patch_failed", "patch.line_endings")),
        Kind("diff-10mb", "diffs", "a 10 MB diff", "diff-huge", (line("diff-huge", huge_diff(10)),),
             blocked("patch_failed", "patch.too_large", "MiB")),
        Kind("diff-path-dotdot", "diffs", "a path climbing out with `../`", "diff-dotdot",
             (line("diff-dotdot", renamed_paths(ok, b"template.html.j2", b"../../../etc/passwd")),),
             blocked("patch_failed", "patch.unsafe_path")),
        Kind("diff-path-absolute", "diffs", "an absolute path", "diff-absolute",
             (line("diff-absolute", b"--- /etc/passwd\n+++ /etc/passwd\n" + ok.split(b"+++ b/template.html.j2\n")[1]),),
             blocked("patch_failed", "patch.unsafe_path")),
        Kind("diff-new-file", "diffs", "a diff that creates a file", "diff-new-file",
             (line("diff-new-file", b"diff --git a/evil.py b/evil.py\nnew file mode 100644\n--- /dev/null\n"
                   b"+++ b/evil.py\n@@ -0,0 +1 @@\n+import os\n"),), blocked("patch_failed", "patch.file_added")),
    ]


def template_kinds(marker: Path) -> list[Kind]:
    """Template injection and runaway templates: refused before they run, or stopped by the budgets."""
    target = str(marker)
    return [
        Kind("ssti-mro", "templates", "`{{ ''.__class__.__mro__ }}`", "ssti-mro",
             (line("ssti-mro", inside_card("{{ ''.__class__.__mro__ }}")),),
             blocked("unsafe_template", "template.unsafe")),
        Kind("ssti-cycler-globals", "templates", "`cycler.__init__.__globals__.os.popen(...)`", "ssti-cycler",
             (line("ssti-cycler", inside_card("{{ cycler.__init__.__globals__.os.popen('id').read() }}")),),
             blocked("unsafe_template", "template.unsafe")),
        Kind("ssti-self", "templates", "`{{ self }}`", "ssti-self",
             (line("ssti-self", inside_card("{{ self }}")),), blocked("unsafe_template", "template.unsafe", "self")),
        Kind("ssti-attr-filter", "templates", "`|attr('__class__')`", "ssti-attr",
             (line("ssti-attr", inside_card("{{ product | attr('__class__') }}")),),
             blocked("unsafe_template", "template.unsafe", "attr")),
        Kind("ssti-read-passwd", "templates", "`{% include '/etc/passwd' %}`", "ssti-read-passwd",
             (line("ssti-read-passwd", inside_card("{% include '/etc/passwd' %}")),),
             not_eligible("evidence_missing", "template.not_found", "/etc/passwd")),
        Kind("ssti-write-marker", "templates", "open() a marker file for writing through `__builtins__`",
             "ssti-write-file", (line("ssti-write-file", inside_card(
                 "{{ lipsum.__globals__['__builtins__'].open('" + target + "', 'w').write('pwned') }}")),),
             blocked("unsafe_template", "template.unsafe")),
        Kind("ssti-built-name", "templates", "an attribute name built from strings at run time", "ssti-built",
             (line("ssti-built", inside_card("{% set u = '_' * 2 %}{{ product[u ~ 'class' ~ u] }}")),),
             blocked("unsafe_template", "template.unsafe")),
        Kind("template-endless-loop", "templates", "a loop of a billion iterations", "tpl-endless",
             (line("tpl-endless", inside_card("{% for i in range(1000000000) %}{{ i }}{% endfor %}")),),
             not_eligible("evidence_missing", "template.limit")),
        Kind("template-nested-loops", "templates", "nested loops that would run for hours", "tpl-slow",
             (line("tpl-slow", inside_card("{% for i in range(10000) %}{% for j in range(10000) %}"
                                           "{% endfor %}{% endfor %}")),),
             not_eligible("evidence_missing", "template.limit")),
        Kind("template-huge-output", "templates", "`{{ 'x' * 100000000 }}`", "tpl-huge-output",
             (line("tpl-huge-output", inside_card("{{ 'x' * 100000000 }}")),),
             not_eligible("evidence_missing", "template.limit")),
        Kind("template-syntax-error", "templates", "an unclosed `{% if %}`", "tpl-syntax",
             (line("tpl-syntax", inside_card("{% if product.available %}<b>in stock</b>")),),
             not_eligible("evidence_missing", "template.syntax")),
    ]


def browser_kinds(origin: str) -> list[Kind]:
    """Markup that tries to run script, leave the page, load from the network or overwhelm the browser."""
    def hostile(kind_id: str, what: str, user: str, diff: bytes, expect: Expect) -> Kind:
        return Kind(kind_id, "browser", what, user, (line(user, diff),), expect, hostile_markup=True)

    return [
        hostile("script-endless-loop", "`<script>while (true) {}</script>`", "js-loop",
                appended("<script>while (true) {}</script>"), blocked("translation_failed", "translate.script")),
        hostile("script-navigates", "`<script>location = ...</script>`", "js-location",
                appended(f"<script>location = '{origin}/navigated';</script>"),
                blocked("translation_failed", "translate.script")),
        hostile("script-window-open", "`<script>window.open(...)</script>`", "js-window-open",
                appended(f"<script>window.open('{origin}/popup');</script>"),
                blocked("translation_failed", "translate.script")),
        hostile("script-fetch", "`<script>fetch(...)</script>`", "js-fetch",
                appended(f"<script>fetch('{origin}/fetch');</script>"),
                blocked("translation_failed", "translate.script")),
        hostile("script-alert", "`<script>alert(1)</script>` and an `onerror` handler", "js-alert",
                inside_card('<img src="x" onerror="alert(1)"><script>alert(document.domain)</script>'),
                blocked("translation_failed", "translate.script")),
        hostile("img-network", "`<img src=http://...>`", "net-img",
                inside_card(f'<img class="tracker" src="{origin}/img.png" alt="">'), not_eligible("", "")),
        hostile("img-srcset-network", "`<img srcset=http://...>`", "net-srcset",
                inside_card(f'<img class="hero" srcset="{origin}/a.png 1x, {origin}/b.png 2x" alt="">'),
                not_eligible("", "")),
        hostile("css-url-network", "CSS `url(http://...)` in the stylesheet", "net-css-url",
                styled(f".product-card {{ background-image: url('{origin}/bg.png'); }}"), not_eligible("", "")),
        hostile("link-stylesheet-network", "`<link rel=stylesheet href=http://...>`", "net-link",
                inside_card(f'<link rel="stylesheet" href="{origin}/style.css">'), not_eligible("", "")),
        hostile("css-import-network", "CSS `@import url(http://...)`", "net-css-import",
                edited(STYLES, lambda text: f"@import url('{origin}/import.css');\n" + text),
                not_eligible("", "")),
        hostile("iframe-network", "`<iframe src=http://...>`", "net-iframe",
                inside_card(f'<iframe src="{origin}/frame.html" title="x"></iframe>'),
                blocked("translation_failed", "translate.script")),
        hostile("meta-refresh", "`<meta http-equiv=refresh content=0;url=http://...>`", "net-meta-refresh",
                inside_card(f'<meta http-equiv="refresh" content="0;url={origin}/refresh">'), not_eligible("", "")),
        hostile("dom-100k-nodes", "a loop emitting 100,000 elements", "dom-100k",
                inside_card("{% for i in range(100) %}{% for j in range(1000) %}<i></i>{% endfor %}{% endfor %}"),
                not_eligible("", "render.too_large")),
        hostile("dom-5000-deep", "elements nested 5,000 deep", "dom-deep",
                inside_card("<div>" * 5000 + "</div>" * 5000), not_eligible("", "render.too_deep")),
        hostile("attribute-gigantic", "an attribute value of 1,000,000 characters", "dom-huge-attr",
                inside_card("<span class=\"note\" title=\"{{ 'A' * 1000000 }}\">note</span>"), not_eligible("", "")),
        hostile("id-bidi-zero-width", "element ids with bidi overrides and zero-width characters", "dom-bidi-id",
                inside_card('<span id="price\u202e\u200b\u2066" class="note">\u202eevil\u200b</span>'),
                not_eligible("", "")),
    ]


def good_kinds() -> list[Kind]:
    """The well-formed users that share the run (their results must equal a run of just them)."""
    return [Kind(f"good-{user}", "well-formed", "a well-formed customization from the demo fleet",
                 GOOD_PREFIX + user, tuple(_demo_lines(user)), Expect(frozenset({"eligible", "review"}), "", ""))
            for user in GOOD_USERS]


def _demo_lines(user: str) -> Iterable[bytes]:
    for raw in DEMO_FLEET.read_bytes().splitlines():
        data = json.loads(raw)
        if data["user_id"] == user:
            data["user_id"] = GOOD_PREFIX + user
            yield json.dumps(data).encode("utf-8")


def all_kinds(origin: str, marker: Path) -> list[Kind]:
    return [*record_kinds(), *user_id_kinds(), *diff_kinds(), *template_kinds(marker), *browser_kinds(origin),
            *good_kinds()]


def write_fleet(kinds: Iterable[Kind], path: Path) -> Path:
    """One line per record, in corpus order (synthetic user ids name their line numbers, so the order is
    part of the corpus: :func:`check_line_numbers` proves it)."""
    path.write_bytes(b"".join(raw + b"\n" for kind in kinds for raw in kind.lines))
    return path


def check_line_numbers(kinds: Iterable[Kind]) -> None:
    number = 0
    for kind in kinds:
        first = number + 1
        number += len(kind.lines)
        if kind.user.startswith("<fleet.jsonl line"):
            assert kind.user == f"<{FLEET_FILE} line {first}>", (kind.id, first)
