"""Debian's chromium, as the browser tests and the screenshots launch it (never downloaded)."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("VENTANILLA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SESSION_KEY = "ventanilla.session"  # where web/js/auth.js keeps the ID token
