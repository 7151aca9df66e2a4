"""One module per kind of change. Each module defines ``TRANSLATOR``; they are discovered, not listed.

Adding a kind means adding a module with a ``TRANSLATOR`` (a :class:`~translators.base.Translator`).
The first translator (lowest ``priority``) whose ``handles`` is true translates a change, so the
refusals come first (other files, scripts, changes outside or across slots), then the exact
operations, then the ``raw`` fallback, then a catch-all that reports the change as unconverted.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from translators.base import Translator


@functools.cache
def registry() -> tuple[Translator, ...]:
    """Every translator in ``translators.kinds``, ordered by priority (then name, for determinism)."""
    found: list[Translator] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        translator = getattr(module, "TRANSLATOR", None)
        if translator is not None:
            found.append(translator)
    return tuple(sorted(found, key=lambda t: (t.priority, t.name)))


__all__ = ["registry"]
