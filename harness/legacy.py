"""Render a component the way the legacy platform did: its (possibly patched) files, in the sandbox.

``render_legacy(pack, files, data)`` decodes the version's files strictly as UTF-8, refuses unsafe
templates before anything runs, renders the pack's entry template with the scenario data (includes and
imports resolve to the *given* files, so a patched snippet is the one included) and returns the HTML and
the stylesheet text. Environments are cached per distinct set of files, so rendering every scenario of
one user's customization compiles its templates once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import TemplateError, Where
from harness.packs import TEMPLATE_SUFFIX, ComponentPack
from harness.sandbox import (
    DEFAULT_LIMITS,
    PlatformSandbox,
    SandboxLimits,
    check_template_safety,
    make_environment,
    render_template,
)

__all__ = ["LegacyRender", "decode_sources", "render_legacy"]


@dataclass(frozen=True)
class LegacyRender:
    """What the legacy platform served for one component and one scenario."""

    html: str
    css: str


def _decode(name: str, data: bytes, where: Where) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TemplateError(
            f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            where=where.merged(Where(file=name, line=line)),
            fix="save the file as UTF-8 (the diff probably came from an editor using Latin-1 or Windows-1252)",
            code="template.decode",
        ) from None


def decode_sources(pack: ComponentPack, files: Mapping[str, bytes], *, where: Where | None = None) -> dict[str, str]:
    """The text of every template and of the stylesheet in ``files`` (strict UTF-8, ``template.decode``)."""
    where = Where(component=pack.name).merged(where or Where())
    for required in (pack.entry, pack.stylesheet):
        if required not in files:
            raise TemplateError(
                f"the component's {required} is missing from the files to render",
                where=where.merged(Where(file=required)),
                fix="a customization may change this file but not delete it", code="template.missing",
            )
    return {name: _decode(name, data, where) for name, data in sorted(files.items())
            if name.endswith(TEMPLATE_SUFFIX) or name == pack.stylesheet}


@functools.lru_cache(maxsize=64)
def _environment(templates: tuple[tuple[str, str], ...], locale: tuple[tuple[str, str], ...],
                 limits: SandboxLimits) -> PlatformSandbox:
    return make_environment(dict(templates), locale=dict(locale), limits=limits)


def render_legacy(pack: ComponentPack, files: Mapping[str, bytes], data: Mapping[str, Any], *,
                  limits: SandboxLimits = DEFAULT_LIMITS, where: Where | None = None) -> LegacyRender:
    """Render ``files`` (a version's files, possibly patched) of ``pack`` with scenario ``data``.

    Raises :class:`TemplateError` (``template.decode``, ``template.syntax``, ``template.missing``,
    ``template.runtime``), :class:`UnsafeTemplateError` or :class:`TemplateLimitError`, with ``where``
    filled from the arguments (user, version, scenario ...) and the file and line at fault.
    """
    where = Where(component=pack.name).merged(where or Where())
    sources = decode_sources(pack, files, where=where)
    templates = {name: text for name, text in sources.items() if name.endswith(TEMPLATE_SUFFIX)}
    for name, text in templates.items():
        check_template_safety(text, name=name, where=where)
    env = _environment(tuple(templates.items()), tuple(pack.locale.items()), limits)
    try:
        html = render_template(env, pack.entry, data, limits=limits)
    except TemplateError as exc:
        raise exc.at(where) from exc.__cause__
    return LegacyRender(html=html, css=sources[pack.stylesheet])
