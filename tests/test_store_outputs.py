"""results.json (with its committed JSON Schema), JUnit XML and the plan, written from a store alone."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.runner.outputs import write_machine_outputs
from harness.runner.result import UserResult
from reports.junit import xml_text
from reports.results_json import ResultsDocument, json_schema
from tests.test_runner_support import fake_results, write_store

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "results.v1.json"


@pytest.fixture(scope="module")
def results() -> list[UserResult]:
    return fake_results(("u1", "u2", "u3", "u4"))


def test_the_committed_schema_is_the_models_schema() -> None:
    assert json.loads(SCHEMA.read_text()) == json_schema(), \
        "regenerate schemas/results.v1.json from reports.results_json.json_schema()"


def test_results_json_holds_every_user_and_validates(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results)
    outputs = write_machine_outputs(tmp_path)
    data = json.loads(outputs.results_json.read_text())
    document = ResultsDocument.model_validate(data)
    assert document.schema_ == "phoenix.results/1"
    assert [u.user_id for u in document.users] == [r.user_id for r in sorted(results, key=lambda r: r.user_id)]
    by_id = {r.user_id: r for r in results}
    for user in document.users:
        result = by_id[user.user_id]
        assert (user.status, user.rule, user.lowest_score) == (result.status, result.verdict.rule,
                                                                 result.verdict.lowest_score)
        assert [c.component for c in user.components] == [c.component for c in result.components]
    assert document.totals.users == len(results)
    assert "truth" not in outputs.results_json.read_text(), "ground truth never leaves the store"


def test_junit_has_one_testcase_per_user_with_the_right_element(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results)
    outputs = write_machine_outputs(tmp_path)
    suite = ET.parse(outputs.junit).getroot().find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {r.user_id for r in results}
    for result in results:
        case = cases[result.user_id]
        expected = {"blocked": "failure", "error": "error"}.get(result.status)
        children = {child.tag for child in case} - {"properties", "system-out"}
        assert children == ({expected} if expected else set())
    assert suite.get("failures") == str(sum(r.status == "blocked" for r in results))
    assert suite.get("errors") == str(sum(r.status == "error" for r in results))


def test_the_plan_is_written_beside_them(tmp_path: Path, results: list[UserResult]) -> None:
    write_store(tmp_path, results)
    outputs = write_machine_outputs(tmp_path)
    assert outputs.plan is not None
    plan = json.loads(outputs.plan[0].read_text())
    assert {u["user_id"] for u in plan["users"]} == {r.user_id for r in results}


def test_text_that_xml_cannot_hold_is_replaced() -> None:
    assert xml_text("a\x00b\udc80c") == "a\ufffdb\ufffdc"
