"""Shared fixtures: the real OCR engine (loaded once per session), paths to shared/ data, and the
sample generator on sys.path."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def realworld_dir() -> Path:
    d = SHARED / "realworld"
    if not d.is_dir():
        pytest.skip("shared/realworld not present")
    return d


@pytest.fixture(scope="session")
def engine():
    from masker.ocr.factory import create_engine

    return create_engine("rapidocr")


@pytest.fixture(scope="session")
def masker_real(engine):
    from masker import Masker

    return Masker(engine=engine)
