"""Issue 9, isolation: nothing a customization carries gets out of the renderer, the sandbox or the reports.

Hostile kinds of the corpus point at a local HTTP server (``runs.OriginServer``) through img, srcset, CSS
url() and @import, <link>, fetch, iframe, meta refresh, window.open and location=; template injections try
to read /etc/passwd and write a marker file. After the corpus run (and after its reports were opened) the
server has counted zero requests, the store records what the renderer refused, no file was written, no
passwd content is stored, and no report runs user content. Then docs/reliability.md is written from it all.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.runner.result import UserResult
from harness.store import StoreReader
from reports import user_file_names
from tests.reliability.corpus import Kind, matching_reason, reason_code
from tests.reliability.fleets import EVERY, KINDS
from tests.reliability.markdown import DOC, REGENERATE, Isolation, Row, render
from tests.reliability.pages import check_pages
from tests.reliability.runs import RunRecord, hits, shared_value

pytestmark = pytest.mark.browser

Results = Callable[[RunRecord], dict[str, UserResult]]
PORT = "http://127.0.0.1:PORT"
DASHBOARD = "index.html"
HOSTILE = [kind for kind in KINDS if kind.hostile_markup]
# kind id → the path its markup or stylesheet loads from the origin (the renderer must refuse and record it)
LOADS = {"img-network": "/img.png", "img-srcset-network": "/a.png", "css-url-network": "/bg.png",
         "link-stylesheet-network": "/style.css", "css-import-network": "/import.css",
         "iframe-network": "/frame.html"}
# kind id → the script payload in its page (JavaScript is off in the renderer: it must never run)
SCRIPTS = {"script-navigates": "/navigated", "script-window-open": "/popup", "script-fetch": "/fetch",
           "script-pwned": "/report"}
PASSWD = Path("/etc/passwd")


def _kind(kind_id: str) -> Kind:
    return next(k for k in KINDS if k.id == kind_id)


@pytest.fixture(scope="session")
def report_pages(reliability_root: Path, corpus_run: RunRecord) -> dict[str, dict[str, Any]]:
    """The report of every hostile user and the dashboard, opened once per session: path → PageCheck."""
    def compute() -> dict[str, dict[str, Any]]:
        with StoreReader.open(corpus_run.run_dir) as store:
            names = user_file_names(store.user_ids())
        paths = [f"users/{names[kind.user]}" for kind in HOSTILE] + [DASHBOARD]
        return {check.path: check.as_dict() for check in check_pages(corpus_run.run_dir, paths)}

    value = shared_value(reliability_root, "report-pages", compute)
    assert isinstance(value, dict)
    return value


def page_of(kind: Kind, run: RunRecord) -> str:
    with StoreReader.open(run.run_dir) as store:
        return f"users/{user_file_names(store.user_ids())[kind.user]}"


def origin_requests(result: UserResult, origin: str) -> set[tuple[str, str]]:
    """(side, URL) of every request to ``origin`` the renderer refused for this user."""
    return {(side, url) for comp in result.components for case in comp.cases
            for side, urls in case.blocked_requests.items() for url in urls if url.startswith(origin)}


def test_no_request_ever_reached_the_local_server(corpus_run: RunRecord,
                                                  report_pages: dict[str, dict[str, Any]]) -> None:
    assert len(report_pages) == len(HOSTILE) + 1, "the reports were opened before counting"
    assert hits(Path(corpus_run.extra["hits"])) == []


@pytest.mark.parametrize("kind_id", sorted(LOADS))
def test_the_store_records_every_request_the_renderer_refused(kind_id: str, corpus_run: RunRecord,
                                                              stored: Results) -> None:
    origin = corpus_run.extra["origin"]
    refused = origin_requests(stored(corpus_run)[_kind(kind_id).user], origin)
    assert ("old", origin + LOADS[kind_id]) in refused, refused


@pytest.mark.parametrize("kind_id", sorted(SCRIPTS))
def test_scripts_were_in_the_rendered_page_and_never_ran(kind_id: str, corpus_run: RunRecord,
                                                         stored: Results) -> None:
    origin = corpus_run.extra["origin"]
    result = stored(corpus_run)[_kind(kind_id).user]
    with StoreReader.open(corpus_run.run_dir) as store:
        documents = store.attach_documents(result).documents
    rendered = [doc.html for doc in documents.values()]
    assert any(origin + SCRIPTS[kind_id] in html for html in rendered), "the payload was rendered"
    assert hits(Path(corpus_run.extra["hits"])) == []


def every_run(corpus_run: RunRecord, clean_run: RunRecord, source_runs: dict[str, RunRecord]) -> list[RunRecord]:
    return [corpus_run, clean_run, *source_runs.values()]


def stored_text(run: RunRecord) -> Iterator[tuple[str, str]]:
    """(where, text) of every stored document and every file the run wrote but the store itself."""
    with StoreReader.open(run.run_dir) as store:
        for result in store.results():
            for digest, doc in store.attach_documents(result).documents.items():
                yield f"document {digest[:12]}", doc.html + doc.css
    for path in run.run_dir.rglob("*"):
        if path.is_file() and not path.name.startswith("results.sqlite"):
            yield str(path.relative_to(run.run_dir)), path.read_text("utf-8", "replace")


def passwd_lines() -> list[str]:
    lines = [ln for ln in PASSWD.read_text().splitlines() if ln.count(":") >= 6] if PASSWD.is_file() else []
    return lines or ["root:x:0:0:root:/root:/bin/bash"]


def passwd_found(runs: list[RunRecord]) -> list[str]:
    secret = passwd_lines()
    return [f"{run.folder}: {where}" for run in runs for where, text in stored_text(run)
            if any(line in text for line in secret)]


def test_template_injection_reads_and_writes_nothing(corpus_run: RunRecord, clean_run: RunRecord,
                                                     source_runs: dict[str, RunRecord]) -> None:
    assert not Path(corpus_run.extra["marker"]).exists(), "a template wrote the marker file"
    assert passwd_found(every_run(corpus_run, clean_run, source_runs)) == []


@pytest.mark.parametrize("kind", [*HOSTILE, None], ids=[*(k.id for k in HOSTILE), "dashboard"])
def test_no_report_runs_user_content(kind: Kind | None, corpus_run: RunRecord,
                                     report_pages: dict[str, dict[str, Any]]) -> None:
    seen = report_pages[DASHBOARD if kind is None else page_of(kind, corpus_run)]
    assert (seen["dialogs"], seen["errors"], seen["requests"], seen["pwned"]) == ([], [], [], None)
    assert "pwned" not in seen["title"]
    if kind is None:
        assert seen["title"] == f"Phoenix migration check: {len(KINDS)} users"
    else:
        assert seen["title"].endswith(f"{kind.user} · Phoenix migration check"), seen["title"]
    assert set(seen["frames"]) <= {"about:srcdoc", "about:blank"}  # renders, and frames they hold (no URL)


# --- docs/reliability.md ---------------------------------------------------------------------------------

def table_rows(corpus_run: RunRecord, source_runs: dict[str, RunRecord], stored: Results) -> list[Row]:
    origin, marker = corpus_run.extra["origin"], corpus_run.extra["marker"]
    rows = []
    for kind in EVERY:
        run = source_runs.get(kind.group, corpus_run)
        result = stored(run)[kind.user]
        reason = (matching_reason(kind.expect, result) if kind.expect else None) or result.verdict.reasons[0]
        message = reason.message.replace(origin, PORT).replace(marker, "MARKER")
        rows.append(Row(kind.group, kind.what, kind.user, result.status, result.verdict.rule, reason_code(reason),
                        message))
    return rows


def isolation(corpus_run: RunRecord, clean_run: RunRecord, source_runs: dict[str, RunRecord], stored: Results,
              pages: dict[str, dict[str, Any]]) -> Isolation:
    origin = corpus_run.extra["origin"]
    refused = sum(len(origin_requests(result, origin)) for result in stored(corpus_run).values())
    seen = list(pages.values())
    return Isolation(
        hits=len(hits(Path(corpus_run.extra["hits"]))), blocked=refused,
        marker_present=Path(corpus_run.extra["marker"]).exists(), pages=len(seen),
        dialogs=sum(len(p["dialogs"]) for p in seen), errors=sum(len(p["errors"]) for p in seen),
        requests=sum(len(p["requests"]) for p in seen), pwned=sum(p["pwned"] is not None for p in seen),
        passwd_found=len(passwd_found(every_run(corpus_run, clean_run, source_runs))))


def test_docs_reliability_md_is_generated_from_the_results(corpus_run: RunRecord, clean_run: RunRecord,
                                                           source_runs: dict[str, RunRecord], stored: Results,
                                                           report_pages: dict[str, dict[str, Any]],
                                                           update_goldens: bool) -> None:
    facts = isolation(corpus_run, clean_run, source_runs, stored, report_pages)
    text = render(table_rows(corpus_run, source_runs, stored), facts)
    assert "127.0.0.1:" + corpus_run.extra["origin"].rsplit(":", 1)[1] not in text, "no port in the document"
    assert corpus_run.folder not in text, "no temporary path in the document"
    path = Path(__file__).resolve().parents[2] / DOC
    if update_goldens:
        path.write_text(text)
    committed = path.read_text() if path.is_file() else ""
    if committed != text:
        diff = "\n".join(difflib.unified_diff(committed.splitlines(), text.splitlines(), DOC, "generated",
                                              lineterm="", n=1))
        pytest.fail(f"{DOC} differs from what the results give; regenerate it with `{REGENERATE}`:\n"
                    f"{diff[:4000]}", pytrace=False)
