"""The pytest plugin, run with pytester: outcomes per verdict, -n 0 and -n 2 agree, usage errors say the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.store import StoreReader
from tests.test_runner_support import TRANSLATOR, invisible_diff, record, small_fleet, write_fleet

pytest_plugins = ("pytester",)

FAST_SETTINGS = 'viewports = ["390x844"]\nscenarios = ["default", "on-sale"]\n'


@pytest.fixture
def fleet(pytester: pytest.Pytester) -> Path:
    (pytester.path / "phoenix.toml").write_text(FAST_SETTINGS)
    return write_fleet(pytester.path / "fleet.jsonl", small_fleet())


EXPECTED = {"passed": 1, "failed": 3, "errors": 1, "review": 1}


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    cache = () if "--phoenix-no-cache" in args else ("--phoenix-cache-dir", str(pytester.path / "cache"))
    return pytester.runpytest("--phoenix-source", "fleet.jsonl", "--phoenix-translator", TRANSLATOR, *cache,
                              "-p", "no:cacheprovider", *args)


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    """Every category of the summary line, the custom ``review`` one included."""
    return {k: v for k, v in result.parseoutcomes().items() if k not in ("seconds",)}


def stored(run_dir: Path) -> dict[str, dict[str, object]]:
    with StoreReader.open(run_dir) as store:
        return {r.user_id: r.comparable() for r in store.results()}


@pytest.mark.browser
def test_outcomes_follow_verdicts_and_workers_do_not_change_results(pytester: pytest.Pytester, fleet: Path) -> None:
    single = run(pytester, "-n", "0", "-v", "--phoenix-out", "single", "--phoenix-no-cache")
    assert outcomes(single) == EXPECTED
    single.stdout.fnmatch_lines(["*fleet.jsonl::u-blocked-unsafe BLOCKED*", "*fleet.jsonl::u-eligible ELIGIBLE*",
                                 "*fleet.jsonl::u-review REVIEW*",
                                 "*Blocked: the customized product-card template reaches for things*",
                                 "*phoenix: 6 of 6 users: 1 eligible, 1 review, 3 blocked, 1 error*"])
    double = run(pytester, "-n", "2", "--phoenix-out", "double", "--phoenix-no-cache")
    assert outcomes(double) == EXPECTED
    assert stored(pytester.path / "single") == stored(pytester.path / "double"), "results do not depend on workers"
    with StoreReader.open(pytester.path / "double") as store:
        info = store.run()
    assert (info.status, info.workers) == ("complete", 2)
    assert set(info.worker_stats) == {"gw0", "gw1"}
    assert sum(int(s["users"]) for s in info.worker_stats.values()) == 6
    results = json.loads((pytester.path / "double" / "results.json").read_text())
    assert results["totals"] == {"users": 6, "eligible": 1, "review": 1, "blocked": 3, "error": 1, "cached": 0}


@pytest.mark.browser
def test_cache_hits_skip_the_browser_and_give_the_same_results(pytester: pytest.Pytester, fleet: Path) -> None:
    assert outcomes(run(pytester, "--phoenix-out", "cold")) == EXPECTED
    assert outcomes(run(pytester, "--phoenix-out", "warm", "-n", "2")) == EXPECTED
    with StoreReader.open(pytester.path / "warm") as store:
        stats = store.run().worker_stats
        cached = store.cached_count()
    assert cached == 5, "every user but the harness error came from the cache"
    assert sum(int(s["cached"]) for s in stats.values()) == 5
    assert sum(int(s["renders"]) for s in stats.values()) == 0, "the erroring user fails before rendering"
    assert sum(int(s["launches"]) for s in stats.values()) == 0, "no browser was started"
    assert stored(pytester.path / "cold") == stored(pytester.path / "warm")


@pytest.mark.browser
def test_shard_and_user_selection(pytester: pytest.Pytester, fleet: Path) -> None:
    users: set[str] = set()
    for k in (1, 2):
        result = run(pytester, "--phoenix-shard", f"{k}/2", "--phoenix-out", f"s{k}", "--collect-only", "-q")
        users |= {line.split("::")[-1] for line in result.outlines if "fleet.jsonl::" in line}
    assert users == {row["user_id"] for row in small_fleet()}
    one = run(pytester, "--phoenix-user", "u-eligible", "--phoenix-out", "one")
    one.assert_outcomes(passed=1)


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--phoenix-resume"], "*--phoenix-resume needs the run directory*--phoenix-out RUN_DIR*", id="resume"),
    pytest.param(["--phoenix-shard", "3/2"], "*--phoenix-shard '3/2' is not k/n*like --phoenix-shard 2/4*", id="shard"),
    pytest.param(["--phoenix-viewports", "wide"], "*viewport 'wide' is not WIDTHxHEIGHT*", id="viewport"),
    pytest.param(["--phoenix-component", "hero"], "*--component hero is not a known component*", id="component"),
    pytest.param(["--phoenix-translator", "nowhere:translate"], "*translator module 'nowhere' cannot be imported*",
                 id="translator"),
])
def test_usage_errors_say_how_to_fix_them(pytester: pytest.Pytester, fleet: Path, args: list[str],
                                          message: str) -> None:
    result = run(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_a_missing_source_and_options_without_a_source(pytester: pytest.Pytester) -> None:
    missing = pytester.runpytest("--phoenix-source", "nowhere.jsonl")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stderr.fnmatch_lines(["*nowhere.jsonl does not exist*"])
    alone = pytester.runpytest("--phoenix-out", "run")
    assert alone.ret == pytest.ExitCode.USAGE_ERROR
    alone.stderr.fnmatch_lines(["*--phoenix-out needs --phoenix-source SOURCE*"])


@pytest.mark.slow
def test_a_crashed_worker_is_that_users_error_and_a_run_problem(pytester: pytest.Pytester) -> None:
    rows = [record("u-crash", invisible_diff("EXIT")),
            {"user_id": "u-unreadable", "component": "product-card", "base_version": None}]
    write_fleet(pytester.path / "fleet.jsonl", rows)  # neither user needs a browser before the crash
    result = pytester.runpytest("--phoenix-source", "fleet.jsonl", "--phoenix-out", "run", "--phoenix-no-cache",
                                "--phoenix-translator", "tests.test_runner_support:exiting_translate", "-n", "2",
                                "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    with StoreReader.open(pytester.path / "run") as store:
        crashed = store.user("u-crash")
        assert store.user("u-unreadable").status == "blocked", "the other user was checked"
        problems = store.run().problems
    assert crashed.status == "error"
    assert crashed.error is not None
    assert crashed.error.code == "harness.worker_crashed"
    assert any("crashed" in p for p in problems)


def test_without_a_source_the_plugin_stays_out_of_the_way(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_ok():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)
