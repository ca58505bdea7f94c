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


@pytest.fixture(autouse=True)
def _own_compile_cache(tmp_path_factory, monkeypatch) -> None:
    """Every test starts with an empty compile cache of its own (and the suite never
    writes to ~/.cache): no test sees what another compiled. Subprocesses inherit it."""
    monkeypatch.setenv("PLANDOC_CACHE_DIR", str(tmp_path_factory.mktemp("compile-cache")))
