"""Malformed and hostile customizations: what a real export holds besides honest diffs.

Each builder takes a valid diff (and its record fields) and damages it the way the wild does. The
generator checks every result against the patch engine (or the pack registry, or the sandbox) and
records the error ``code`` that blocks it, so the ground truth is measured, never assumed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

# The payloads a template-injection probe tries (all refused by the sandbox's static check).
SSTI_PAYLOADS = (
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
)
UNKNOWN_COMPONENTS = ("mega-menu", "product-grid", "announcement-bar")
_HUNK = re.compile(rb"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@", re.M)


@dataclass(frozen=True)
class Damaged:
    """A damaged record: the diff and the fields that changed; ``expected`` is the code it should get."""

    diff: bytes
    expected: str
    component: str | None = None  # a replacement component name
    base_version: str | None = None  # a replacement base version


Damage = Callable[[bytes, random.Random], Damaged]


def truncated(diff: bytes, rng: random.Random) -> Damaged:
    """The export stopped mid-hunk (a size limit, a crashed job)."""
    lines = diff.splitlines(keepends=True)
    return Damaged(b"".join(lines[:-rng.choice((1, 2))]), "patch.truncated")


def lying_counts(diff: bytes, rng: random.Random) -> Damaged:
    """The first hunk header undercounts its lines (hand-edited diffs): tools silently drop the rest."""
    def shrink(match: re.Match[bytes]) -> bytes:
        old_start, old_len, new_start, new_len = (int(group) for group in match.groups())
        return b"@@ -%d,%d +%d,%d @@" % (old_start, old_len - 1, new_start, new_len - 1)
    return Damaged(_HUNK.sub(shrink, diff, count=1), "patch.hunk_count")


def wrong_version(diff: bytes, rng: random.Random) -> Damaged:
    """The record names a version the component never had (a typo, another component's version)."""
    return Damaged(diff, "patch.unknown_version", base_version=rng.choice(("2.0.0", "1.9.9", "0.9.0")))


def unknown_component(diff: bytes, rng: random.Random) -> Damaged:
    """The record names a component the platform does not have (a retired or misspelt one)."""
    return Damaged(diff, "pack.unknown_component", component=rng.choice(UNKNOWN_COMPONENTS))


def binary_patch(diff: bytes, rng: random.Random) -> Damaged:
    """A git binary patch (someone saved the template with an image editor's encoding)."""
    header = diff.split(b"\n", 1)[0] + b"\n"
    body = (b"GIT binary patch\nliteral 1841\n"
            b"zcmV-v2gg`;0RR9100004XF*Lt006O%3;baP0000W09ZLP01UAJ001BJ0000;0002i\n\n")
    return Damaged(header + b"index 3f2a1c4..9b8e7d6 100644\n" + body, "patch.binary")


def path_traversal(diff: bytes, rng: random.Random) -> Damaged:
    """The diff's paths climb out of the component folder."""
    target = rng.choice((b"../../../etc/passwd", b"../../harness/sandbox/__init__.py",
                         b"../shared/theme.liquid"))
    names = sorted(set(re.findall(rb"^--- a/(\S+)$", diff, re.M)))
    damaged = diff
    for name in names[:1]:
        damaged = damaged.replace(b"a/" + name, b"a/" + target).replace(b"b/" + name, b"b/" + target)
    return Damaged(damaged, "patch.unsafe_path")


def nul_bytes(diff: bytes, rng: random.Random) -> Damaged:
    """A NUL byte inside an added line (binary junk pasted into the editor)."""
    return Damaged(_in_added_line(diff, b"\x00"), "patch.binary")


def non_utf8(diff: bytes, rng: random.Random) -> Damaged:
    """An added line in Latin-1 (a legacy editor): not UTF-8 inside a hunk."""
    return Damaged(_in_added_line(diff, b" caf\xe9 cr\xe8me"), "patch.encoding")


def crlf_mix(diff: bytes, rng: random.Random) -> Damaged:
    """Some lines of the diff end in CRLF and others in LF (copied between Windows and Unix tools)."""
    lines = diff.splitlines(keepends=True)
    context = [i for i, line in enumerate(lines) if line.startswith(b" ")]
    if not context:
        return Damaged(diff, "patch.line_endings")
    chosen = rng.choice(context)
    lines[chosen] = lines[chosen][:-1] + b"\r\n"
    return Damaged(b"".join(lines), "patch.line_endings")


def _in_added_line(diff: bytes, junk: bytes) -> bytes:
    lines = diff.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(b"+") and not line.startswith(b"+++"):
            lines[i] = line[:-1] + junk + b"\n"
            break
    return b"".join(lines)


# name -> how to damage a valid diff. The SSTI probe is not a damage: it is a valid diff whose *content*
# is hostile, built by the generator with :func:`ssti_line`.
DAMAGES: dict[str, Damage] = {
    "truncated": truncated,
    "lying-hunk-counts": lying_counts,
    "wrong-version": wrong_version,
    "unknown-component": unknown_component,
    "binary-patch": binary_patch,
    "path-traversal": path_traversal,
    "nul-bytes": nul_bytes,
    "non-utf8": non_utf8,
    "crlf-mix": crlf_mix,
}
SSTI = "ssti"
HOSTILE_KINDS = (*DAMAGES, SSTI)


def ssti_line(rng: random.Random) -> str:
    """A line a template-injection probe adds to a template."""
    return f'  <span class="debug" hidden>{rng.choice(SSTI_PAYLOADS)}</span>\n'
