"""The thin adapter from a component pack (``harness.packs.ComponentPack``) to the pure engine.

It relies only on the pack's documented shape (``name``, ``current``, ``versions`` ordered oldest to
newest, each with ``files``), expressed as Protocols, so the engine never imports the pack loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from harness.errors import Where
from harness.patching.engine import apply_customization
from harness.patching.parse import DEFAULT_MAX_BYTES
from harness.patching.values import PatchOutcome


class VersionFiles(Protocol):
    @property
    def files(self) -> Mapping[str, bytes]: ...


class PackLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def current(self) -> str: ...

    @property
    def versions(self) -> Mapping[str, VersionFiles]: ...


def pack_versions(pack: PackLike) -> dict[str, Mapping[str, bytes]]:
    """``version -> path -> bytes`` in the pack's order (oldest first)."""
    return {version: entry.files for version, entry in pack.versions.items()}


def apply_to_pack(diff: bytes, *, pack: PackLike, base_version: str | None, where: Where,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> PatchOutcome:
    """:func:`apply_customization` against ``pack``'s versions, with the component filled into ``where``."""
    return apply_customization(diff, versions=pack_versions(pack), current=pack.current,
                               base_version=base_version, where=Where(component=pack.name).merged(where),
                               max_bytes=max_bytes)
