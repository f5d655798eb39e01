from datetime import datetime, timezone
from pathlib import Path

import pytest

from livesafe.hub import logic
from livesafe.hub.content import load_library

CONTENT = Path(__file__).resolve().parents[2] / "content"
# A fixed "now" for everything that depends on the date: 1 November 2026, noon UTC.
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def library():
    return load_library(CONTENT)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(logic, "current_time", lambda: NOW)
    return NOW
