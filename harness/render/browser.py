"""Find a Chromium that Playwright can drive, install one if allowed, or say exactly how to get one.

Order: an explicit override (``--browser PATH`` or ``PHOENIX_BROWSER``) → a Playwright-managed Chromium →
a system Chromium (``chromium``, ``chromium-browser``, ``google-chrome``) → an install (``apt-get install
chromium`` as root on Debian/Ubuntu, else ``playwright install chromium``) when ``install=True`` → a
:class:`BrowserNotFoundError` naming the fix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.errors import BrowserNotFoundError

ENV_OVERRIDE = "PHOENIX_BROWSER"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Flags every launch uses: headless in a container as root, and no background traffic on a closed network.
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--font-render-hinting=none",
    "--hide-scrollbars",
    "--mute-audio",
    # Nothing leaves the machine, even what the pages' request routing never sees (a navigation's
    # preconnect, DNS prefetch): every connection goes to a proxy that is not there, every name fails.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
FIX = (
    "install one with `apt-get install -y chromium` (Debian/Ubuntu, as root) or "
    "`python -m playwright install chromium`, or point PHOENIX_BROWSER at a Chromium executable"
)


@dataclass(frozen=True)
class BrowserLocation:
    executable: Path | None  # None: Playwright's own default executable
    origin: str  # "override", "playwright", "system", "installed"

    def describe(self) -> str:
        return f"{self.executable or 'playwright default'} ({self.origin})"


def _playwright_managed() -> Path | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a hard dependency
        return None
    try:
        with sync_playwright() as p:
            path = Path(p.chromium.executable_path)
    except Exception:
        return None
    return path if path.is_file() else None


def _system() -> Path | None:
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _install() -> None:
    """Try the installs that work without a browser download from Google (closed networks)."""
    attempts: list[list[str]] = []
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        attempts.append(["apt-get", "install", "-y", "--no-install-recommends", "chromium", "fonts-dejavu-core"])
    attempts.append([sys.executable, "-m", "playwright", "install", "chromium"])
    for cmd in attempts:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0 and (_system() or _playwright_managed()):
            return
        if cmd[0] == "apt-get" and done.returncode != 0:
            # The package lists may be missing on a fresh machine: refresh once and retry.
            subprocess.run(["apt-get", "update"], capture_output=True, timeout=600, check=False)
            subprocess.run(cmd, capture_output=True, timeout=900, check=False)
            if _system():
                return


def find_browser(override: str | os.PathLike[str] | None = None, *, install: bool = False) -> BrowserLocation:
    """Return where the Chromium to drive lives; see the module docstring for the order."""
    explicit = override or os.environ.get(ENV_OVERRIDE)
    if explicit:
        path = Path(explicit)
        resolved = path if path.is_file() else (Path(found) if (found := shutil.which(str(explicit))) else None)
        if resolved is None:
            raise BrowserNotFoundError(
                f"the browser given by {'--browser' if override else ENV_OVERRIDE} does not exist: {explicit}",
                fix=f"point it at a Chromium executable, or unset it to let the harness find one ({FIX})",
            )
        return BrowserLocation(resolved, "override")
    managed = _playwright_managed()
    if managed:
        return BrowserLocation(managed, "playwright")
    system = _system()
    if system:
        return BrowserLocation(system, "system")
    if install:
        _install()
        managed = _playwright_managed()
        if managed:
            return BrowserLocation(managed, "installed")
        system = _system()
        if system:
            return BrowserLocation(system, "installed")
    raise BrowserNotFoundError("no Chromium found (tried PHOENIX_BROWSER, Playwright's browsers, "
                               f"{', '.join(SYSTEM_NAMES)} on PATH)", fix=FIX)


def descendant_pids(root: int | None = None) -> set[int]:
    """Every live process below ``root`` (default: this process), read from ``/proc``.

    The pool uses it to find the Chromium processes it launched, so a hung browser can be killed (Playwright
    has no timeout on ``evaluate``). Empty where ``/proc`` does not exist: the watchdog then cannot fire.
    """
    root = os.getpid() if root is None else root
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
