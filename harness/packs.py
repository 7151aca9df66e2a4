"""Component packs: a component's released template versions, scenarios and strings (docs/packs.md).

``load_pack(path)`` reads and validates one ``fixtures/components/<name>/`` folder; ``load_packs(root)``
reads every pack under a folder and checks the files they declare shared; ``default_packs()`` is the
cached registry of the packs that ship with the harness. Files are read as bytes (a customization's
diff applies to bytes); every template must be UTF-8, parse, and pass the sandbox's safety check.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from harness.errors import PackError, TemplateError, Where
from harness.sandbox import check_template_safety

__all__ = ["ComponentPack", "PackRegistry", "PackVersion", "Scenario", "default_packs", "fixtures_root",
           "load_pack", "load_packs"]

PACK_FILE = "pack.toml"
LOCALE_FILE = "locales/en.json"
MIN_SCENARIOS = 3
TEMPLATE_SUFFIX = ".j2"
_PACK_KEYS = frozenset({"name", "title", "current", "entry", "stylesheet", "root_selector", "shared", "versions"})
_VERSION_KEYS = frozenset({"version", "released", "notes"})
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_ROOT_SELECTOR = re.compile(r"^([a-z][a-z0-9-]*)?\.[A-Za-z_][\w-]*$")


@dataclass(frozen=True)
class Scenario:
    """Data to render a component with. ``data`` is parsed JSON: treat it as read-only."""

    name: str
    description: str
    data: Mapping[str, Any]

    def __hash__(self) -> int:
        return hash((self.name, self.description))


@dataclass(frozen=True)
class PackVersion:
    """One released version: its files (path relative to ``versions/<v>/`` → bytes)."""

    version: str
    released: str
    notes: str
    files: Mapping[str, bytes]

    def __hash__(self) -> int:
        return hash((self.version, tuple(self.files)))


@dataclass(frozen=True)
class ComponentPack:
    """A component: its versions (oldest first), entry template, stylesheet, scenarios and strings."""

    name: str
    title: str
    path: Path
    current: str
    versions: Mapping[str, PackVersion]
    entry: str
    stylesheet: str
    root_selector: str
    shared: Mapping[str, tuple[str, ...]]  # file → the other components that use it too
    scenarios: tuple[Scenario, ...]
    locale: Mapping[str, str]  # flattened: "products.sold_out" → "Sold out"

    def __hash__(self) -> int:
        return hash((self.name, str(self.path), self.current))

    def version(self, version: str) -> PackVersion:
        if version not in self.versions:
            raise PackError(
                f"component {self.name} has no version {version!r}; it has {', '.join(self.versions)}",
                where=Where(component=self.name, version=version),
                fix="record the version the customization was made against, or add that version to the pack",
                code="pack.unknown_version",
            )
        return self.versions[version]

    @property
    def current_version(self) -> PackVersion:
        return self.versions[self.current]

    def scenario(self, name: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise PackError(
            f"component {self.name} has no scenario {name!r}; it has "
            f"{', '.join(s.name for s in self.scenarios)}",
            where=Where(component=self.name, scenario=name),
            fix=f"add scenarios/{name}.json to the pack or pick one of those", code="pack.unknown_scenario",
        )


# --- reading one pack ---------------------------------------------------------------------------------

def _error(message: str, where: Where, fix: str, code: str = "pack.invalid") -> PackError:
    return PackError(message, where=where, fix=fix, code=code)


def _read_toml(path: Path, where: Where) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _error(f"{path} does not exist", where, f"create {PACK_FILE} (see docs/packs.md)",
                     "pack.missing") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _error(f"{PACK_FILE} is not valid TOML: {exc}", where, "fix the TOML syntax") from None


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], where: Where) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _error(f"unknown key(s) {', '.join(unknown)}", where,
                     f"use only {', '.join(sorted(allowed))} (a typo is the usual cause)")


def _text(table: Mapping[str, Any], key: str, where: Where) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _error(f"{key} must be a non-empty string, got {value!r}", where.merged(Where(path=key)),
                     f"set {key} = \"...\"")
    return value


def _relative(value: str, key: str, where: Where) -> str:
    parts = Path(value).parts
    if Path(value).is_absolute() or ".." in parts or "\\" in value:
        raise _error(f"{key} {value!r} must be a path inside versions/<v>/", where.merged(Where(path=key)),
                     "use a relative path such as template.html.j2")
    return Path(value).as_posix()


def _version_key(version: str) -> tuple[int, ...]:
    match = _VERSION.match(version)
    assert match is not None
    return tuple(int(part) for part in match.groups())


def _read_files(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files


def _check_sources(files: Mapping[str, bytes], stylesheet: str, where: Where) -> None:
    for name, data in files.items():
        if not (name.endswith(TEMPLATE_SUFFIX) or name == stylesheet):
            continue
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _error(f"{name} is not UTF-8 (byte {exc.start})", where.merged(Where(file=name)),
                         "save the file as UTF-8", "pack.template") from None
        if name.endswith(TEMPLATE_SUFFIX):
            try:
                check_template_safety(source, name=name, where=where)
            except TemplateError as exc:
                raise _error(f"{name}: {exc.message}", exc.where, exc.fix or "fix the template",
                             "pack.template") from None


def _version_table(table: Any, index: int, where: Where) -> tuple[str, Where]:
    here = where.merged(Where(path=f"versions[{index}]"))
    if not isinstance(table, dict):
        raise _error("each [[versions]] entry must be a table", here, "write [[versions]] then its keys")
    _check_keys(table, _VERSION_KEYS, here)
    version = _text(table, "version", here)
    here = Where(version=version).merged(here)
    if not _VERSION.match(version):
        raise _error(f"version {version!r} is not MAJOR.MINOR.PATCH", here, "write it like 1.2.0")
    return version, here


def _load_version(root: Path, table: dict[str, Any], version: str, entry: str, stylesheet: str,
                  here: Where) -> PackVersion:
    released = table.get("released")
    if not isinstance(released, date):
        raise _error(f"released must be a TOML date, got {released!r}", here, "write released = 2024-06-18")
    folder = root / "versions" / version
    files = _read_files(folder) if folder.is_dir() else {}
    for required in (entry, stylesheet):
        if required not in files:
            raise _error(f"versions/{version}/{required} is missing", here.merged(Where(file=required)),
                         f"add the file, or fix entry / stylesheet in {PACK_FILE}", "pack.missing_file")
    _check_sources(files, stylesheet, here)
    return PackVersion(version, released.isoformat(), str(table.get("notes", "")), MappingProxyType(files))


def _load_versions(root: Path, manifest: Mapping[str, Any], entry: str, stylesheet: str,
                   where: Where) -> dict[str, PackVersion]:
    tables = manifest.get("versions")
    if not isinstance(tables, list) or not tables:
        raise _error("the pack declares no [[versions]]", where, "add one [[versions]] table per release")
    versions: dict[str, PackVersion] = {}
    for index, table in enumerate(tables):
        version, here = _version_table(table, index, where)
        if versions and _version_key(version) <= _version_key(list(versions)[-1]):
            raise _error(f"version {version} is listed after {list(versions)[-1]}", here,
                         "list [[versions]] oldest first, each version once")
        versions[version] = _load_version(root, table, version, entry, stylesheet, here)
    return versions


def _load_shared(manifest: Mapping[str, Any], versions: Mapping[str, PackVersion],
                 where: Where) -> dict[str, tuple[str, ...]]:
    table = manifest.get("shared", {})
    if not isinstance(table, dict):
        raise _error("[shared] must be a table of file = [components]", where, 'write "snippets/x.html.j2" = ["other"]')
    shared: dict[str, tuple[str, ...]] = {}
    for file, users in table.items():
        here = where.merged(Where(path=f"shared.{file}", file=file))
        if not isinstance(users, list) or not users or not all(isinstance(u, str) and _NAME.match(u) for u in users):
            raise _error(f"shared file {file} must list the components that use it", here,
                         f'write "{file}" = ["other-component"]')
        for version in versions.values():
            if file not in version.files:
                raise _error(f"shared file {file} is missing from version {version.version}", here,
                             "every version keeps its own copy of a shared file", "pack.missing_file")
        shared[file] = tuple(users)
    return shared


def _load_scenario(path: Path, where: Where) -> Scenario:
    here = where.merged(Where(file=f"scenarios/{path.name}", scenario=path.stem))
    if not _NAME.match(path.stem):
        raise _error(f"scenario name {path.stem!r} must be lowercase words joined by '-'", here, "rename the file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise _error(f"the scenario is not valid JSON: {exc}", here.merged(Where(line=line)), "fix the JSON") from None
    if not isinstance(document, dict) or set(document) != {"description", "data"}:
        raise _error("a scenario is an object with exactly \"description\" and \"data\"", here,
                     'write {"description": "...", "data": {...}}')
    if not isinstance(document["description"], str) or not isinstance(document["data"], dict):
        raise _error("description must be a string and data an object", here, "fix the types")
    return Scenario(path.stem, document["description"], document["data"])


def _load_scenarios(root: Path, where: Where) -> tuple[Scenario, ...]:
    scenarios = tuple(_load_scenario(path, where) for path in sorted((root / "scenarios").glob("*.json")))
    if len(scenarios) < MIN_SCENARIOS:
        raise _error(f"the pack has {len(scenarios)} scenario(s); at least {MIN_SCENARIOS} are required",
                     where.merged(Where(file="scenarios/")),
                     "add scenarios/<name>.json files whose data exercise the template's branches")
    return scenarios


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, str], where: Where) -> None:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, f"{dotted}.", out, where)
        elif isinstance(value, str):
            out[dotted] = value
        else:
            raise _error(f"locale string {dotted} must be a string, got {value!r}",
                         where.merged(Where(path=dotted)), "quote the value")


def _load_locale(root: Path, where: Where) -> dict[str, str]:
    path = root / LOCALE_FILE
    if not path.is_file():
        return {}
    here = where.merged(Where(file=LOCALE_FILE))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _error(f"the locale file is not valid JSON: {exc}", here, "fix the JSON") from None
    if not isinstance(document, dict):
        raise _error("the locale file must hold an object", here, 'write {"products": {"sold_out": "Sold out"}}')
    strings: dict[str, str] = {}
    _flatten(document, "", strings, here)
    return strings


def load_pack(path: Path | str) -> ComponentPack:
    """Read and validate one pack folder (raises :class:`PackError` naming the file and the fix)."""
    root = Path(path)
    where = Where(component=root.name, file=str(root / PACK_FILE))
    manifest = _read_toml(root / PACK_FILE, where)
    _check_keys(manifest, _PACK_KEYS, where)
    name = _text(manifest, "name", where)
    if name != root.name:
        raise _error(f"the pack is named {name!r} but its folder is {root.name!r}", where,
                     "name the folder after the component")
    entry = _relative(_text(manifest, "entry", where), "entry", where)
    stylesheet = _relative(_text(manifest, "stylesheet", where), "stylesheet", where)
    root_selector = _text(manifest, "root_selector", where)
    if not _ROOT_SELECTOR.match(root_selector):
        raise _error(f"root_selector {root_selector!r} must be .class or tag.class", where, 'write ".product-card"')
    versions = _load_versions(root, manifest, entry, stylesheet, where)
    current = _text(manifest, "current", where)
    if current not in versions:
        raise _error(f"current version {current} is not among [[versions]] ({', '.join(versions)})", where,
                     "add its [[versions]] table or fix current")
    return ComponentPack(
        name=name, title=_text(manifest, "title", where), path=root, current=current,
        versions=MappingProxyType(versions), entry=entry, stylesheet=stylesheet, root_selector=root_selector,
        shared=MappingProxyType(_load_shared(manifest, versions, where)),
        scenarios=_load_scenarios(root, Where(component=name)),
        locale=MappingProxyType(_load_locale(root, Where(component=name))),
    )


# --- many packs -------------------------------------------------------------------------------------

class PackRegistry(Mapping[str, ComponentPack]):
    """The packs of a run, by component name (a read-only mapping)."""

    def __init__(self, packs: Iterable[ComponentPack]) -> None:
        self._packs: dict[str, ComponentPack] = {}
        for pack in packs:
            if pack.name in self._packs:
                raise _error(f"two packs are named {pack.name}", Where(component=pack.name, path=str(pack.path)),
                             "give every component its own name")
            self._packs[pack.name] = pack

    def __getitem__(self, name: str) -> ComponentPack:
        return self._packs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._packs)

    def __len__(self) -> int:
        return len(self._packs)

    def get_pack(self, name: str) -> ComponentPack:
        if name not in self._packs:
            raise _error(f"there is no component {name!r}; the known components are {', '.join(self._packs)}",
                         Where(component=name), "fix the record's component, or add a pack for it",
                         "pack.unknown_component")
        return self._packs[name]


def _check_shared(registry: PackRegistry) -> None:
    """A file declared shared is declared by both packs, and their current copies are identical."""
    for pack in registry.values():
        for file, users in pack.shared.items():
            for other_name in users:
                where = Where(component=pack.name, file=file)
                other = registry.get(other_name)
                if other is None or pack.name not in other.shared.get(file, ()):
                    raise _error(f"{file} is declared shared with {other_name}, which does not declare it back",
                                 where, f"add \"{file}\" = [\"{pack.name}\"] to {other_name}'s [shared]",
                                 "pack.shared_mismatch")
                if pack.current_version.files[file] != other.current_version.files[file]:
                    raise _error(f"the current versions of {pack.name} and {other_name} hold different {file}",
                                 where, "release both with the same copy of the shared file",
                                 "pack.shared_mismatch")


def load_packs(root: Path | str) -> PackRegistry:
    """Every pack in the sub-folders of ``root`` (e.g. ``fixtures/components``), checked together."""
    folder = Path(root)
    if not folder.is_dir():
        raise _error(f"{folder} is not a folder of component packs", Where(path=str(folder)),
                     "point at a folder such as fixtures/components", "pack.missing")
    children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    registry = PackRegistry(load_pack(child) for child in children)
    _check_shared(registry)
    return registry


def fixtures_root() -> Path:
    """``harness/_fixtures`` in an installed wheel, else ``<checkout>/fixtures``."""
    here = Path(__file__).resolve().parent
    installed, checkout = here / "_fixtures", here.parent / "fixtures"
    if installed.is_dir():
        return installed
    if checkout.is_dir() and (here.parent / "pyproject.toml").is_file():
        return checkout
    raise _error("the harness's fixtures are not installed", Where(path=str(here)),
                 "reinstall phoenix-harness (the wheel ships harness/_fixtures) or run from a source checkout",
                 "pack.missing")


@functools.cache
def default_packs() -> PackRegistry:
    """The component packs that ship with the harness (loaded once per process)."""
    return load_packs(fixtures_root() / "components")
