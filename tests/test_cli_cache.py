"""phoenix cache info|prune|clear: sizes per part, pruning by age, never a run directory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from harness.cli import main
from harness.runner.cachedir import cache_usage, parse_age, prune_cache

DAY = 86_400.0


def _file(root: Path, relative: str, *, age_days: float, size: int = 10) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    stamp = time.time() - age_days * DAY
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    root = tmp_path / "cache"
    _file(root, "results/v1/ab/old.json.z", age_days=40, size=100)
    _file(root, "results/v1/cd/new.json.z", age_days=1, size=200)
    _file(root, "documents/ef/old.z", age_days=31, size=300)
    _file(root, "reports/12/page.html", age_days=2, size=400)
    _file(root, "runs/demo-1/index.html", age_days=400, size=500)  # a run directory: never touched
    return root


def test_usage_counts_files_bytes_and_the_oldest_age_per_part(cache: Path) -> None:
    usage = {u.part: u for u in cache_usage(cache)}
    assert (usage["results"].files, usage["results"].bytes) == (2, 300)
    assert usage["results"].oldest_s == pytest.approx(40 * DAY, abs=60)
    assert (usage["documents"].files, usage["screenshots"].files, usage["reports"].files) == (1, 0, 1)
    assert usage["screenshots"].oldest_s is None


def test_prune_removes_only_old_cache_files_and_their_empty_folders(cache: Path) -> None:
    pruned = prune_cache(cache, older_than_s=30 * DAY)
    assert (pruned.files, pruned.bytes) == (2, 400)
    assert not (cache / "results/v1/ab").exists(), "an emptied folder goes too"
    assert (cache / "results/v1/cd/new.json.z").is_file()
    assert (cache / "reports/12/page.html").is_file()
    assert (cache / "runs/demo-1/index.html").is_file(), "run directories are not the cache's"


def test_clear_removes_every_cache_file_but_not_runs(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "clear", "--cache-dir", str(cache)]) == 0
    assert "removed 4 files" in capsys.readouterr().out
    assert sum(u.files for u in cache_usage(cache)) == 0
    assert (cache / "runs/demo-1/index.html").is_file()


def test_info_prints_each_part(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "info", "--cache-dir", str(cache)]) == 0
    out = capsys.readouterr().out
    assert str(cache) in out
    assert all(part in out for part in ("results", "documents", "screenshots", "reports"))


@pytest.mark.parametrize(("text", "seconds"), [("30d", 30 * DAY), ("12h", 12 * 3600.0), ("45m", 2700.0),
                                                ("90s", 90.0), ("2", 2 * DAY)], ids=["days", "hours", "minutes",
                                                                                     "seconds", "bare-days"])
def test_ages_parse(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-3d", "d", "nan"], ids=["word", "negative", "no-number", "nan"])
def test_a_bad_age_is_a_usage_error_naming_the_fix(cache: Path, text: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "prune", f"--older-than={text}", "--cache-dir", str(cache)]) == 2
    assert "30d, 12h, 45m" in capsys.readouterr().err
    assert sum(u.files for u in cache_usage(cache)) == 4, "nothing removed"


def test_a_pruned_cache_is_a_miss_then_a_hit_again(tmp_path: Path) -> None:
    from harness.runner.cache import ResultCache
    from harness.runner.pipeline import check_user
    from tests.test_runner_support import context, customization, extra_element_diff, record

    result = check_user([customization(record("u1", extra_element_diff()))], context(), input_key="k" * 64)
    cache = ResultCache.at(tmp_path)
    assert cache.put(result)
    assert cache.get_entry(result.input_key) is not None
    for path in (tmp_path / "documents").rglob("*.z"):  # only the documents are old
        os.utime(path, (0, 0))
    assert prune_cache(tmp_path, older_than_s=30 * DAY).files >= 1
    assert cache.get_entry(result.input_key) is None, "a result whose document was pruned is a miss"
    assert cache.put(result)
    assert cache.get_entry(result.input_key) is not None, "the next run fills it again"
