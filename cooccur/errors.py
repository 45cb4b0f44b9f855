"""Exceptions raised by cooccur.

Invalid *arguments* raise :class:`ValueError` with the fix in the message.
Problems with the *input* raise a :class:`CooccurError` subclass that carries the
file and, where known, the line, so the CLI can print one clear line.
:class:`ConfigError` (an unknown keyword or TOML key, a value outside the
choices) is both: a :class:`CooccurError` and a :class:`ValueError`, so
``except ValueError`` catches every invalid argument.
"""

from __future__ import annotations

__all__ = [
    "CooccurError",
    "InputError",
    "DecodeError",
    "FormatError",
    "ConfigError",
    "AnalysisError",
    "OutputError",
    "choices_message",
]


class CooccurError(Exception):
    """Base class for problems with the input, the config or the output folder.

    Parameters
    ----------
    message : str
        What was wrong and how to fix it.
    path : str, optional
        The file concerned.
    line : int, optional
        1-based line in that file, where known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return where + self.message


class InputError(CooccurError):
    """An input file cannot be used (empty, binary, unsupported)."""


class DecodeError(InputError):
    """The bytes of an input file are not valid in any supported encoding."""


class FormatError(InputError):
    """An input file decodes but cannot be parsed in the detected or requested format."""


class ConfigError(CooccurError, ValueError):
    """The config file or a parameter value is invalid (also a :class:`ValueError`).

    >>> try:
    ...     raise ConfigError("unknown parameter 'top_m'. Did you mean 'top_n'?", path="settings.toml")
    ... except ValueError as exc:
    ...     print(exc)
    settings.toml: unknown parameter 'top_m'. Did you mean 'top_n'?
    """


class AnalysisError(CooccurError):
    """The settings leave nothing to analyse (e.g. no term survives filtering)."""


class OutputError(CooccurError):
    """The output folder cannot be written safely."""


def choices_message(name: str, value: object, choices) -> str:
    """One wording for "unknown value" errors, with a did-you-mean suggestion.

    >>> choices_message("measure", "jacard", ["jaccard", "dice"])
    "unknown measure 'jacard'; did you mean 'jaccard'? Valid choices: 'jaccard', 'dice'"
    """
    import difflib

    choices = [str(c) for c in choices]
    msg = f"unknown {name} {value!r}"
    close = difflib.get_close_matches(str(value), choices, n=1)
    if close:
        msg += f"; did you mean {close[0]!r}?"
    else:
        msg += ";"
    return msg + " Valid choices: " + ", ".join(repr(c) for c in choices)
