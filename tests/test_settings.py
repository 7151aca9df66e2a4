"""Settings: which file wins, validation with file/key/fix, did-you-mean, overrides, a stable hash."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.errors import ConfigError
from harness.score.values import IgnoreRules as ScoreIgnoreRules
from harness.score.values import Weights as ScoreWeights
from harness.settings import Settings, find_settings_file, load_settings

REPO = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def load(directory: Path, overrides: dict[str, Any] | None = None) -> Settings:
    return load_settings(directory, overrides, stop_at=directory.parent)


def config_error(directory: Path, overrides: dict[str, Any] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(directory, overrides)
    return info.value


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, stop_at=tmp_path)
    assert settings == Settings()
    assert (settings.pass_threshold, settings.block_threshold, settings.cost_ratio) == (0.95, 0.80, 1.2)
    assert settings.viewport_sizes == ((390, 844), (1280, 800))
    assert settings.retries == 1
    assert settings.weights.for_scorer() == ScoreWeights()
    assert settings.ignore.for_scorer() == ScoreIgnoreRules()


def test_reads_tool_phoenix_from_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.phoenix]\npass_threshold = 0.97\n'
          '[tool.phoenix.weights]\npixels = 0\n[tool.phoenix.ignore]\nproperties = ["Transition"]\n')
    settings = load(tmp_path)
    assert settings.pass_threshold == 0.97
    assert settings.weights.pixels == 0
    assert settings.ignore.for_scorer().properties == ("transition",)
    assert settings.weights.for_scorer() == ScoreWeights(pixels=0)  # the rest keep the scorer's defaults


def test_phoenix_toml_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.phoenix]\npass_threshold = 0.97\n")
    write(tmp_path / "phoenix.toml", "pass_threshold = 0.99\n")
    found = find_settings_file(tmp_path, stop_at=tmp_path)
    assert found is not None
    assert (found.path.name, found.shadowed) == ("phoenix.toml", tmp_path / "pyproject.toml")
    assert load(tmp_path).pass_threshold == 0.99


def test_the_nearest_directory_wins_and_files_are_not_merged(tmp_path: Path) -> None:
    write(tmp_path / "phoenix.toml", "pass_threshold = 0.99\nretries = 3\n")
    child = tmp_path / "shop" / "checks"
    write(tmp_path / "shop" / "pyproject.toml", "[tool.phoenix]\npass_threshold = 0.97\n")
    child.mkdir()
    settings = load_settings(child, stop_at=tmp_path)
    assert (settings.pass_threshold, settings.retries) == (0.97, 1)


def test_a_pyproject_without_tool_phoenix_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / "phoenix.toml", "retries = 2\n")
    write(tmp_path / "app" / "pyproject.toml", '[project]\nname = "app"\n')
    assert load_settings(tmp_path / "app", stop_at=tmp_path).retries == 2


def test_the_repository_settings_load() -> None:
    settings = load_settings(REPO, stop_at=REPO)
    assert settings.block_threshold < settings.pass_threshold


@pytest.mark.parametrize(("toml", "code", "key", "words"), [
    ("pass_treshold = 0.9\n", "config.unknown_key", "tool.phoenix.pass_treshold", "did you mean `pass_threshold`"),
    ("[weights]\npixel = 1\n", "config.unknown_key", "tool.phoenix.weights.pixel", "did you mean `pixels`"),
    ("block_threshold = 0.96\n", "config.invalid_value", "tool.phoenix.block_threshold",
     "lower than pass_threshold"),
    ("[weights]\nstructure = 0\ntext = 0\nstyle = 0\nlayout = 0\npixels = 0\n", "config.invalid_value",
     "tool.phoenix.weights", "all weights are 0"),
    ("[weights]\ntext = -1\n", "config.invalid_value", "tool.phoenix.weights.text", "greater than or equal to 0"),
    ('viewports = ["390x"]\n', "config.invalid_value", "tool.phoenix.viewports", "WIDTHxHEIGHT"),
    ('viewports = ["390x844", "390x844"]\n', "config.invalid_value", "tool.phoenix.viewports", "listed twice"),
    ('[ignore]\nselectors = ["a["]\n', "config.invalid_value", "tool.phoenix.ignore.selectors",
     "not a valid CSS selector"),
    ("retries = true\n", "config.invalid_value", "tool.phoenix.retries", "not true/false"),
    ('screenshots = "sometimes"\n', "config.invalid_value", "tool.phoenix.screenshots", "'on-mismatch'"),
], ids=["typo", "nested-typo", "block-above-pass", "zero-weights", "negative-weight", "bad-viewport",
        "repeated-viewport", "bad-selector", "bool-as-number", "bad-screenshot-policy"])
def test_invalid_settings_name_file_key_and_fix(tmp_path: Path, toml: str, code: str, key: str,
                                                  words: str) -> None:
    body = re.sub(r"^\[", "[tool.phoenix.", toml, flags=re.MULTILINE)
    path = write(tmp_path / "pyproject.toml", body if toml.startswith("[") else f"[tool.phoenix]\n{toml}")
    error = config_error(tmp_path)
    assert (error.code, error.where.file, error.where.path) == (code, str(path), key)
    assert words in error.message
    assert error.fix


def test_a_tool_table_inside_phoenix_toml_gets_a_hint(tmp_path: Path) -> None:
    write(tmp_path / "phoenix.toml", "[tool.phoenix]\npass_threshold = 0.9\n")
    error = config_error(tmp_path)
    assert error.code == "config.unknown_key"
    assert error.fix is not None
    assert "top level" in error.fix


def test_a_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "phoenix.toml", "retries = 1\npass_threshold = = 0.9\n")
    error = config_error(tmp_path)
    assert (error.code, error.where.file) == ("config.toml_syntax", str(path))
    assert "line 2" in error.message


def test_tool_phoenix_must_be_a_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool]\nphoenix = 3\n")
    assert config_error(tmp_path).code == "config.not_a_table"


def test_overrides_go_on_top_of_the_file(tmp_path: Path) -> None:
    write(tmp_path / "phoenix.toml", "pass_threshold = 0.97\n[weights]\ntext = 0.5\n")
    settings = load(tmp_path, {"pass_threshold": "0.99", "weights.pixels": 0})
    assert (settings.pass_threshold, settings.weights.pixels, settings.weights.text) == (0.99, 0, 0.5)


def test_a_bad_override_is_blamed_on_the_command_line(tmp_path: Path) -> None:
    write(tmp_path / "phoenix.toml", "retries = 2\n")
    error = config_error(tmp_path, {"weights.pixel": 0})
    assert (error.where.source, error.where.file, error.where.path) == ("command line", None, "weights.pixel")
    assert "did you mean `pixels`" in error.message


def test_scenario_filter_uses_globs() -> None:
    settings = Settings(scenarios=("on-*", "default"))
    assert [settings.selects_scenario(n) for n in ("on-sale", "default", "sold-out")] == [True, True, False]
    assert Settings().selects_scenario("anything")


def test_hash_ignores_key_order_spelled_out_defaults_and_rollout(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    write(one / "phoenix.toml", "retries = 2\npass_threshold = 0.97\n")
    write(two / "phoenix.toml", 'pass_threshold = 0.97\ncost_ratio = 1.2\nretries = 2\n[rollout]\ngroup_id = "g"\n')
    assert load(one).settings_hash() == load(two).settings_hash()
    assert load(one).settings_hash() != Settings().settings_hash()
    assert len(Settings().settings_hash()) == 64


@pytest.mark.parametrize("change", [{"retries": 2}, {"viewports": ("390x844",)}, {"cost_ratio": 1.3}],
                         ids=["retries", "viewports", "cost-ratio"])
def test_hash_changes_with_any_result_setting(change: dict[str, Any]) -> None:
    assert Settings(**change).settings_hash() != Settings().settings_hash()


def test_hash_is_the_same_in_another_process() -> None:
    code = "from harness.settings import Settings; print(Settings(retries=3).settings_hash())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env=env)
    assert out.stdout.strip() == Settings(retries=3).settings_hash()
