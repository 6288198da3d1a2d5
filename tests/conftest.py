"""Shared test set-up: every test session gets its own SMSKIT_HOME, so nothing touches ~/.smskit."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Set before any smskit module reads it.
os.environ.setdefault("SMSKIT_HOME", tempfile.mkdtemp(prefix="smskit-test-home-"))
os.environ.setdefault("SMSKIT_LANG", "en")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def fixtures() -> Path:
    """The folder of small, hand-made test inputs."""
    return FIXTURES
