"""``SlotRenderer``: a merged slot config + scenario data -> HTML and CSS, through the one sandbox.

    renderer = SlotRenderer(pack)
    result = renderer.render(config, scenario.data)      # SlotRender(html, css)

The config is validated against the pack first (an invalid config is a ``SlotConfigError``, never a
half-applied render). Settings drive template variables: a setting the config sets overrides the
scenario's value; a setting that only comes from the defaults layer is left out (the store's own value,
or the template's fallback, stays), so the defaults layer alone never changes a render.
CSS is the version's stylesheet followed by each ``custom_css`` entry inside ``@scope (<root>)``.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import SlotConfigError, TemplateError, Where
from harness.jinjatree import TreeEditError
from harness.legacy import decode_sources
from harness.packs import TEMPLATE_SUFFIX, ComponentPack
from harness.sandbox import DEFAULT_LIMITS, PlatformSandbox, SandboxLimits, make_environment, render_template
from harness.slots.apply import apply_config
from harness.slots.config import SlotConfig
from harness.slots.issues import join
from harness.slots.merge import DEFAULTS
from harness.slots.merger import MergedConfig
from harness.slots.registry import SlotRegistry
from harness.slots.validate import validate_config

_TEMPLATE_CACHE_SIZE = 64


@dataclass(frozen=True)
class SlotRender:
    html: str
    css: str


class SlotRenderer:
    """Renders slot configs of one component pack."""

    def __init__(self, pack: ComponentPack, *, registry: SlotRegistry | None = None,
                 limits: SandboxLimits = DEFAULT_LIMITS) -> None:
        self.pack = pack
        self.registry = registry or SlotRegistry.for_pack(pack)
        self.limits = limits
        # A config is usually rendered for every scenario in a row: validate, apply and print it once.
        self._templates: dict[tuple[str, str], str] = {}

    def check(self, config: SlotConfig, version: str | None = None) -> None:
        """Raise the config's first error (with the count of the others) when it is invalid."""
        pinned = config.model_copy(update={"version": self._version(config, version)})
        problems = validate_config(pinned, self.registry.declarations, versions=self.registry.versions)
        if problems:
            raise _summary(problems)

    def template(self, config: SlotConfig, version: str | None = None) -> str:
        """The entry template's source with ``config`` applied (validated first)."""
        version = self._version(config, version)
        key = (config.model_dump_json(), version)
        cached = self._templates.get(key)
        if cached is not None:
            return cached
        self.check(config, version)
        try:
            source = apply_config(config, self.registry.resolve(version)).print()
        except TreeEditError as exc:
            raise SlotConfigError(f"the config cannot be applied to version {version}: {exc.message}",
                                  where=Where(component=self.pack.name, version=version), fix=exc.fix,
                                  code="slots.not_applicable") from exc
        if len(self._templates) >= _TEMPLATE_CACHE_SIZE:
            self._templates.clear()
        self._templates[key] = source
        return source

    def css(self, config: SlotConfig, version: str | None = None) -> str:
        files = self.pack.version(self._version(config, version)).files
        parts = [files[self.pack.stylesheet].decode("utf-8")]
        for css_id, rules in config.custom_css.items():
            if rules is not None:
                parts.append(f"/* custom_css {css_id} */\n@scope ({self.pack.root_selector}) {{\n{rules}\n}}\n")
        return "\n".join(parts)

    def render(self, config: SlotConfig | MergedConfig, data: Mapping[str, Any], *,
               version: str | None = None, where: Where | None = None) -> SlotRender:
        defaults_only: frozenset[str] = frozenset()
        if isinstance(config, MergedConfig):
            if config.errors:
                raise _summary(config.errors)
            defaults_only = frozenset(path for path, layer in config.origins.items() if layer == DEFAULTS)
            config = config.config
        version = self._version(config, version)
        where = Where(component=self.pack.name, version=version).merged(where or Where())
        source = self.template(config, version)
        sources = decode_sources(self.pack, self.pack.version(version).files, where=where)
        templates = {name: text for name, text in sources.items() if name.endswith(TEMPLATE_SUFFIX)}
        templates[self.pack.entry] = source
        env = _environment(tuple(templates.items()), tuple(self.pack.locale.items()), self.limits)
        context = self._context(config, data, defaults_only)
        try:
            html = render_template(env, self.pack.entry, context, limits=self.limits)
        except TemplateError as exc:
            raise exc.at(where) from exc.__cause__
        return SlotRender(html, self.css(config, version))

    def _version(self, config: SlotConfig, version: str | None) -> str:
        return version or config.version or self.pack.current

    def _context(self, config: SlotConfig, data: Mapping[str, Any], defaults_only: frozenset[str]) -> dict[str, Any]:
        context = copy.deepcopy(dict(data))
        for slot_id, override in config.slots.items():
            decl = self.registry.declarations.slots.get(slot_id)
            if override is None or decl is None:
                continue
            for name, value in (override.settings or {}).items():
                setting = decl.settings.get(name)
                if setting is None or value is None:
                    continue
                if join("slots", slot_id, "settings", name) not in defaults_only:
                    _set(context, setting.variable.split("."), value)
        return context


@functools.lru_cache(maxsize=64)
def _environment(templates: tuple[tuple[str, str], ...], locale: tuple[tuple[str, str], ...],
                 limits: SandboxLimits) -> PlatformSandbox:
    return make_environment(dict(templates), locale=dict(locale), limits=limits)


def _set(context: dict[str, Any], keys: list[str], value: Any) -> None:
    node = context
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = value


def _summary(problems: tuple[SlotConfigError, ...]) -> SlotConfigError:
    first = problems[0]
    if len(problems) == 1:
        return first
    return SlotConfigError(f"{first.message} (and {len(problems) - 1} more problems)", where=first.where,
                           fix=first.fix, code=first.code)
