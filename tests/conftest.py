"""Shared pytest fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plans import MINI


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    plan = tmp_path / "plan"
    shutil.copytree(MINI, plan)
    return plan
