"""Argument checks with one wording, shared by every stage.

Each stage checks its arguments where its work starts. These helpers raise
:class:`ValueError` whose message names the argument, says what it must be and
shows the value given, so every module words the same mistake the same way.
The allowed values of a choice come from the one parameter table,
:data:`cooccur.config.PARAMS` (:func:`cooccur.config.param_choices`).

This module imports nothing heavy.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable

from .errors import choices_message

__all__ = ["check_int", "check_choice"]


def check_int(name: str, value: Any, *, minimum: int | None = None, none: str | bool = False) -> Any:
    """Check that ``value`` is a whole number (not a bool), at least ``minimum``; return it.

    Parameters
    ----------
    name : str
        The argument's name, as the user wrote it (the keyword, the TOML key).
    value : object
        The value given. NumPy integers are whole numbers too.
    minimum : int, optional
        The smallest value allowed.
    none : bool or str
        Whether ``None`` is allowed; a string says what ``None`` means
        (``"all cores"``) and is shown in the message.

    Raises
    ------
    ValueError
        ``"<name> must be a whole number ≥ <minimum> [or None (<meaning>)], not <value>"``.

    Examples
    --------
    >>> check_int("top_n", 60, minimum=1)
    60
    >>> check_int("jobs", None, minimum=1, none="all cores") is None
    True
    >>> check_int("jobs", 0, minimum=1, none="all cores")
    Traceback (most recent call last):
    ...
    ValueError: jobs must be a whole number ≥ 1 or None (all cores), not 0
    >>> check_int("seed", True)
    Traceback (most recent call last):
    ...
    ValueError: seed must be a whole number, not True
    """
    if value is None and none is not False:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or (minimum is not None and value < minimum):
        what = "a whole number" if minimum is None else f"a whole number ≥ {minimum}"
        if none is not False:
            what += " or None" if none is True else f" or None ({none})"
        raise ValueError(f"{name} must be {what}, not {value!r}")
    return value


def check_choice(name: str, value: Any, choices: Iterable | None = None) -> Any:
    """Check that ``value`` is one of ``choices``; return it.

    Parameters
    ----------
    name : str
        The argument's name.
    value : object
        The value given.
    choices : iterable, optional
        The allowed values; by default those of the parameter ``name`` in
        :data:`cooccur.config.PARAMS`.

    Raises
    ------
    ValueError
        Naming the value, the closest valid choice and every valid choice
        (:func:`cooccur.errors.choices_message`).

    Examples
    --------
    >>> check_choice("unit", "sentence")
    'sentence'
    >>> check_choice("measure", "jacard")
    Traceback (most recent call last):
    ...
    ValueError: unknown measure 'jacard'; did you mean 'jaccard'? Valid choices: 'jaccard', 'dice', 'simpson', \
'cosine', 'npmi', 'lift', 'log_likelihood'
    """
    if choices is None:
        from .config import param_choices

        choices = param_choices(name)
    choices = tuple(choices)
    if value not in choices:
        raise ValueError(choices_message(name, value, choices))
    return value
