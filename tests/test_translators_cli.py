"""``phoenix translate``: the report for people or scripts, and exit codes 0 complete / 1 incomplete / 2 usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from tests.translations.corpus import DIFFS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["translate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("component", "case", "status", "code"), [
    ("product-card", "pc-class-added", "complete", 0),
    ("product-card", "pc-duplicated-line", "partial", 1),
    ("product-card", "pc-script", "failed", 1),
    ("collection-banner", "cb-escape-filter-dropped", "complete", 0),
], ids=lambda v: str(v))
def test_exit_code_follows_the_status(capsys: pytest.CaptureFixture[str], component: str, case: str, status: str,
                                      code: int) -> None:
    exit_code, out, _ = run(capsys, component, str(DIFFS / f"{case}.diff"))
    assert exit_code == code
    assert f"status: {status}" in out
    assert "hunk 1" in out
    assert "slot config:" in out


def test_json_output_holds_the_report_and_the_config(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "product-card", str(DIFFS / "pc-vendor-commented-out.diff"), "--base-version", "1.2.0",
                       "--json")
    data = json.loads(out)
    assert code == 0
    assert data["report"]["status"] == "complete"
    assert data["config"]["slots"]["vendor"] == {"settings": {"show_vendor": False}}
    assert data["report"]["hunks"][0]["changes"][0]["ops"][0]["op"] == "settings"


def test_a_diff_that_does_not_apply_is_a_failed_translation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    diff = tmp_path / "bad.diff"
    diff.write_text("--- a/template.html.j2\n+++ b/template.html.j2\n@@ -1,1 +1,1 @@\n-no such line\n+x\n")
    code, out, _ = run(capsys, "product-card", str(diff), "--base-version", "1.2.0", "--json")
    assert code == 1
    assert json.loads(out)["error"]["code"].startswith("patch.")


@pytest.mark.parametrize("argv", [
    ["no-such-component", "x.diff"],
    ["product-card", "/nonexistent/file.diff"],
    ["product-card", str(DIFFS / "pc-class-added.diff"), "--base-version", "9.9.9"],
], ids=["unknown-component", "unreadable-file", "unknown-version"])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "fix:" in err
