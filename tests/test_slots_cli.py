"""``phoenix slots show|validate|schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.cli.slots import schema_path
from harness.slots.config import json_schema_text


def _write(tmp_path: Path, data: Any, name: str = "config.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_show_lists_slots_kinds_ops_settings_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slots", "show", "product-card", "--version", "1.0.0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("product-card 1.0.0: 14 slots")
    assert "vendor           element    <div.card__vendor>  ops: classes, style, tag, visible" in out
    assert "setting show_vendor (bool, default true) -> settings.show_vendor" in out
    assert "children: title, vendor, price, rating, swatches" in out
    assert "unit-price" not in out  # since 1.1.0


def test_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slots", "show", "cart-line", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["component"] == "cart-line"
    title = next(s for s in data["slots"] if s["id"] == "title")
    assert title["defaults"] == {"tag": "a", "classes": ["cart-line__title"],
                                 "attributes": {"href": "{{ item.url }}", "class": "cart-line__title"},
                                 "text": "{{ item.product_title }}"}


def test_show_unknown_component_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slots", "show", "nope"]) == 3
    assert "no component 'nope'" in capsys.readouterr().err


def test_validate_valid_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, {"schema": "phoenix.slot-config/1", "component": "product-card",
                             "slots": {"title": {"tag": "h2"}}})
    assert main(["slots", "validate", str(path)]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_prints_every_error_on_its_own_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, {
        "component": "product-card",
        "slots": {"badge-sale": {"text": {"rich": "<script>alert(1)</script>"}},
                  "title-link": {"attrs": {"onerror": "x", "href": "javascript:alert(1)"}},
                  "ghost": {"visible": False}},
        "custom_css": {"x": "body { display: none }"}})
    assert main(["slots", "validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    paths = {line.split(": ", 1)[0] for line in lines}
    assert {"slots.badge-sale.text", "slots.title-link.attrs.onerror", "slots.title-link.attrs.href",
            "slots.ghost", "custom_css.x"} <= paths
    assert all("(fix: " in line and "[slots." in line for line in lines)


def test_validate_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, {"component": "product-card", "slots": {"ghost": {}}})
    assert main(["slots", "validate", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["errors"][0]["where"]["path"] == "slots.ghost"
    assert report["errors"][0]["code"] == "slots.unknown_slot"


@pytest.mark.parametrize(("content", "code"), [
    ("{not json", "slots.not_json"),
    ('{"component": "no-such-component"}', "slots.unknown_component"),
    ('{"slots": {}}', "slots.schema"),
], ids=["not-json", "unknown-component", "no-component"])
def test_validate_broken_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, code: str) -> None:
    assert main(["slots", "validate", str(_write(tmp_path, content))]) == 1
    assert f"[{code}]" in capsys.readouterr().out


def test_validate_refuses_a_ten_megabyte_file_before_reading_it(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, {"component": "product-card", "custom_css": {"x": "a" * (10 * 1024 * 1024)}})
    assert main(["slots", "validate", str(path)]) == 1
    assert "[slots.too_large]" in capsys.readouterr().out


def test_validate_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slots", "validate", str(tmp_path / "missing.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_schema_prints_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slots", "schema"]) == 0
    assert capsys.readouterr().out == json_schema_text()
    expected = 0 if schema_path().read_text(encoding="utf-8") == json_schema_text() else 1
    assert main(["slots", "schema", "--check"]) == expected
