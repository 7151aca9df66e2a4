"""``phoenix compare``: a real render of two files, text and JSON output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import EXIT_GATE_FAILED, EXIT_USAGE, main

OLD = '<div class="card"><p class="price">$10</p></div>'
CSS = ".price { color: #cc0000 }"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new, css = tmp_path / "old.html", tmp_path / "new.html", tmp_path / "card.css"
    old.write_text(OLD)
    new.write_text(OLD.replace("$10", "$12"))
    css.write_text(CSS)
    return old, new, css


@pytest.mark.browser
def test_compare_prints_score_and_mismatches(files: tuple[Path, Path, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    old, new, css = files
    assert main(["compare", str(old), str(new), "--css", str(css)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("score 0.")
    assert "! p.price text '$10' → '$12'" in out


@pytest.mark.browser
def test_compare_json_and_fail_under(files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new, css = files
    code = main(["compare", str(old), str(new), "--css", str(css), "--json", "--fail-under", "0.999"])
    data = json.loads(capsys.readouterr().out)
    assert code == EXIT_GATE_FAILED
    assert data["score"] < 0.999
    assert set(data["subscores"]) == {"structure", "text", "style", "layout"}
    assert data["mismatches"][0]["kind"] == "text"
    assert data["noisy"] is False


@pytest.mark.browser
def test_compare_identical_files_scores_one(files: tuple[Path, Path, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    old, _, css = files
    assert main(["compare", str(old), str(old), "--css", str(css), "--screenshots"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("score 1.0000")
    assert "no differences" in out


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--viewport", "wide"], "is not WIDTHxHEIGHT", id="bad viewport"),
    pytest.param(["--css", "/nonexistent.css"], "cannot read", id="missing css"),
])
def test_usage_errors_exit_2_with_a_fix(files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str],
                                        args: list[str], message: str) -> None:
    old, new, _ = files
    assert main(["compare", str(old), str(new), *args]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err
    assert "fix:" in err
