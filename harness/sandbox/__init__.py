"""The one Jinja sandbox, shared by legacy rendering and the SlotRenderer.

Templates here are user-edited, so they are hostile until proven otherwise. Three layers:

1. :func:`check_template_safety` (:mod:`.safety`) walks the parsed template (and its string literals)
   *before anything runs* and refuses references to Python internals (``template.unsafe``). Every template
   the environment compiles passes this check (:meth:`PlatformSandbox.compile`), includes too.
2. Jinja's ``ImmutableSandboxedEnvironment`` (:mod:`.environment`) stops at run time what a static check
   cannot see (names built from data); we make that access an error instead of a silent empty string.
3. Budgets (:class:`SandboxLimits`): output size and time are checked while ``generate()`` streams, in
   every loop iteration, call and include, and before every operation that can multiply a string
   (``*``, ``**``, ``+``, ``%``, ``~``, joins of buffered blocks, the widening string methods and filters).

Platform filters (:mod:`.filters`): ``money`` (cents → ``$1,234.50``), ``t`` (locale lookup, ``%{name}`` or
``{{ name }}`` interpolation, a visible ``translation missing: key`` marker), ``img_url(image, width)``.
"""

from __future__ import annotations

from harness.sandbox.environment import (
    DEFAULT_LIMITS,
    PlatformSandbox,
    SandboxLimits,
    make_environment,
    render_template,
)
from harness.sandbox.filters import img_url, money, platform_filters, translator
from harness.sandbox.safety import UNSAFE_ATTRIBUTES, UNSAFE_FILTERS, UNSAFE_NAMES, check_template_safety

__all__ = [
    "DEFAULT_LIMITS",
    "UNSAFE_ATTRIBUTES",
    "UNSAFE_FILTERS",
    "UNSAFE_NAMES",
    "PlatformSandbox",
    "SandboxLimits",
    "check_template_safety",
    "img_url",
    "make_environment",
    "money",
    "platform_filters",
    "render_template",
    "translator",
]
