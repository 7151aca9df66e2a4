"""phoenix gate: 0 passed, 1 failed (rules, baseline regressions), 2 usage, 3 a run that cannot be trusted."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from harness.cli import main
from harness.runner.result import UserResult
from tests.test_runner_support import fake_results, write_store


@pytest.fixture(scope="module")
def results() -> list[UserResult]:
    """Eligible, not eligible (review or blocked), blocked, error: built by the real pipeline."""
    return fake_results(("u1", "u2", "u3", "u4"))


def clean(results: list[UserResult]) -> list[UserResult]:
    return [r for r in results if r.status != "error"]


def gate(*args: object) -> int:
    return main(["gate", *map(str, args)])


def test_a_complete_run_without_rules_passes(tmp_path: Path, results: list[UserResult]) -> None:
    assert gate(write_store(tmp_path, clean(results))) == 0


@pytest.mark.parametrize(("option", "value", "code"), [
    pytest.param("--min-eligible-rate", "0.3", 0, id="rate-met"),
    pytest.param("--min-eligible-rate", "0.5", 1, id="rate-missed"),
    pytest.param("--max-blocked", "5", 0, id="blocked-within"),
    pytest.param("--max-blocked", "0", 1, id="blocked-over"),
])
def test_rules(tmp_path: Path, results: list[UserResult], option: str, value: str, code: int) -> None:
    run = write_store(tmp_path, clean(results))  # 1 eligible of 3
    assert gate(run, option, value) == code


def test_a_user_who_lost_eligible_fails_and_is_named(tmp_path: Path, results: list[UserResult],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    eligible = next(r for r in results if r.status == "eligible")
    blocked = next(r for r in results if r.status == "blocked")
    baseline = write_store(tmp_path / "base", [eligible])
    now = write_store(tmp_path / "now", [replace(blocked, user_id=eligible.user_id)])
    assert gate(now, "--baseline", baseline) == 1
    out = capsys.readouterr().out
    assert f"no longer eligible: {eligible.user_id} is now blocked" in out
    same = write_store(tmp_path / "same", [eligible])
    assert gate(same, "--baseline", baseline) == 0


def test_users_missing_from_the_run_are_noted_not_failed(tmp_path: Path, results: list[UserResult],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    eligible = next(r for r in results if r.status == "eligible")
    baseline = write_store(tmp_path / "base", [eligible])
    now = write_store(tmp_path / "now", [r for r in clean(results) if r is not eligible])
    assert gate(now, "--baseline", baseline, "--json") == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["notes"]
    assert eligible.user_id in decision["notes"][0]


@pytest.mark.parametrize("status", ["interrupted", "running", "failed", "partial"])
def test_an_unfinished_run_cannot_pass(tmp_path: Path, results: list[UserResult], status: str) -> None:
    run = write_store(tmp_path, clean(results), status=status)  # type: ignore[arg-type]
    assert gate(run) == 3
    assert gate(run, "--max-blocked", "0") == 3, "an unfinished run proves nothing either way"


def test_harness_errors_and_crashed_workers_cannot_pass(tmp_path: Path, results: list[UserResult]) -> None:
    assert any(r.status == "error" for r in results)
    assert gate(write_store(tmp_path / "errors", results)) == 3
    assert gate(write_store(tmp_path / "crash", clean(results), problems=("worker gw1 went down",))) == 3


@pytest.mark.parametrize("args", [
    pytest.param(["--min-eligible-rate", "60"], id="rate-not-a-share"),
    pytest.param(["--max-blocked", "-1"], id="negative"),
])
def test_bad_options_are_usage_errors(tmp_path: Path, results: list[UserResult], args: list[str]) -> None:
    assert gate(write_store(tmp_path, clean(results)), *args) == 2


def test_a_directory_that_is_not_a_run_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gate(tmp_path) == 2
    assert "is not a run directory" in capsys.readouterr().err
