"""The page cache (reports/pagecache.py): a warm report writes the bytes a cold one writes, and every input
a page shows is in its key (a changed result, fleet count, dashboard entry or threshold is a new page)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from harness.runner.outputs import write_outputs
from harness.runner.result import UserResult
from harness.store import StoreReader, StoreWriter
from harness.store.values import RunInfo
from reports import user_file_names
from reports.build import write_reports
from reports.caseview import Thresholds
from reports.pagecache import (
    CACHE_MARK,
    RUN_MARK,
    PageCache,
    fill_frame,
    is_frame,
    page_fingerprints,
    page_key,
)
from reports.pages import user_frame
from reports.synthetic import write_synthetic_store

OUTPUTS = ("index.html", "manifest.json", "manifest.csv", "results.json", "junit.xml", "plan.json", "plan.csv")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_store(tmp_path_factory.mktemp("report-cache"), 12, hostile=True)


def _copy(store_dir: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(store_dir / "results.sqlite", target / "results.sqlite")
    return target


def _files(run_dir: Path) -> dict[str, bytes]:
    names = [*OUTPUTS, *(f"users/{p.name}" for p in sorted((run_dir / "users").glob("*.html")))]
    return {name: (run_dir / name).read_bytes() for name in names if (run_dir / name).is_file()}


def test_a_warm_report_writes_the_bytes_a_cold_one_writes(store_dir: Path, tmp_path: Path) -> None:
    plain = _copy(store_dir, tmp_path / "plain")
    write_outputs(plain, page_cache=None)
    cache = tmp_path / "cache"
    cold, warm = _copy(store_dir, tmp_path / "cold"), _copy(store_dir, tmp_path / "warm")
    write_outputs(cold, page_cache=cache)
    frames = sorted((cache / "reports").rglob("*.html"))
    write_outputs(warm, page_cache=cache)
    expected = _files(plain)
    assert len([n for n in expected if n.startswith("users/")]) == 13
    assert _files(cold) == expected
    assert _files(warm) == expected
    assert sorted((cache / "reports").rglob("*.html")) == frames  # nothing new: every page was a hit


def test_hits_and_misses_are_counted(store_dir: Path, tmp_path: Path) -> None:
    cache = PageCache.at(tmp_path / "cache")
    write_reports(_copy(store_dir, tmp_path / "a"), page_cache=cache)
    assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (0, 13, 13)
    write_reports(_copy(store_dir, tmp_path / "b"), page_cache=cache)
    assert (cache.stats.hits, cache.stats.misses) == (13, 13)


def test_the_run_line_and_the_cache_fact_are_filled_per_run(store_dir: Path, tmp_path: Path) -> None:
    with StoreReader.open(store_dir) as store:
        run = store.run()
        _raw, result = next(iter(store.results_json()))
        result = store.attach_documents(result)
    frame = user_frame(result, Thresholds(0.95, 0.8), shared={}, dashboard_fingerprints=())
    assert frame.count(RUN_MARK) == 1
    assert frame.count(CACHE_MARK) == 1
    data = frame.encode()
    assert is_frame(data)
    other = dataclasses.replace(run, source="another <fleet>", started_at="2030-01-01T00:00:00+00:00")
    page = fill_frame(data, other, from_cache=True).decode()
    assert "another &lt;fleet&gt; · run complete · started 2030-01-01T00:00:00+00:00" in page
    assert "<b>Result:</b> from the result cache" in page
    assert "from the result cache" not in fill_frame(data, other, from_cache=False).decode()
    assert RUN_MARK not in page
    assert CACHE_MARK not in page


def _with_a_difference(store_dir: Path) -> tuple[bytes, UserResult, str]:
    """A stored user with a noticeable difference: its JSON, its result and that difference's fingerprint."""
    with StoreReader.open(store_dir) as store:
        for raw, result in store.results_json():
            noticeable = [m.fingerprint for c in result.components for case in c.cases for m in case.noticeable]
            if noticeable:
                return raw, store.attach_documents(result), noticeable[0]
    raise AssertionError("the synthetic fleet has no user with a noticeable difference")


def test_every_input_the_page_shows_changes_its_key(store_dir: Path) -> None:
    raw, result, fp = _with_a_difference(store_dir)
    assert fp in page_fingerprints(result)
    t = Thresholds(0.95, 0.8)
    base = page_key(raw, result, t, {fp: 3}, frozenset({fp}))
    assert page_key(raw, result, t, {fp: 3}, frozenset({fp})) == base
    changed = {
        "a fleet count": page_key(raw, result, t, {fp: 4}, frozenset({fp})),
        "a dashboard entry": page_key(raw, result, t, {fp: 3}, frozenset()),
        "a threshold": page_key(raw, result, Thresholds(0.9, 0.8), {fp: 3}, frozenset({fp})),
        "the result": page_key(raw + b" ", result, t, {fp: 3}, frozenset({fp})),
    }
    assert all(key != base for key in changed.values()), changed
    # a count of a difference the page does not show is not an input
    assert page_key(raw, result, t, {fp: 3, "not-on-this-page": 9}, frozenset({fp})) == base


def test_a_changed_fleet_count_renders_a_new_page(store_dir: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = _copy(store_dir, tmp_path / "first")
    write_reports(first, page_cache=PageCache.at(cache_dir))
    _, result, fp = _with_a_difference(first)
    # another user now shows the same differences: the fleet counts on this user's page change
    second = _copy(store_dir, tmp_path / "second")
    writer = StoreWriter.create(second)
    try:
        writer.put(dataclasses.replace(result, user_id="zz-twin"))
    finally:
        writer.close()
    cache = PageCache.at(cache_dir)
    write_reports(second, page_cache=cache)
    assert cache.stats.misses >= 2  # the twin's page and this user's page
    with StoreReader.open(second) as store:
        users = {f.fingerprint: f.users for f in store.fingerprints()}
    name = user_file_names([result.user_id])[result.user_id]
    before, after = (first / "users" / name).read_text(), (second / "users" / name).read_text()
    assert f"<b>{users[fp]} users</b>" in after
    assert before != after
    plain = _copy(store_dir, tmp_path / "plain")
    writer = StoreWriter.create(plain)
    try:
        writer.put(dataclasses.replace(result, user_id="zz-twin"))
    finally:
        writer.close()
    write_reports(plain)
    assert (plain / "users" / name).read_bytes() == (second / "users" / name).read_bytes()


def test_a_frame_without_its_marks_is_never_served(tmp_path: Path) -> None:
    cache = PageCache.at(tmp_path)
    assert not cache.put("ab" * 32, b"<html>no marks</html>")
    path = tmp_path / "reports" / "v1" / "ab" / f"{'ab' * 32}.html"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"<html>tampered</html>")
    assert cache.get("ab" * 32) is None


def test_the_run_records_its_cache_for_the_reports(tmp_path: Path) -> None:
    info = RunInfo(source="s", source_spec="s", source_digest="d", settings={}, settings_hash="h",
                   harness_version="v", code_digest="c", cache_dir=str(tmp_path))
    assert RunInfo.from_dict(json.loads(json.dumps(info.to_dict()))).cache_dir == str(tmp_path)
