"""The default set of finders, in the order they run. Turn parts on/off by building a Masker
with an explicit ``finders=[...]`` list."""
from __future__ import annotations

from .base import Finder


def default_finders() -> list[Finder]:
    from .name import NameFinder

    finders: list[Finder] = [NameFinder()]
    try:  # seal and signature finders (issue 3)
        from .seal import SealFinder

        finders.append(SealFinder())
    except ImportError:
        pass
    try:
        from .signature import SignatureFinder

        finders.append(SignatureFinder())
    except ImportError:
        pass
    return finders
