"""The bad-input corpus: one user per kind of damage or hostility, in one JSON Lines fleet.

Every :class:`Kind` is a user (or, when the line cannot name its user, the synthetic ``<fleet.jsonl line
N>`` user the loader makes of it) with the raw line(s) that produce it and what the harness must conclude:
the verdict, the rule that decides, and a reason carrying the error code and words. Kinds that need another
source (an empty file, a folder, a SQL table) live in :mod:`tests.reliability.sources`.

Customizations that try to reach the network point at ``origin`` (a local HTTP server the tests run and
count hits on); ``marker`` is a file a template injection would write if it could escape the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.runner.result import UserResult
from harness.verdicts import Reason
from tests.reliability.build import (
    COMPONENT,
    STYLES,
    absolute_paths,
    appended,
    binary_patch,
    crlf_mixed,
    edited,
    first_version,
    huge_diff,
    in_added_line,
    inside_card,
    line,
    lying_counts,
    new_file_patch,
    rename_patch,
    renamed_paths,
    styled,
    truncated_mid_hunk,
    truncated_mid_line,
    valid_diff,
)

FLEET_FILE = "fleet.jsonl"
DEMO_FLEET = Path(__file__).resolve().parents[2] / "fixtures" / "fleets" / "demo.jsonl"
# Well-formed users of the demo fleet (eligible and review, one to three components) that share the run.
GOOD_USERS = ("u00003", "u00005", "u00009", "u00013", "u00018", "u00028", "u00036")
GOOD_PREFIX = "good-"
WELL_FORMED = "well-formed"


@dataclass(frozen=True)
class Expect:
    """What the harness must conclude: ``status``, decided by ``rule``; some reason of the user carries
    ``code`` (its ``detail["error_code"]``, else the reason's own code) and says ``words``."""

    status: str
    rule: str
    code: str
    words: str = ""


@dataclass(frozen=True)
class Kind:
    id: str                 # readable test id
    group: str              # records | user ids | diffs | templates | browser | reports | well-formed
    what: str               # one line for people (docs/reliability.md)
    user: str               # the user id the result is stored under
    lines: tuple[bytes, ...]
    expect: Expect | None   # None: a well-formed user, compared with a clean run of the well-formed alone
    hostile_markup: bool = False  # its content tries to reach the network or run script (reports opened)


def blocked(rule: str, code: str, words: str = "") -> Expect:
    return Expect("blocked", rule, code, words)


def review(rule: str, code: str, words: str = "") -> Expect:
    return Expect("review", rule, code, words)


def eligible() -> Expect:
    return Expect("eligible", "eligible", "eligible", "renders the same after migration")


def reason_code(reason: Reason) -> str:
    """The code a reason is known by: the error behind it when it names one, else the rule's own code."""
    return str(reason.detail.get("error_code") or reason.code)


def matching_reason(expect: Expect, result: UserResult) -> Reason | None:
    """The first reason of ``result`` with the expected code and words (None: there is none)."""
    for reason in result.verdict.reasons:
        if reason_code(reason) == expect.code and expect.words in reason.message:
            return reason
    return None


def _unreadable(code: str, words: str) -> Expect:
    return blocked("load_problem", code, words)


# --- records and user ids ---------------------------------------------------------------------------------

def record_kinds() -> list[Kind]:
    """Lines the loader cannot turn into a customization."""
    ok = valid_diff("fine")
    return [
        Kind("line-not-json", "records", "a line that is not JSON", "<fleet.jsonl line 1>",
             (b"user_id=rec-not-json component=product-card",), _unreadable("input.not_json", "not valid JSON")),
        Kind("line-truncated-json", "records", "a JSON line cut off mid-object", "<fleet.jsonl line 2>",
             (line("rec-truncated", ok)[:80],), _unreadable("input.not_json", "not valid JSON")),
        Kind("line-json-array", "records", "a line that is JSON but not an object", "<fleet.jsonl line 3>",
             (b'["rec-array", "product-card"]',), _unreadable("input.not_json", "not an object")),
        Kind("line-nan", "records", "a number JSON does not have (NaN)", "<fleet.jsonl line 4>",
             (b'{"user_id": "rec-nan", "component": "product-card", "base_version": NaN, "diff": ""}',),
             _unreadable("input.not_json", "NaN")),
        Kind("line-not-utf8", "records", "a line in Latin-1, not UTF-8", "rec-latin1",
             (line("rec-latin1", "caf\u00e9").replace(b"\\u00e9", b"\xe9"),),
             _unreadable("input.encoding", "not UTF-8")),
        Kind("missing-keys", "records", "a record without diff and base_version", "rec-missing-keys",
             (json.dumps({"user_id": "rec-missing-keys", "component": COMPONENT}).encode(),),
             _unreadable("input.missing_key", "base_version, diff")),
        Kind("wrong-type-diff", "records", "a diff that is a number", "rec-diff-number",
             (line("rec-diff-number", 42),), _unreadable("input.bad_type", "diff must be text")),
        Kind("wrong-type-version", "records", "a base_version that is a list", "rec-version-list",
             (line("rec-version-list", ok, base=["1.2.0"]),),
             _unreadable("input.bad_type", "base_version must be a string")),
        Kind("wrong-type-user", "records", "a user_id that is a number", "<fleet.jsonl line 9>",
             (line(9, ok),), _unreadable("input.bad_type", "user_id must be a string")),
        Kind("extra-key", "records", "a record with an unknown key", "rec-extra-key",
             (line("rec-extra-key", ok, template="x"),), _unreadable("input.extra_key", "template")),
        Kind("duplicate-json-key", "records", "an object with the same key twice", "<fleet.jsonl line 11>",
             (b'{"user_id": "rec-dup-key", "user_id": "rec-other", "component": "product-card", '
              b'"base_version": null, "diff": ""}',), _unreadable("input.duplicate_key", "user_id")),
        Kind("bad-meta", "records", "meta.views_30d that is negative", "rec-bad-meta",
             (line("rec-bad-meta", ok, meta={"views_30d": -3}),), _unreadable("input.bad_meta", "views_30d")),
        Kind("duplicate-user-record", "records", "the same user and component twice (the first wins)",
             "rec-duplicate", (line("rec-duplicate", ok), line("rec-duplicate", valid_diff("second"))),
             _unreadable("input.duplicate", "the first one")),
    ]


def user_id_kinds() -> list[Kind]:
    ok = valid_diff("fine")
    return [
        Kind("user-id-traversal", "user ids", "user_id `../x`", "<fleet.jsonl line 15>",
             (line("../x", ok),), _unreadable("input.unsafe_name", "not a safe name")),
        Kind("user-id-script", "user ids", "user_id `<script>alert(1)</script>`", "<fleet.jsonl line 16>",
             (line("<script>alert(1)</script>", ok),), _unreadable("input.unsafe_name", "not a safe name"),
             hostile_markup=True),
        Kind("user-id-long", "user ids", "a user_id of 5,000 characters", "<fleet.jsonl line 17>",
             (line("u" * 5000, ok),), _unreadable("input.unsafe_name", "not a safe name")),
        Kind("user-id-bidi", "user ids", "a user_id with a right-to-left override and a zero-width space",
             "<fleet.jsonl line 18>", (line("admin\u202e\u200bgpj.exe", ok),),
             _unreadable("input.unsafe_name", "not a safe name")),
        Kind("component-traversal", "user ids", "component `../../etc`", "rec-component-path",
             (line("rec-component-path", ok, component="../../etc"),),
             _unreadable("input.unsafe_name", "component '../../etc' is not a safe name")),
    ]


# --- diffs ------------------------------------------------------------------------------------------------

def _refused(code: str, words: str) -> Expect:
    return blocked("patch_failed", code, words)


def diff_kinds() -> list[Kind]:
    ok = valid_diff("fine")
    css_ok = styled(".card__title { letter-spacing: 0.01em; }")

    def kind(kind_id: str, what: str, user: str, raw: bytes, expect: Expect) -> Kind:
        return Kind(kind_id, "diffs", what, user, (raw,), expect)

    return [
        kind("diff-empty", "an empty diff", "diff-empty", line("diff-empty", ""),
             _refused("patch.empty", "the diff is empty")),
        kind("diff-prose", "prose instead of a diff", "diff-prose",
             line("diff-prose", "I changed the price colour to red, thanks!\n"),
             _refused("patch.not_unified", "not a unified diff")),
        kind("diff-malformed-header", "a broken hunk header", "diff-malformed",
             line("diff-malformed", ok.replace(b"@@ -", b"@@ -x", 1)), _refused("patch.malformed", "hunk header")),
        kind("diff-truncated-hunk", "cut off inside a hunk", "diff-truncated-hunk",
             line("diff-truncated-hunk", truncated_mid_hunk(css_ok)), _refused("patch.truncated", "ends inside hunk")),
        kind("diff-truncated-line", "cut off in the middle of a line", "diff-truncated-line",
             line("diff-truncated-line", truncated_mid_line(ok)),
             _refused("patch.truncated", "ends in the middle of diff line")),
        kind("diff-counts-too-low", "a hunk header that undercounts its lines", "diff-counts-low",
             line("diff-counts-low", lying_counts(ok, -1)), _refused("patch.hunk_count", "announces")),
        kind("diff-counts-too-high", "a hunk header that overcounts its lines", "diff-counts-high",
             line("diff-counts-high", lying_counts(ok, 2)), _refused("patch.truncated", "ends inside hunk")),
        kind("diff-wrong-component", "a product-card diff recorded for the mini-cart (no base version)",
             "diff-wrong-component", line("diff-wrong-component", ok, component="mini-cart", base=None),
             _refused("patch.no_base", "no base version")),
        kind("diff-unknown-component", "a component the platform does not have", "diff-unknown-component",
             line("diff-unknown-component", ok, component="mega-menu"),
             blocked("load_problem", "pack.unknown_component", "mega-menu")),
        kind("diff-unknown-version", "a base version never released", "diff-unknown-version",
             line("diff-unknown-version", ok, base="9.9.9"), _refused("patch.unknown_version", "9.9.9")),
        # Not refused: the strict applier finds the lines one line off and rebases; a person confirms.
        kind("diff-wrong-version", "a diff of the current version recorded against the first one",
             "diff-wrong-version", line("diff-wrong-version", css_ok, base=first_version()),
             review("patch_needs_confirmation", "patch_needs_confirmation", "should confirm")),
        kind("diff-binary", "a GIT binary patch", "diff-binary", line("diff-binary", binary_patch(ok)),
             _refused("patch.binary", "binary patch")),
        kind("diff-binary-differ", "`Binary files a/... and b/... differ`", "diff-binary-differ",
             line("diff-binary-differ", b"Binary files a/template.html.j2 and b/template.html.j2 differ\n"),
             _refused("patch.binary", "binary patch")),
        kind("diff-rename", "a rename patch", "diff-rename", line("diff-rename", rename_patch()),
             _refused("patch.rename", "renames or copies")),
        kind("diff-nul-byte", "a NUL byte in an added line", "diff-nul",
             line("diff-nul", in_added_line(ok, b"\x00")), _refused("patch.binary", "NUL byte")),
        kind("diff-not-utf8", "Latin-1 bytes in an added line", "diff-latin1",
             line("diff-latin1", in_added_line(ok, b" caf\xe9")), _refused("patch.encoding", "not valid UTF-8")),
        kind("diff-crlf-mixed", "CRLF and LF line ends mixed in one diff", "diff-crlf-mixed",
             line("diff-crlf-mixed", crlf_mixed(css_ok)), _refused("patch.line_endings", "line endings")),
        kind("diff-10mb", "a 10 MB diff", "diff-huge", line("diff-huge", huge_diff(10)),
             _refused("patch.too_large", "over the limit")),
        kind("diff-path-dotdot", "a path climbing out with `../`", "diff-dotdot",
             line("diff-dotdot", renamed_paths(ok, b"template.html.j2", b"../../../etc/passwd")),
             _refused("patch.unsafe_path", "climbs out")),
        kind("diff-path-absolute", "an absolute path", "diff-absolute", line("diff-absolute", absolute_paths(ok)),
             _refused("patch.unsafe_path", "absolute")),
        kind("diff-new-file", "a diff that creates a file", "diff-new-file", line("diff-new-file", new_file_patch()),
             _refused("patch.file_added", "creates a file")),
    ]


# --- templates, browser, reports --------------------------------------------------------------------------

def _unsafe(words: str) -> Expect:
    return blocked("unsafe_template", "template.unsafe", words)


def _no_evidence(code: str) -> Expect:
    """Both pages fail to render: nothing to compare, so a person looks (never eligible)."""
    return review("evidence_missing", code, "fail to render")


def template_kinds(marker: Path) -> list[Kind]:
    """Template injection and runaway templates: refused before they run, or stopped by the budgets."""
    target = str(marker)

    def kind(kind_id: str, what: str, user: str, markup: str, expect: Expect) -> Kind:
        return Kind(kind_id, "templates", what, user, (line(user, inside_card(markup)),), expect,
                    hostile_markup=True)

    return [
        kind("ssti-mro", "`{{ ''.__class__.__mro__ }}`", "ssti-mro", "{{ ''.__class__.__mro__ }}",
             _unsafe("'__mro__'")),
        kind("ssti-cycler-globals", "`cycler.__init__.__globals__.os.popen(...)`", "ssti-cycler",
             "{{ cycler.__init__.__globals__.os.popen('id').read() }}", _unsafe("'__globals__'")),
        kind("ssti-self", "`{{ self }}`", "ssti-self", "{{ self }}", _unsafe("'self'")),
        kind("ssti-attr-filter", "`|attr('__class__')`", "ssti-attr", "{{ product | attr('__class__') }}",
             _unsafe("'attr'")),
        kind("ssti-read-passwd", "`{% include '/etc/passwd' %}`", "ssti-read-passwd",
             "{% include '/etc/passwd' %}", _no_evidence("template.missing")),
        kind("ssti-write-marker", "open() a marker file for writing through `__builtins__`", "ssti-write-file",
             "{{ lipsum.__globals__['__builtins__'].open('" + target + "', 'w').write('pwned') }}",
             _unsafe("'__builtins__'")),
        kind("ssti-built-name", "an attribute name built from strings at run time", "ssti-built",
             "{% set u = '_' * 2 %}{{ product[u ~ 'class' ~ u] }}", _unsafe("built from strings")),
        kind("template-endless-loop", "a loop of a billion iterations", "tpl-endless",
             "{% for i in range(1000000000) %}{{ i }}{% endfor %}", _no_evidence("template.limit")),
        kind("template-nested-loops", "nested loops that would run for hours", "tpl-slow",
             "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
             _no_evidence("template.limit")),
        kind("template-huge-output", "`{{ 'x' * 100000000 }}`", "tpl-huge-output", "{{ 'x' * 100000000 }}",
             _no_evidence("template.limit")),
        kind("template-syntax-error", "an unclosed `{% if %}`", "tpl-syntax",
             "{% if product.available %}<b>in stock</b>",
             blocked("translation_failed", "translate.failed", "does not parse")),
    ]


_SCRIPT = blocked("translation_failed", "translate.failed", "Scripts are not migrated")
_RAW = review("raw_used", "raw_used", "kept as raw template code")


def browser_kinds(origin: str) -> list[Kind]:
    """Markup that tries to run script, leave the page, load from the network or overwhelm the browser."""
    def hostile(kind_id: str, what: str, user: str, diff: bytes, expect: Expect) -> Kind:
        return Kind(kind_id, "browser", what, user, (line(user, diff),), expect, hostile_markup=True)

    return [
        hostile("script-endless-loop", "`<script>while (true) {}</script>`", "js-loop",
                appended("<script>while (true) {}</script>"), _SCRIPT),
        hostile("script-navigates", "`<script>location = ...</script>`", "js-location",
                appended(f"<script>location = '{origin}/navigated';</script>"), _SCRIPT),
        hostile("script-window-open", "`<script>window.open(...)</script>`", "js-window-open",
                appended(f"<script>window.open('{origin}/popup');</script>"), _SCRIPT),
        hostile("script-fetch", "`<script>fetch(...)</script>`", "js-fetch",
                appended(f"<script>fetch('{origin}/fetch');</script>"), _SCRIPT),
        hostile("script-alert", "`<script>alert(1)</script>` and an `onerror` handler", "js-alert",
                inside_card('<img src="x" onerror="alert(1)"><script>alert(document.domain)</script>'), _SCRIPT),
        hostile("script-pwned", "a script and an `onload` handler that set `window.__pwned` and the title",
                "js-payload", inside_card(f"<script>window.__pwned = 1; document.title = 'pwned'; fetch('{origin}/"
                                        "report')</script><svg onload=\"window.__pwned = 2\"></svg>"), _SCRIPT),
        hostile("img-network", "`<img src=http://...>`", "net-img",
                inside_card(f'<img class="tracker" src="{origin}/img.png" alt="">'), _RAW),
        hostile("img-srcset-network", "`<img srcset=http://...>`", "net-srcset",
                inside_card(f'<img class="hero" srcset="{origin}/a.png 1x, {origin}/b.png 2x" alt="">'), _RAW),
        hostile("css-url-network", "CSS `url(http://...)` in the stylesheet", "net-css-url",
                styled(f".product-card {{ background-image: url('{origin}/bg.png'); }}"),
                blocked("translation_failed", "translate.failed", "loads a resource")),
        hostile("link-stylesheet-network", "`<link rel=stylesheet href=http://...>`", "net-link",
                inside_card(f'<link rel="stylesheet" href="{origin}/style.css">'), _RAW),
        hostile("css-import-network", "CSS `@import url(http://...)`", "net-css-import",
                edited(STYLES, lambda text: f"@import url('{origin}/import.css');\n" + text),
                blocked("translation_failed", "translate.failed", "@import")),
        hostile("iframe-network", "`<iframe src=http://...>`", "net-iframe",
                inside_card(f'<iframe src="{origin}/frame.html" title="x"></iframe>'),
                blocked("translation_failed", "translate.failed", "<iframe>")),
        hostile("meta-refresh", "`<meta http-equiv=refresh content=0;url=http://...>`", "net-meta-refresh",
                inside_card(f'<meta http-equiv="refresh" content="0;url={origin}/refresh">'), _RAW),
        hostile("dom-100k-nodes", "a loop emitting 100,000 elements", "dom-100k",
                inside_card("{% for i in range(100) %}{% for j in range(1000) %}<i></i>{% endfor %}{% endfor %}"),
                _no_evidence("render.too_large")),
        hostile("dom-5000-deep", "elements nested 5,000 deep", "dom-deep",
                inside_card("<div>" * 5000 + "</div>" * 5000),
                blocked("input_too_deep", "input.too_deep", "nests too deeply")),
        # The page is the same after migration: a huge or odd attribute is not a reason to hold a user back.
        hostile("attribute-gigantic", "an attribute value of 1,000,000 characters", "dom-huge-attr",
                inside_card("<span class=\"note\" title=\"{{ 'A' * 1000000 }}\">note</span>"), eligible()),
        hostile("id-bidi-zero-width", "element ids with bidi overrides and zero-width characters", "dom-bidi-id",
                inside_card('<span id="price\u202e\u200b\u2066" class="note">\u202eevil\u200b</span>'), eligible()),
    ]


def report_kinds() -> list[Kind]:
    """Payloads aimed at the reports: markup that breaks out of the report's script data or stylesheet,
    and markup in the record's metadata (shown in every user report)."""
    def hostile(kind_id: str, what: str, user: str, raw: bytes, expect: Expect) -> Kind:
        return Kind(kind_id, "reports", what, user, (raw,), expect, hostile_markup=True)

    meta = {"plan": "<img src=x onerror=\"window.__pwned = 5\">",
            "tags": ["</script><script>window.__pwned = 6</script>", "<!--<script>"]}
    return [
        hostile("script-data-breakout", "`</script><script>...` and `<!--<script>` in the template", "rep-script",
                line("rep-script", inside_card("</script><script>window.__pwned = 3</script><!--<script>")),
                blocked("translation_failed", "translate.failed", "could not be turned into slot settings")),
        hostile("style-breakout", "`</style><script>...` in the stylesheet", "rep-style",
                line("rep-style", styled("/* </style><script>window.__pwned = 4</script> */")), eligible()),
        hostile("meta-markup", "HTML and `</script>` in the record's meta (plan, tags)", "rep-meta",
                line("rep-meta", valid_diff("meta"), meta=meta), eligible()),
    ]


def good_kinds() -> list[Kind]:
    """The well-formed users that share the run (their results must equal a run of just them)."""
    return [Kind(f"good-{user}", WELL_FORMED, "a well-formed customization from the demo fleet",
                 GOOD_PREFIX + user, tuple(_demo_lines(user)), None) for user in GOOD_USERS]


def _demo_lines(user: str) -> Iterator[bytes]:
    for raw in DEMO_FLEET.read_bytes().splitlines():
        data = json.loads(raw)
        if data["user_id"] == user:
            data["user_id"] = GOOD_PREFIX + user
            yield json.dumps(data).encode("utf-8")


def all_kinds(origin: str, marker: Path) -> list[Kind]:
    return [*record_kinds(), *user_id_kinds(), *diff_kinds(), *template_kinds(marker), *browser_kinds(origin),
            *report_kinds(), *good_kinds()]


def write_fleet(kinds: Iterable[Kind], path: Path) -> Path:
    """One line per record, in corpus order (synthetic user ids name their line numbers, so the order is
    part of the corpus: :func:`line_number_errors` proves it)."""
    path.write_bytes(b"".join(raw + b"\n" for kind in kinds for raw in kind.lines))
    return path


def line_number_errors(kinds: Iterable[Kind], file_name: str = FLEET_FILE) -> list[str]:
    """Kinds whose synthetic user id does not name the line their first record is written on."""
    errors, number = [], 0
    for kind in kinds:
        first = number + 1
        number += len(kind.lines)
        if kind.user.startswith(f"<{file_name} line") and kind.user != f"<{file_name} line {first}>":
            errors.append(f"{kind.id}: {kind.user} is written on line {first}")
    return errors
