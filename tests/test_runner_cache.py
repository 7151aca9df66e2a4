"""The result cache: hits give back the same result and documents; errors and broken entries are misses."""

from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from harness.runner.cache import ResultCache, default_cache_dir, rebind_entry
from harness.runner.pipeline import check_user
from harness.runner.result import UserResult
from harness.store import StoreWriter
from tests.test_runner_support import context, crash_diff, customization, extra_element_diff, record, run_info


@pytest.fixture(scope="module")
def result() -> UserResult:
    return check_user([customization(record("u1", extra_element_diff()))], context(), input_key="k" * 64)


def test_a_hit_returns_the_result_and_its_documents(tmp_path: Path, result: UserResult) -> None:
    cache = ResultCache.at(tmp_path)
    assert cache.get(result.input_key) is None
    assert cache.put(result)
    hit = cache.get(result.input_key)
    assert hit == result
    assert hit is not None
    assert hit.documents == result.documents
    assert hit.documents
    assert (cache.stats.hits, cache.stats.misses, cache.stats.writes) == (1, 1, 1)


def test_a_harness_error_is_never_cached(tmp_path: Path) -> None:
    failed = check_user([customization(record("u2", crash_diff()))], context(), input_key="e" * 64)
    assert failed.status == "error"
    cache = ResultCache.at(tmp_path)
    assert not cache.put(failed)
    assert failed.input_key not in cache


def test_a_broken_or_foreign_entry_is_a_miss(tmp_path: Path, result: UserResult) -> None:
    cache = ResultCache.at(tmp_path)
    cache.put(result)
    path = cache._path(result.input_key)
    path.write_bytes(b"not gzip")
    assert cache.get(result.input_key) is None
    path.write_bytes(zlib.compress(b"{}"))
    assert cache.get(result.input_key) is None
    cache.put(replace(result, input_key="f" * 64))
    path.write_bytes(cache._path("f" * 64).read_bytes())  # another key's entry under this name
    assert cache.get(result.input_key) is None


def test_an_entry_whose_document_is_gone_is_a_miss(tmp_path: Path, result: UserResult) -> None:
    cache = ResultCache.at(tmp_path)
    cache.put(result)
    next(iter((tmp_path / "documents").rglob("*.z"))).unlink()
    assert cache.get_entry(result.input_key) is None


def test_an_entry_moves_into_a_store_as_bytes(tmp_path: Path, result: UserResult) -> None:
    cache = ResultCache.at(tmp_path / "cache")
    cache.put(result)
    entry = cache.get_entry(result.input_key)
    assert entry is not None
    assert set(entry.documents) == result.document_keys()
    records = [replace(customization(record("u1", extra_element_diff())), source="moved.jsonl:3")]
    assert rebind_entry(entry, [customization(record("u1", extra_element_diff()))], result.input_key).blob \
        == entry.blob, "nothing changed, nothing is re-encoded"
    moved = rebind_entry(entry, records, result.input_key)
    with StoreWriter.create(tmp_path / "run") as store:
        store.start(run_info())
        store.put_entry(moved, from_cache=True)
        stored = store.attach_documents(store.user("u1"))
        assert store.cached_count() == 1
    assert stored == result.rebound(records, result.input_key)
    assert stored.documents == result.documents


def test_rebound_takes_the_current_sources_and_truth(result: UserResult) -> None:
    moved = customization(record("u1", extra_element_diff(), truth="review"))
    moved = replace(moved, source="elsewhere.jsonl:7")
    again = result.rebound([moved], "n" * 64)
    assert again.components[0].source == "elsewhere.jsonl:7"
    assert again.truth == {"product-card": {"user_verdict": "review"}}
    assert again.input_key == "n" * 64
    assert again.verdict == result.verdict


def test_the_default_directory_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PHOENIX_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "phoenix"
    monkeypatch.setenv("PHOENIX_CACHE_DIR", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x"
