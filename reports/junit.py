"""``junit.xml``: one ``<testcase>`` per user, for CI systems that show JUnit results.

- eligible: a passing testcase;
- review: a passing testcase with ``<property name="phoenix.status" value="review"/>`` and the reasons
  in ``<system-out>`` (review is not a failure: ``phoenix gate`` decides what fails a build);
- blocked: ``<failure type="blocked" message="headline">`` with every reason;
- error (the harness failed on the user): ``<error type="<code>">``.

The suite's properties carry the run's status, source and settings hash; ``<testsuite>`` counts follow
JUnit's meaning (failures = blocked, errors = harness errors).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.files import write_output
from harness.runner.result import UserResult
from harness.store import RunInfo, StoreReader

JUNIT_FILE = "junit.xml"
SUITE = "phoenix"
# what XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _reasons(result: UserResult) -> str:
    return xml_text("\n".join(f"- {r.message}" for r in result.verdict.reasons))


def _components(result: UserResult) -> str:
    return ",".join(c.component for c in result.components) or "none"


def testcase(result: UserResult) -> ET.Element:
    case = ET.Element("testcase", {"classname": f"{SUITE}.{_components(result)}", "name": result.user_id,
                                   "time": f"{result.timings.get('total', 0.0):.3f}"})
    props = ET.SubElement(case, "properties")
    for name, value in (("phoenix.status", result.status), ("phoenix.rule", result.verdict.rule),
                        ("phoenix.complexity", result.complexity),
                        ("phoenix.lowest_score", "" if result.verdict.lowest_score is None
                         else f"{result.verdict.lowest_score:.4f}")):
        ET.SubElement(props, "property", {"name": name, "value": xml_text(value)})
    if result.status == "blocked":
        failure = ET.SubElement(case, "failure", {"type": "blocked", "message": xml_text(result.headline)})
        failure.text = _reasons(result)
    elif result.status == "error" and result.error is not None:
        error = ET.SubElement(case, "error", {"type": result.error.code, "message": xml_text(result.error.message)})
        error.text = xml_text(f"{result.error.message}\nfix: {result.error.fix}")
    elif result.status == "review":
        out = ET.SubElement(case, "system-out")
        out.text = _reasons(result)
    return case


def junit_tree(run: RunInfo, results: list[UserResult]) -> ET.ElementTree[ET.Element]:
    return suite_tree(run, [testcase(r) for r in results], blocked=sum(r.status == "blocked" for r in results),
                      errors=sum(r.status == "error" for r in results),
                      seconds=sum(r.timings.get("total", 0.0) for r in results))


def suite_tree(run: RunInfo, cases: list[ET.Element], *, blocked: int, errors: int,
               seconds: float) -> ET.ElementTree[ET.Element]:
    """The document around ``cases`` (from :func:`testcase`, in user-id order)."""
    suite = ET.Element("testsuite", {
        "name": SUITE, "tests": str(len(cases)), "failures": str(blocked), "errors": str(errors), "skipped": "0",
        "time": f"{seconds:.3f}", "timestamp": run.started_at,
    })
    props = ET.SubElement(suite, "properties")
    for name, value in (("phoenix.run_status", run.status), ("phoenix.source", run.source),
                        ("phoenix.settings_hash", run.settings_hash),
                        ("phoenix.harness_version", run.harness_version), ("phoenix.shard", run.shard or "")):
        ET.SubElement(props, "property", {"name": name, "value": xml_text(value)})
    suite.extend(cases)
    root = ET.Element("testsuites", {"name": SUITE})
    root.append(suite)
    ET.indent(root)
    return ET.ElementTree(root)


def write_tree(tree: ET.ElementTree[ET.Element], run_dir: Path | str) -> Path:
    path = Path(run_dir) / JUNIT_FILE
    data = ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
    return write_output(path, data, what=path.name, code="store.output_write")


def write_junit(run_dir: Path | str, store: StoreReader | None = None) -> Path:
    """Write ``RUN_DIR/junit.xml`` atomically from the run's store (opened here unless given)."""
    if store is None:
        with StoreReader.open(run_dir) as opened:
            return write_tree(junit_tree(opened.run(), list(opened.results())), run_dir)
    return write_tree(junit_tree(store.run(), list(store.results())), run_dir)
