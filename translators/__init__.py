"""Translators: turn a legacy customization (a diff of a component's template) into a slot config.

    from translators import translate, translate_customization

    translation = translate_customization(customization)       # or translate(pack, registry, patch_outcome)
    translation.config            # the migrated SlotConfig layer
    translation.report.status     # complete | partial | failed, with every hunk explained

See docs/translators.md.
"""

from translators.assemble import Entry
from translators.base import Op, Outcome, Translator
from translators.changes import Change, CssChange, FileChange, Lines
from translators.report import ChangeReport, HunkReport, Translation, TranslationReport, render_text
from translators.translate import translate, translate_customization
from translators.treediff import TreeDiff, diff_documents

__all__ = ["Change", "ChangeReport", "CssChange", "Entry", "FileChange", "HunkReport", "Lines", "Op", "Outcome",
           "Translation", "TranslationReport", "Translator", "TreeDiff", "diff_documents", "render_text", "translate",
           "translate_customization"]
