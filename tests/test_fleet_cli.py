"""``phoenix fleet generate|demo`` and the bundled demo fleet (harness/cli/fleet.py, fixtures/fleets/)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import harness.cli.fleet as fleet_cli
from harness.cli import main
from harness.fleet import HOSTILE_KINDS, all_recipes, demo_fleet_bytes, demo_path
from harness.inputs import open_source
from harness.model import Customization


def _demo_truths() -> list[Mapping[str, Any]]:
    return [json.loads(line)["meta"]["truth"] for line in demo_path().read_text(encoding="utf-8").splitlines()]


def test_the_bundled_demo_fleet_is_up_to_date() -> None:
    assert demo_path().read_bytes() == demo_fleet_bytes(), "run: phoenix fleet demo --write"


def test_the_demo_fleet_covers_every_recipe_and_outcome() -> None:
    truths = _demo_truths()
    users = {json.loads(line)["user_id"] for line in demo_path().read_text(encoding="utf-8").splitlines()}
    assert 35 <= len(users) <= 45
    assert {r.id for r in all_recipes()} <= {name for t in truths for name in t["recipes"]}
    assert {t["hostile"] for t in truths if t["hostile"]} == set(HOSTILE_KINDS)
    assert {"exact", "rebased", "identified_base", "patch.conflict"} <= {t["patch"] for t in truths}
    assert {t["user_verdict"] for t in truths} == {"eligible", "review", "blocked"}


def test_the_demo_fleet_loads_without_problems() -> None:
    records = open_source(demo_path()).records()
    assert records
    assert all(isinstance(r, Customization) for r in records)


def test_generate_writes_the_format_the_path_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("fleet.jsonl", "fleet.db", "folder"):
        assert main(["fleet", "generate", "--users", "12", "--seed", "4", "--out", str(tmp_path / name)]) == 0
        out = capsys.readouterr().out
        assert "wrote 12 users" in out
        assert "expected verdicts per user" in out
        assert "logic" in out
    kinds = {name: open_source(tmp_path / name).records() for name in ("fleet.jsonl", "fleet.db", "folder")}
    assert kinds["fleet.jsonl"] == kinds["fleet.db"] == kinds["folder"]
    assert (tmp_path / "folder" / "u00001").is_dir()


def test_generate_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "fleet.jsonl"
    args = ["fleet", "generate", "--users", "3", "--out", str(target)]
    assert main(args) == 0
    first = target.read_bytes()
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "--seed", "9", "--force"]) == 0
    assert target.read_bytes() != first


def test_generate_rejects_a_bad_user_count(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["fleet", "generate", "--users", "zero", "--out", "x.jsonl"])
    assert caught.value.code == 2
    assert "whole number" in capsys.readouterr().err


def test_demo_check_and_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "fleets" / "demo.jsonl"
    monkeypatch.setattr(fleet_cli, "demo_path", lambda: target)
    target.parent.mkdir()
    target.write_text("stale\n")
    assert main(["fleet", "demo", "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["fleet", "demo", "--write"]) == 0
    assert main(["fleet", "demo", "--check"]) == 0
    assert target.read_bytes() == demo_fleet_bytes()
