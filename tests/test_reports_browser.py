"""The reports in Chromium: a real run's dashboard and user pages, a 10,000-user dashboard, the compare
viewer by keyboard, and a hostile user whose payloads must not run (with the page's CSP and without it).

Screenshots of a user report and of the dashboard go to ``$PHOENIX_ARTIFACTS`` (or a temporary folder);
their paths are printed.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Request, Route

from harness.cli import main
from harness.render import BrowserPool
from harness.render.browser import LAUNCH_ARGS, find_browser
from harness.render.pool import _playwright
from harness.settings import Settings
from harness.store import StoreReader
from harness.store.values import FingerprintCount, RunInfo
from reports import user_file_names, write_reports
from reports.caseview import Thresholds
from reports.escape import inert_html
from reports.fleet import fleet_view, summarize_user
from reports.pages import dashboard_page
from reports.synthetic import HOSTILE_ID, mismatch_pool, synthetic_user, write_synthetic_store

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "fleets" / "demo.jsonl"
DEMO_USERS = ("u00002", "u00003", "u00005", "u00010", "u00013", "u00017")
FAST_SETTINGS = 'viewports = ["390x844", "1280x800"]\nscenarios = ["default", "no-image", "on-sale", "empty"]\n'


@pytest.fixture(scope="session")
def report_browser(browser_pool: BrowserPool) -> Iterator[Browser]:
    """A Chromium with JavaScript on (the pool's pages have it off), on the session's Playwright driver."""
    location = find_browser()
    browser = _playwright().chromium.launch(
        executable_path=str(location.executable) if location.executable else None, args=list(LAUNCH_ARGS))
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class Opened:
    page: Page
    errors: list[str] = field(default_factory=list)     # console errors and uncaught exceptions
    requests: list[str] = field(default_factory=list)   # anything requested that is not the report itself
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def opened(browser: Browser, path: Path, *, bypass_csp: bool = False, width: int = 1280) -> Iterator[Opened]:
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    seen = Opened(page)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    def on_request(request: Request) -> None:
        if not request.url.startswith(("file://", "data:", "about:")):
            seen.requests.append(request.url)

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def refuse(route: Route) -> None:
        route.abort("blockedbyclient")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.on("request", on_request)
    page.on("dialog", on_dialog)
    page.route(re.compile(r"^https?://"), refuse)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    try:
        yield seen
    finally:
        context.close()


def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("PHOENIX_ARTIFACTS") or tmp_path_factory.getbasetemp() / "report-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- a real run: phoenix run on a few users of the demo fleet ------------------------------------------

@pytest.fixture(scope="session")
def real_run(tmp_path_factory: pytest.TempPathFactory, report_browser: Browser) -> Path:
    root = tmp_path_factory.mktemp("real-run")
    (root / "phoenix.toml").write_text(FAST_SETTINGS)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("PHOENIX_CACHE_DIR", str(root / "cache"))
        users = [arg for user in DEMO_USERS for arg in ("--user", user)]
        assert main(["run", str(DEMO), "--out", "run", "-n", "0", "--no-cache", *users]) == 0
    return root / "run"


def test_the_dashboard_of_a_real_run(real_run: Path, report_browser: Browser) -> None:
    with StoreReader.open(real_run) as store:
        counts, ids = store.counts(), store.user_ids()
    with opened(report_browser, real_run / "index.html") as seen:
        page = seen.page
        assert page.locator("h1").first.inner_text() == f"{len(ids)} users checked"
        for status in ("eligible", "review", "blocked"):
            assert page.locator(f"a.tile.s-{status} .n").inner_text() == str(counts[status])
        assert page.locator("#targets ~ table tbody tr").count() == 3
        assert page.locator("#users-table tbody tr").count() == len(ids)
        links = page.locator("#users-table tbody a").evaluate_all("links => links.map(a => a.href)")
        assert all(Path(link.removeprefix("file://")).is_file() for link in links)
        assert page.get_by_role("link", name="manifest.json").count() == 1
        assert (seen.errors, seen.requests, seen.dialogs) == ([], [], [])


def test_every_user_report_of_a_real_run_puts_the_verdict_first(real_run: Path, report_browser: Browser) -> None:
    with StoreReader.open(real_run) as store:
        results = {r.user_id: r for r in store.results()}
    names = user_file_names(results)
    for user_id, result in results.items():
        with opened(report_browser, real_run / "users" / names[user_id]) as seen:
            page = seen.page
            heading = page.locator("h1").first
            words = {"eligible": "Eligible", "review": "Needs review", "blocked": "Blocked",
                     "error": "Not decided"}[result.status]
            assert heading.inner_text().split(" ", 1)[1].startswith(words)  # after the icon: the verdict
            assert page.locator(".verdict .who code").inner_text() == user_id
            assert page.locator(".todo li").count() >= 1
            assert page.locator("section.component").count() == len(result.components)
            frames = page.locator("details.case[open] iframe")
            for i in range(frames.count()):
                frame = frames.nth(i)
                assert frame.get_attribute("sandbox") == ""
                assert "Content-Security-Policy" in (frame.get_attribute("srcdoc") or "")
            assert (seen.errors, seen.requests, seen.dialogs) == ([], [], []), user_id


def test_renders_share_documents_across_viewports_and_show_the_stored_page(real_run: Path,
                                                                           report_browser: Browser) -> None:
    with StoreReader.open(real_run) as store:
        result = store.attach_documents(store.user("u00003"))
    page_file = real_run / "users" / user_file_names(["u00003"])["u00003"]
    data = re.search(r'id="phx-docs">(.*?)</script>', page_file.read_text(), re.S)
    assert data is not None
    docs = json.loads(data.group(1))["docs"]
    assert set(docs) == result.document_keys()  # each stored document once, whatever the viewports
    case = result.components[0].cases[0]
    assert case.old_document != case.new_document
    assert "d" in docs[case.new_document or ""]  # stored as edits of the old one
    with opened(report_browser, page_file) as seen:
        page = seen.page
        page.locator("#case-0-0").evaluate("d => d.open = true")
        for side, digest in (("old", case.old_document), ("new", case.new_document)):
            stored = result.documents[digest or ""]
            body = page.frame_locator(f"#case-0-0 .pane-{side} iframe").locator("body")
            text = "[b.querySelectorAll('*').length, b.textContent.replace(/\\s+/g, ' ').trim()]"
            expected = page.evaluate(f"html => {{ const b = new DOMParser().parseFromString(html, 'text/html').body;"
                                     f" return {text}; }}", stored.html)
            assert body.evaluate(f"b => {text}") == expected, side


def test_the_compare_viewer_works_by_keyboard(real_run: Path, report_browser: Browser) -> None:
    page_file = real_run / "users" / user_file_names(["u00003"])["u00003"]
    with opened(report_browser, page_file) as seen:
        page = seen.page
        case = page.locator("details.case").first
        if case.get_attribute("open") is None:
            case.locator("summary").focus()
            page.keyboard.press("Enter")
        stage = case.locator(".stage")
        case.get_by_role("radio", name="Side by side").focus()
        page.keyboard.press("ArrowRight")
        assert case.get_by_role("radio", name="Overlay").is_checked()
        assert "m-overlay" in (stage.get_attribute("class") or "")
        slider = case.get_by_role("slider", name="Migrated page opacity")
        assert slider.is_visible()
        slider.focus()
        page.keyboard.press("ArrowRight")
        assert stage.evaluate("s => s.style.getPropertyValue('--op')") == "0.51"
        case.get_by_role("radio", name="Overlay").focus()
        page.keyboard.press("ArrowRight")
        assert "m-diff" in (stage.get_attribute("class") or "")
        assert not slider.is_visible()
        outline = case.get_by_role("checkbox", name="Outline the differences")
        outline.focus()
        page.keyboard.press("Space")
        assert not outline.is_checked()
        assert seen.errors == []


def test_documents_stored_as_edits_are_rebuilt_exactly_in_the_page(tmp_path: Path, report_browser: Browser) -> None:
    write_synthetic_store(tmp_path, 12, seed=3)
    write_reports(tmp_path)
    checked = 0
    with StoreReader.open(tmp_path) as store:
        for stored in store.results():
            result = store.attach_documents(stored)
            page_file = tmp_path / "users" / user_file_names([result.user_id])[result.user_id]
            with opened(report_browser, page_file) as seen:
                for i, comp in enumerate(result.components):
                    for k, case in enumerate(comp.cases):
                        if case.new_document in (None, case.old_document):
                            continue
                        seen.page.locator(f"#case-{i}-{k}").evaluate("d => d.open = true")
                        frame = seen.page.frame_locator(f"#case-{i}-{k} .pane-new iframe").locator("body")
                        html = inert_html(result.documents[case.new_document or ""].html)
                        expected = seen.page.evaluate("html => new DOMParser().parseFromString(html, 'text/html')"
                                                      ".body.innerHTML.trim()", html)
                        assert frame.evaluate("b => b.innerHTML.trim()") == expected
                        checked += 1
                assert seen.errors == []
    assert checked > 0


# --- the hostile user: nothing it carries may run -----------------------------------------------------

@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("hostile-run")
    write_synthetic_store(run_dir, 3, hostile=True)
    write_reports(run_dir)
    return run_dir


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_a_hostile_users_payloads_never_run(hostile_run: Path, report_browser: Browser, bypass_csp: bool) -> None:
    page_file = hostile_run / "users" / user_file_names([HOSTILE_ID])[HOSTILE_ID]
    for path in (page_file, hostile_run / "index.html"):
        with opened(report_browser, path, bypass_csp=bypass_csp) as seen:
            page = seen.page
            page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
            page.wait_for_timeout(200)
            assert page.evaluate("() => window.__pwned") is None
            assert page.title() == (f"Needs review: {HOSTILE_ID} · Phoenix migration check" if path == page_file
                                    else "Phoenix migration check: 4 users")
            for frame in page.frames[1:]:
                assert frame.url == "about:srcdoc"
            assert (seen.errors, seen.requests, seen.dialogs) == ([], [], []), path.name
            if path == page_file:
                text = page.locator("main").inner_text()
                assert "<script>window.__pwned=1" in text
                assert "{{ 7*7 }}" in text


# --- scale: the dashboard of 10,000 users ---------------------------------------------------------------

@pytest.fixture(scope="module")
def big_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dashboard of 10,000 users cloned from 60 synthetic ones (the user pages are not written)."""
    rng = random.Random(11)
    pool, thresholds = mismatch_pool(rng), Thresholds()
    seeds = [summarize_user(synthetic_user(f"seed{i}", rng, pool, Settings()), "x", thresholds) for i in range(60)]
    summaries = [replace(seeds[i % 60], user_id=f"u{i:05d}", file=f"u{i:05d}.html") for i in range(10_000)]
    counts = Counter(fp for s in summaries for fp in s.fingerprints)
    fingerprints = [FingerprintCount(fp, n, n, "text", "span.badge", f"difference {fp}")
                    for fp, n in counts.most_common()]
    run = RunInfo("synthetic", "synthetic", "d", Settings().model_dump(mode="json"), "h", "v", "c",
                  status="complete", expected_users=10_000)
    folder = tmp_path_factory.mktemp("big-dashboard")
    (folder / "index.html").write_text(dashboard_page(fleet_view(summaries, run, thresholds, fingerprints, None), run))
    return folder / "index.html"


def _choose(page: Page, select: str, prefix: str) -> None:
    """Select the option whose text starts with ``prefix`` (option texts carry counts: "Blocked (120)")."""
    value = page.locator(f"{select} option").evaluate_all(
        "(options, prefix) => options.find(o => o.textContent.startsWith(prefix)).value", prefix)
    page.locator(select).select_option(value)


def _shown(page: Page) -> int:
    match = re.search(r"of (\d+) users", page.locator("#count").inner_text())
    return int(match.group(1)) if match else 0


def test_the_users_table_searches_filters_sorts_and_pages_10000_users(big_dashboard: Path,
                                                                      report_browser: Browser) -> None:
    with opened(report_browser, big_dashboard) as seen:
        page = seen.page
        assert _shown(page) == 10_000
        assert page.locator("#users-table tbody tr").count() == 50
        page.locator("#q").fill("u09999")
        page.wait_for_function("() => document.querySelectorAll('#users-table tbody tr').length === 1")
        assert page.locator("#users-table tbody tr td").first.inner_text() == "u09999"
        page.locator("#q").fill("")
        page.wait_for_function("() => document.querySelectorAll('#users-table tbody tr').length === 50")
        _choose(page, "#f-status", "Blocked")
        blocked = _shown(page)
        assert 0 < blocked < 10_000
        assert set(page.locator("#users-table tbody .pill").all_inner_texts()) == {"Blocked"}
        page.locator("#f-status").select_option("")
        _choose(page, "#f-component", "product-card")
        assert all("product-card" in t for t in page.locator("#users-table tbody td:nth-child(4)").all_inner_texts())
        page.locator("#f-component").select_option("")
        _choose(page, "#f-reason", "grey_zone")
        grey = _shown(page)
        page.locator("#f-reason").select_option("")
        score_header = page.locator("th[data-key='3'] button")
        score_header.click()
        scores = [float(t) for t in page.locator("#users-table tbody td:nth-child(3)").all_inner_texts()
                  if t != "no score"]
        assert scores == sorted(scores)
        assert page.locator("th[data-key='3']").get_attribute("aria-sort") == "ascending"
        score_header.click()
        top = page.locator("#users-table tbody td:nth-child(3)").all_inner_texts()
        assert top[0] in ("no score", "1.000")
        page.locator("#next").click()
        assert page.locator("#page").inner_text() == "Page 2 of 200"
        page.locator("button.show-fp").first.click()
        fp_users = _shown(page)
        assert 2 <= fp_users < 10_000
        assert page.locator("#f-fp").is_visible()
        page.locator("#f-fp-clear").click()
        assert _shown(page) == 10_000
        assert grey > 0
        assert (seen.errors, seen.requests) == ([], [])


# --- screenshots ---------------------------------------------------------------------------------------

def test_screenshots_of_a_user_report_and_the_dashboard(real_run: Path, report_browser: Browser,
                                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = artifacts(tmp_path_factory)
    shots = []
    for name, path in (("dashboard", real_run / "index.html"),
                       ("user-report", real_run / "users" / user_file_names(["u00005"])["u00005"])):
        with opened(report_browser, path) as seen:
            seen.page.wait_for_timeout(300)
            target = folder / f"{name}.png"
            seen.page.screenshot(path=str(target), full_page=True)
            shots.append(target)
            assert seen.errors == []
    for shot in shots:
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
