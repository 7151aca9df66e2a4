"""What a support engineer should do about each reason: the recorded fix when there is one, else advice.

Reasons come from :mod:`harness.verdicts` (``Reason.code`` is the rule). A blocked reason's fix is the
problem's own ``fix`` (patch error, unsafe template, translation error, broken render) when the evidence
holds one; otherwise, and for review reasons, the advice below says what to look at in the report.
"""

from __future__ import annotations

from harness.evidence import ComponentEvidence, Problem, UserEvidence
from harness.runner.result import UserResult
from harness.verdicts import Reason

ADVICE: dict[str, str] = {
    "eligible": "Nothing to do: this user migrates automatically in its rollout stage (see the plan).",
    "load_problem": "Fix the customization record as the reason says, then run the check again.",
    "patch_failed": "Ask for the diff against the version the user really edited, or migrate this "
                    "customization by hand; nothing can be compared until the diff applies.",
    "unsafe_template": "The customized template uses things a template may not use. It cannot be migrated "
                       "automatically: rewrite the customization without them.",
    "translation_failed": "Some parts of the change have no slot setting (see the translation report, each "
                          "part says why). Migrate those parts by hand or extend the slot declarations.",
    "new_render_broken": "The migrated page fails to render. Check the slot config below against the error; "
                         "report it if the config looks right.",
    "score_below_block": "The migrated page looks clearly different. Compare the renders below (difference "
                         "mode) and read the mismatch list: it names each element that changed.",
    "evidence_missing": "The check did not finish for part of this user. Run it again for this user "
                        "(phoenix run --users ID); if the gap stays, report it as a harness problem.",
    "noisy": "The current page does not render the same way twice (animation, time, random content), so "
             "its score cannot be trusted. Compare the renders by eye and approve if they match.",
    "raw_used": "Part of the change is kept as raw template code. Read it in the slot config below and "
                "confirm it does what the user's diff does.",
    "translation_partial": "The slot config only approximates the change. Read the translation report for the "
                           "parts marked for review, and compare the renders.",
    "grey_zone": "The pages are close but not identical. Compare them side by side and in difference mode; "
                 "approve if no customer would notice.",
    "noticeable_mismatch": "Look at each difference listed under the case. A difference shared by other "
                           "users links to the dashboard, where it can be reviewed once for all of them.",
    "render_cost": "The migrated page needs noticeably more elements or layout work. Check the slot config for "
                   "duplicated content.",
    "patch_needs_confirmation": "Confirm the patched template is what the user sees today: the engine's note "
                                "in the reason says why it may not be (offset, rebase, guessed base version).",
    "not_proven": "Nothing failed, but nothing proved the page unchanged either. Compare the renders.",
    "harness_error": "The harness itself failed on this user; nothing was decided. Run the check again and "
                     "report the error if it repeats.",
    "input_too_deep": "The customization nests elements, blocks or operators deeper than any component needs "
                      "(hundreds of levels). Flatten it, or migrate it by hand.",
}


def advice(code: str) -> str:
    return ADVICE.get(code, "Read the reason and the evidence below.")


def fix_for(reason: Reason, result: UserResult) -> str:
    """The most specific fix for one reason: the recorded problem's fix, else the advice for its rule."""
    problem = _problem_of(reason, result)
    if problem is not None and problem.fix:
        return problem.fix
    return advice(reason.code)


def _problem_of(reason: Reason, result: UserResult) -> Problem | None:
    if reason.code == "harness_error":
        return result.error
    comp = _component(result.evidence, reason.component)
    if comp is None:
        return None
    if reason.code == "patch_failed" and comp.patch is not None:
        return comp.patch.error
    if reason.code == "unsafe_template":
        return comp.safety_problem
    if reason.code == "translation_failed" and comp.translation is not None:
        return comp.translation.error
    if reason.code == "new_render_broken":
        for case in comp.cases:
            if (case.scenario, case.viewport) == (reason.scenario, reason.viewport):
                return case.new_error
    return None


def _component(evidence: UserEvidence, name: str | None) -> ComponentEvidence | None:
    if name is None:
        return None
    return next((c for c in evidence.components if c.component == name), None)


def next_steps(result: UserResult) -> list[str]:
    """What to do, most important first, without repeating the same advice for every case."""
    steps: list[str] = []
    for reason in result.verdict.reasons:
        step = fix_for(reason, result)
        if step not in steps:
            steps.append(step)
    return steps[:4]
