"""smskit is pure logic: importing it must not pull in UI or provider libraries (CONVENTIONS §2)."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("ipywidgets", "IPython", "traitlets", "voila", "twilio")


def test_importing_smskit_pulls_in_no_ui_or_twilio() -> None:
    code = (
        "import sys, pkgutil, importlib, smskit\n"
        "for m in pkgutil.walk_packages(smskit.__path__, 'smskit.'):\n"
        "    if m.name.startswith(('smskit.providers.twilio', 'smskit.cli')):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        f"print(','.join(n for n in {FORBIDDEN!r} if n in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"smskit imported: {result.stdout.strip()}"
