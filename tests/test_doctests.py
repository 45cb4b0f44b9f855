"""The examples in the docstrings run and print what they show (so they cannot go stale).

Each module's examples run once, in :func:`test_docstring_examples`;
:func:`test_examples_are_collected` only counts them (with the same finder
:func:`doctest.testmod` uses), so nothing runs twice.
"""

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


def _examples(name: str) -> int:
    """The examples doctest.testmod runs in a module (those found, less those marked +SKIP)."""
    module = importlib.import_module(name)
    return sum(not e.options.get(doctest.SKIP, False)
               for t in doctest.DocTestFinder().find(module, module.__name__) for e in t.examples)


def test_examples_are_collected():
    assert _examples("cooccur.validate") == 6  # check_int 4, check_choice 2
    assert _examples("cooccur.pipeline") == 2  # of 5: the module docstring's three +SKIP lines are not run
    assert sum(_examples(n) for n in MODULES) > 150
