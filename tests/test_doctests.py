"""The examples in the docstrings run and print what they show (so they cannot go stale)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import cooccur

MODULES = sorted(m.name for m in pkgutil.walk_packages(cooccur.__path__, "cooccur."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples of {name} failed"


def test_examples_are_collected():
    attempted = sum(doctest.testmod(importlib.import_module(n), report=False).attempted for n in MODULES)
    assert attempted > 150
