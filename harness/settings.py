"""Settings: ``[tool.phoenix]`` in ``pyproject.toml`` or top-level keys in ``phoenix.toml``.

Which file is read (the rule Ruff uses for ``ruff.toml`` vs ``pyproject.toml``):

- search from ``start_dir`` upwards; the *nearest* directory holding a settings file wins, and files are
  never merged across directories;
- a ``phoenix.toml`` always counts (even empty); a ``pyproject.toml`` counts only when it has a
  ``[tool.phoenix]`` table;
- when one directory holds both, ``phoenix.toml`` wins: a dedicated file is the more explicit choice.
  :func:`find_settings_file` reports the ``pyproject.toml`` it shadowed so the CLI can say so.

Command-line overrides (``{"weights.pixels": 0}``) are laid over the file before validation. Every
problem is a :class:`~harness.errors.ConfigError` naming the file, the key and the fix; unknown keys
are rejected with a did-you-mean.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from cssselect import GenericTranslator, SelectorError
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from harness.errors import ConfigError, Where
from harness.score.values import IgnoreRules as ScoreIgnoreRules
from harness.score.values import Weights as ScoreWeights

SETTINGS_FILE = "phoenix.toml"
PYPROJECT = "pyproject.toml"
_HASH_VERSION = 1
_VIEWPORT = re.compile(r"^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$")
_NAME = re.compile(r"^-{0,2}[A-Za-z_][A-Za-z0-9_.:-]*$")


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):  # TOML `true` must not pass as 1.0
        raise ValueError("expected a number, not true/false")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]
Count = Annotated[int, BeforeValidator(_not_bool)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_SCORER = ScoreWeights()  # defaults come from the scorer so that "no settings" scores the same


class Weights(_Strict):
    """Weight of each scoring channel; non-negative, not all zero (the scorer normalises them)."""

    structure: Number = Field(_SCORER.structure, ge=0, description="a number >= 0, e.g. 0.35")
    text: Number = Field(_SCORER.text, ge=0, description="a number >= 0, e.g. 0.2")
    style: Number = Field(_SCORER.style, ge=0, description="a number >= 0, e.g. 0.2")
    layout: Number = Field(_SCORER.layout, ge=0, description="a number >= 0, e.g. 0.25")
    pixels: Number = Field(_SCORER.pixels, ge=0, description="a number >= 0, e.g. 0.2")

    @model_validator(mode="after")
    def _some_weight(self) -> Weights:
        if not any(self.as_dict().values()):
            raise ValueError("all weights are 0; give at least one channel a weight above 0")
        return self

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in type(self).model_fields}

    def for_scorer(self) -> ScoreWeights:
        return ScoreWeights(**self.as_dict())


class IgnoreRules(_Strict):
    """What the scorer leaves out: elements (CSS selectors), attributes and CSS properties."""

    selectors: tuple[str, ...] = Field((), description='a list of CSS selectors, e.g. [".price-live"]')
    attributes: tuple[str, ...] = Field((), description='a list of attribute names, e.g. ["data-track"]')
    properties: tuple[str, ...] = Field((), description='a list of CSS property names, e.g. ["transition"]')

    @field_validator("selectors")
    @classmethod
    def _css(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for selector in value:
            try:
                GenericTranslator().css_to_xpath(selector)
            except SelectorError as exc:
                raise ValueError(f"{selector!r} is not a valid CSS selector ({exc})") from None
        return value

    @field_validator("attributes", "properties")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [name for name in value if not _NAME.match(name)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an attribute or property name")
        return tuple(name.lower() for name in value)

    def for_scorer(self) -> ScoreIgnoreRules:
        return ScoreIgnoreRules(self.selectors, self.attributes, self.properties)


class Timeouts(_Strict):
    render_ms: Count = Field(15_000, gt=0, le=600_000, description="milliseconds, e.g. 15000")
    stabilize_ms: Count = Field(5_000, gt=0, le=600_000, description="milliseconds, e.g. 5000")


class RolloutSettings(_Strict):
    """Inputs of the rollout plan (docs/rollout.md). Never change ``group_id`` mid-campaign."""

    group_id: str = Field("phoenix-2026", min_length=1, description='a text, e.g. "phoenix-2026"')
    feature_flag: str = Field("phoenix-slots", min_length=1, description='a flag name, e.g. "phoenix-slots"')
    pilot_size: Count = Field(50, ge=0, description="a whole number >= 0, e.g. 50")
    internal_max: Count = Field(10, ge=0, description="a whole number >= 0, e.g. 10")


ScreenshotPolicy = Literal["never", "on-mismatch", "always"]


class Settings(_Strict):
    pass_threshold: Number = Field(0.95, gt=0, le=1, description="a number in (0, 1], e.g. 0.95")
    block_threshold: Number = Field(0.80, ge=0, lt=1, description="a number in [0, 1) below pass_threshold")
    cost_ratio: Number = Field(1.2, ge=1, description="a number >= 1, e.g. 1.2")
    weights: Weights = Field(Weights(), description="a table of numbers >= 0, at least one above 0")
    viewports: tuple[str, ...] = Field(("390x844", "1280x800"), min_length=1,
                                       description='a list of "WIDTHxHEIGHT", e.g. ["390x844"]')
    scenarios: tuple[str, ...] = Field((), description='a list of scenario names or globs, e.g. ["on-*"]')
    ignore: IgnoreRules = IgnoreRules()
    retries: Count = Field(1, ge=0, le=5, description="a whole number from 0 to 5")
    screenshots: ScreenshotPolicy = Field("on-mismatch", description='"never", "on-mismatch" or "always"')
    screenshot_cases: Count = Field(1, ge=0, le=50, description="a whole number from 0 to 50: with "
                                    '"on-mismatch", the most cases per user that get screenshots')
    timeouts: Timeouts = Timeouts()
    rollout: RolloutSettings = RolloutSettings()

    @field_validator("viewports")
    @classmethod
    def _viewports(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for viewport in value:
            if not _VIEWPORT.match(viewport):
                raise ValueError(f"{viewport!r} is not WIDTHxHEIGHT in CSS pixels (like \"390x844\")")
        if len(set(value)) != len(value):
            raise ValueError("a viewport is listed twice")
        return value

    @field_validator("block_threshold")
    @classmethod
    def _below_pass(cls, value: float, info: ValidationInfo) -> float:
        passing = info.data.get("pass_threshold")
        if passing is not None and value >= passing:
            raise ValueError(f"must be lower than pass_threshold ({passing})")
        return value

    @property
    def viewport_sizes(self) -> tuple[tuple[int, int], ...]:
        return tuple((int(w), int(h)) for w, h in (v.split("x") for v in self.viewports))

    def selects_scenario(self, name: str) -> bool:
        """Whether the ``scenarios`` filter keeps ``name`` (an empty filter keeps every scenario)."""
        return not self.scenarios or any(fnmatch.fnmatchcase(name, pattern) for pattern in self.scenarios)

    def settings_hash(self) -> str:
        """A digest of every setting that can change a result (all but ``rollout``), stable across runs."""
        payload = {"version": _HASH_VERSION, "settings": self.model_dump(mode="json", exclude={"rollout"})}
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SettingsFile:
    """The file settings come from: its path, its phoenix table, and the key prefix used in messages."""

    path: Path
    table: Mapping[str, Any]
    prefix: str                   # "tool.phoenix." for pyproject.toml, "" for phoenix.toml
    shadowed: Path | None = None  # a pyproject.toml [tool.phoenix] that phoenix.toml won over


def find_settings_file(start_dir: Path | str | None = None, *, stop_at: Path | None = None) -> SettingsFile | None:
    """The nearest settings file at or above ``start_dir`` (see the module docstring for the rule)."""
    start = Path(start_dir or Path.cwd()).resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        found = _settings_in(candidate)
        if found is not None:
            return found
        if stop_at is not None and candidate == stop_at.resolve():
            return None
    return None


def _settings_in(directory: Path) -> SettingsFile | None:
    own, pyproject = directory / SETTINGS_FILE, directory / PYPROJECT
    tool_table = _phoenix_table(pyproject) if pyproject.is_file() else None
    if own.is_file():
        return SettingsFile(own, _read_toml(own), "", pyproject if tool_table is not None else None)
    if tool_table is not None:
        return SettingsFile(pyproject, tool_table, "tool.phoenix.")
    return None


def _phoenix_table(path: Path) -> Mapping[str, Any] | None:
    tool = _read_toml(path).get("tool", {})
    table = tool.get("phoenix") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError("`tool.phoenix` must be a table", where=Where(file=str(path), path="tool.phoenix"),
                          fix="write the settings under a [tool.phoenix] header", code="config.not_a_table")
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the file is not valid TOML: {exc}", where=Where(file=str(path)),
                          fix="correct the TOML syntax at the position shown", code="config.toml_syntax") from None
    except OSError as exc:
        raise ConfigError(f"the file could not be read: {exc.strerror}", where=Where(file=str(path)),
                          fix="check that the file exists and is readable", code="config.unreadable") from None


def load_settings(start_dir: Path | str | None = None, overrides: Mapping[str, Any] | None = None, *,
                  stop_at: Path | None = None) -> Settings:
    """Settings from the nearest settings file (defaults when there is none) with ``overrides`` on top.

    ``overrides`` keys are dotted paths (``"weights.pixels"``); they come from the command line.
    """
    found = find_settings_file(start_dir, stop_at=stop_at)
    table = dict(found.table) if found else {}
    override_keys = set()
    for dotted, value in (overrides or {}).items():
        override_keys.add(dotted.split(".")[0])
        _set_dotted(table, dotted, value)
    try:
        return Settings.model_validate(table)
    except ValidationError as exc:
        raise _config_error(exc, found, override_keys) from None


def _set_dotted(table: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = table
    for key in parents:
        child = node.get(key)
        node[key] = child = dict(child) if isinstance(child, dict) else {}
        node = child
    node[last] = value


def _config_error(exc: ValidationError, found: SettingsFile | None, override_keys: set[str]) -> ConfigError:
    errors = exc.errors()
    keys = [".".join(str(part) for part in err["loc"]) for err in errors]
    problems = [_describe(err, key) for err, key in zip(errors, keys, strict=True)]
    first_key = keys[0] if keys and keys[0] else None
    from_cli = first_key is not None and first_key.split(".")[0] in override_keys
    where = Where(source="command line") if from_cli or found is None else Where(file=str(found.path))
    prefix = "" if from_cli or found is None else found.prefix
    where = Where(file=where.file, source=where.source, path=f"{prefix}{first_key}" if first_key else None)
    code = "config.unknown_key" if errors[0]["type"] == "extra_forbidden" else "config.invalid_value"
    return ConfigError("; ".join(problems), where=where, fix=_fix(errors[0], keys[0], found), code=code)


def _describe(err: Any, key: str) -> str:
    if err["type"] == "extra_forbidden":
        return f"unknown key `{key}`{_did_you_mean(err['loc'])}"
    message = str(err["msg"]).removeprefix("Value error, ")
    if not key:
        return message
    return f"`{key}`: {message} (got {err['input']!r})"


def _did_you_mean(loc: tuple[int | str, ...]) -> str:
    allowed = _fields_at(loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]).replace("-", "_"), allowed, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] = Settings
    for part in loc:
        annotation = model.model_fields[str(part)].annotation if str(part) in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _fix(err: Any, key: str, found: SettingsFile | None) -> str:
    if err["type"] == "extra_forbidden":
        if key == "tool" and found is not None and found.prefix == "":
            return f"in {SETTINGS_FILE} the keys sit at the top level: remove the [tool.phoenix] header"
        allowed = ", ".join(_fields_at(tuple(err["loc"][:-1])))
        return f"remove the key or use one of: {allowed}"
    description = _field_description(tuple(err["loc"]))
    return f"set `{key}` to {description}" if description else "see docs/verdicts.md#settings for allowed values"


def _field_description(loc: tuple[int | str, ...]) -> str | None:
    """The description of the deepest settings field ``loc`` reaches (list indexes stop the walk)."""
    model: type[BaseModel] | None = Settings
    description = None
    for part in loc:
        info = model.model_fields.get(str(part)) if model is not None else None
        if info is None:
            break
        description = info.description
        annotation = info.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return description
