"""The one error hierarchy of the harness.

Every error says what went wrong, where (user, component, file, hunk, slot, path) and how to fix it.
Errors about one user's input are *results* for that user (the run goes on); only errors about the
harness itself (no browser, a broken config file) stop a run.

    raise PatchError(
        "context line 3 of the hunk does not match the base template",
        where=Where(user="u042", component="product-card", file="template.html.j2", hunk=2),
        fix="regenerate the diff against version 3.0.0 or record the version it was made against",
        code="patch.context_mismatch",
    )
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Where:
    """Where a problem is: every field optional, printed in a fixed order."""

    user: str | None = None
    component: str | None = None
    version: str | None = None
    file: str | None = None
    hunk: int | None = None
    line: int | None = None
    slot: str | None = None
    path: str | None = None
    scenario: str | None = None
    viewport: str | None = None
    source: str | None = None

    def __str__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                parts.append(f"{f.name} {value}")
        return ", ".join(parts)

    def merged(self, other: Where) -> Where:
        """Fill the fields this one lacks from ``other`` (used when an error travels up a layer)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for f in fields(other):
            if values[f.name] is None:
                values[f.name] = getattr(other, f.name)
        return Where(**values)

    def as_dict(self) -> dict[str, str | int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


class PhoenixError(Exception):
    """Base of every error the harness raises on purpose.

    ``code`` is a stable dotted identifier (``patch.context_mismatch``) that reports group by and tests
    assert on; ``message`` is one sentence for a person; ``fix`` says what to do about it.
    """

    default_code = "phoenix.error"

    def __init__(self, message: str, *, where: Where | None = None, fix: str | None = None,
                 code: str | None = None) -> None:
        self.message = message
        self.where = where or Where()
        self.fix = fix
        self.code = code or self.default_code
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        where = str(self.where)
        if where:
            text = f"{where}: {text}"
        if self.fix:
            text = f"{text} (fix: {self.fix})"
        return text

    def at(self, where: Where) -> PhoenixError:
        """Return the same error with missing location fields filled from ``where``."""
        self.where = self.where.merged(where)
        self.args = (str(self),)
        return self

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "where": self.where.as_dict(), "fix": self.fix,
                "error": type(self).__name__}


# --- input: records, packs, diffs -------------------------------------------------------------------

class InputError(PhoenixError):
    """A customization record could not be read (bad JSONL line, unreadable file, bad row)."""

    default_code = "input.invalid"


class PackError(PhoenixError):
    """A component pack is missing, malformed, or lacks the version a record names."""

    default_code = "pack.invalid"


class PatchError(PhoenixError):
    """A diff could not be parsed or applied exactly (see ``code`` for which rule it broke)."""

    default_code = "patch.failed"


class TemplateError(PhoenixError):
    """A template could not be rendered in the sandbox."""

    default_code = "template.error"


class UnsafeTemplateError(TemplateError):
    """A template tries to reach Python internals; it is never executed."""

    default_code = "template.unsafe"


class TemplateLimitError(TemplateError):
    """A template exceeded the output-size or time budget of the sandbox."""

    default_code = "template.limit"


class TreeError(PhoenixError):
    """A template could not be queried or edited as a tree (bad selector, impossible edit)."""

    default_code = "tree.error"


# --- the slot system --------------------------------------------------------------------------------

class SlotConfigError(PhoenixError):
    """A slot config is invalid for its component (unknown slot, forbidden operation, hostile value)."""

    default_code = "slots.invalid"


class SlotDeclarationError(PackError):
    """A pack's slot declarations are inconsistent with its templates (an anchor does not resolve)."""

    default_code = "slots.declaration"


# --- translation, rendering, scoring ----------------------------------------------------------------

class TranslationError(PhoenixError):
    """The translator itself failed (not: a change it could not express, which is a report entry)."""

    default_code = "translate.error"


class RenderError(PhoenixError):
    """A page could not be rendered (timeout, crash, browser gone)."""

    default_code = "render.error"


class BrowserNotFoundError(RenderError):
    """No Chromium could be found or installed; an infrastructure error, not a user's fault."""

    default_code = "render.no_browser"


class ScoringError(PhoenixError):
    default_code = "score.error"


# --- running ----------------------------------------------------------------------------------------

class ConfigError(PhoenixError):
    """``[tool.phoenix]`` / ``phoenix.toml`` or a command-line option is invalid (exit code 2)."""

    default_code = "config.invalid"


class StoreError(PhoenixError):
    """The results store could not be read or written (exit code 3)."""

    default_code = "store.error"
