"""Coding rules (コーディングルール): KH Coder's rule files, evaluated on the units.

A rule file (UTF-8, UTF-8 with BOM, CP932 or EUC-JP) holds codes::

    # 行政のデジタル化に関するコード
    *標準化
    標準化 | 共通化 | ガバメントクラウド
    *人材
    (ICT人材 | 採用 | 育成) & !退職
    *連携
    near(情報-共有)[b] or <*標準化>

* A line starting with ``*`` or ``＊`` names a code; the lines after it, up to
  the next code, are its condition. ``#`` starts a comment (outside quotes).
  A code defined twice, or a condition before the first code, is an error.
* Conditions: words; ``|`` / ``or``; ``&`` / ``and``; ``!`` / ``not`` (``&!``
  is and-not); parentheses; ``'文字列'`` (a substring of the unit's text);
  ``A+B`` (consecutive words); ``near(A-B-C)`` (all within 10 words) and
  ``seq(A-B)`` (in this order, within 10 words) with options ``[b]`` (same
  sentence), ``[d]`` (same paragraph), a number for the window (``[5]``,
  ``[b5]``); ``<*code>`` (another code); ``<>variable-->value`` (a metadata
  value). Operators may be written with or without spaces (``A|B`` as
  ``A | B``); words side by side without an operator are joined by *or*.
  Full-width operators (``｜＆！（）``) are read as the ASCII ones.
* A word matches a token whose counted ``term``, ``dictionary_form`` or
  ``surface`` equals it (after NFKC), so 標準化, a conjugated verb's base form
  and a particle written in the rule all match. Words that never occur are
  reported as warnings. Positions for ``near``/``seq``/``+`` count every token
  of the utterance (particles too) and never cross an utterance.
* Errors name the line and column and say what to write instead.

Examples
--------
>>> rules = parse_coding_rules("*標準化\\n標準化|共通化\\n*人材\\n採用 & !退職")
>>> [r.name for r in rules], rules[0].condition
(['標準化', '人材'], ('or', ('word', '標準化'), ('word', '共通化')))
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CooccurError

__all__ = ["CodingRule", "CodingResult", "CodingRuleError", "parse_coding_rules", "read_coding_rules",
           "apply_coding_rules", "code_crosstab", "code_network", "NO_CODE"]

#: Label of the units that no code matched (KH Coder's ＃コード無し).
NO_CODE = "#コードなし"
_DEFAULT_WINDOW = 10
_OPS = {"|": "|", "｜": "|", "&": "&", "＆": "&", "!": "!", "！": "!", "(": "(", "（": "(", ")": ")", "）": ")"}
_QUOTES = "'＇"
_WORD_OPS = {"or": "|", "and": "&", "not": "!"}
_GLUED = re.compile(r"(?<=[^\x00-\x7f])(and|or|not)(?=[^\x00-\x7f])", re.I)


class CodingRuleError(CooccurError):
    """A coding-rule file that cannot be read: the message names the line and column and the fix."""


@dataclass
class CodingRule:
    """One code: its name, parsed condition (nested tuples) and where it was defined."""

    name: str
    condition: tuple
    line: int
    text: str = ""


@dataclass
class CodingResult:
    """Result of :func:`apply_coding_rules`.

    Attributes
    ----------
    codes : list of str
        Code names in file order.
    units : DataFrame
        One row per unit: the unit keys (``doc_id``, ``utterance_id``, …) then a
        0/1 column per code (``code_units.csv``).
    summary : DataFrame
        ``code, units, share`` (share in % of all units), plus a ``#コードなし`` row.
    unit : str
    warnings : list of str
    """

    codes: list
    units: pd.DataFrame
    summary: pd.DataFrame
    unit: str
    warnings: list = field(default_factory=list)
    #: Set by ``analyze``: the cross-tab and its info (with group_by) and the network of codes.
    crosstab: pd.DataFrame | None = None
    crosstab_info: dict | None = None
    graph: object = None

    def matrix(self) -> np.ndarray:
        """The units × codes 0/1 matrix (int8)."""
        return self.units[self.codes].to_numpy(dtype=np.int8)


# --------------------------------------------------------------------------- parsing
def read_coding_rules(path: str | Path) -> list[CodingRule]:
    """Read a KH Coder coding-rule file (UTF-8 with or without BOM, CP932, EUC-JP)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CodingRuleError("coding-rule file not found; check the --coding-rules path", path=str(path)) from None
    for enc in ("utf-8-sig", "cp932", "euc-jp"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CodingRuleError("not UTF-8, CP932 or EUC-JP text; save the rule file as UTF-8", path=str(path))
    return parse_coding_rules(text, source=str(path))


def parse_coding_rules(text: str, *, source: str = "coding rules") -> list[CodingRule]:
    """Parse the text of a rule file into :class:`CodingRule` objects (file order).

    Raises
    ------
    CodingRuleError
        Syntax errors, a code defined twice, an unknown ``<*code>``, a cycle of references.
    """
    codes: list[CodingRule] = []
    where: dict[str, int] = {}
    current = None  # (name, line, [(line_no, col_offset, text)])
    pending: list = []

    def close():
        if current is None:
            return
        name, line, parts = current
        toks = [t for ln, off, part in parts for t in _lex(part, ln, off, source)]
        if not toks:
            raise CodingRuleError(f"code *{name} has no condition: write its words on the lines after *{name}",
                                  path=source, line=line)
        cond = _Parser(toks, source, line).parse()
        codes.append(CodingRule(name, cond, line, " ".join(p for _, _, p in parts).strip()))

    for ln, raw in enumerate(text.splitlines(), start=1):
        body = _strip_comment(raw)
        stripped = body.strip()
        if not stripped:
            continue
        if stripped[0] in "*＊":
            close()
            name = unicodedata.normalize("NFKC", stripped[1:]).strip()
            if not name:
                raise CodingRuleError("a code line needs a name after '*', e.g. *標準化", path=source, line=ln)
            if name in where:
                raise CodingRuleError(f"column 1: code *{name} is defined twice (first on line {where[name]}); "
                                      "rename one or merge their conditions with |", path=source, line=ln)
            where[name] = ln
            current = (name, ln, [])
            continue
        if current is None:
            raise CodingRuleError(f"column {len(body) - len(body.lstrip()) + 1}: a condition before the first code; "
                                  "start the file with a code line such as *標準化", path=source, line=ln)
        current[2].append((ln, 0, body))
    close()
    if not codes:
        raise CodingRuleError("no code found: a rule file has lines '*name' each followed by a condition",
                              path=source)
    _check_references(codes, source)
    return codes


def _strip_comment(line: str) -> str:
    quoted = False
    for i, ch in enumerate(line):
        if ch in _QUOTES:
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i]
    return line


def _err(source, line, col, message):
    return CodingRuleError(f"column {col}: {message}", path=source, line=line)


def _lex(text: str, line: int, offset: int, source: str) -> list[tuple]:
    """Tokens ``(kind, value, line, column)``; kinds: op, word, str, ref, var, near."""
    out, i, n = [], 0, len(text)
    stop = set(_OPS) | set(_QUOTES) | {"<"}
    while i < n:
        ch = text[i]
        col = offset + i + 1
        if ch.isspace():
            i += 1
        elif ch in _OPS:
            out.append(("op", _OPS[ch], line, col))
            i += 1
        elif ch in _QUOTES:
            j = next((k for k in range(i + 1, n) if text[k] in _QUOTES), -1)
            if j < 0:
                raise _err(source, line, col, "a quote ' is never closed: write 'text' on one line")
            if j == i + 1:
                raise _err(source, line, col, "an empty '' matches everything: put the text between the quotes")
            out.append(("str", unicodedata.normalize("NFKC", text[i + 1:j]), line, col))
            i = j + 1
        elif ch == "<":
            j = text.find(">", i + 2 if text.startswith("<>", i) else i + 1)
            if text.startswith("<*", i) and j > i + 2:
                out.append(("ref", unicodedata.normalize("NFKC", text[i + 2:j]).strip(), line, col))
                i = j + 1
            elif text.startswith("<>", i):
                m = re.match(r"<>([^\s<>()|&!]+?)-->([^\s()|&!]+)", text[i:])
                if not m:
                    raise _err(source, line, col, "write a metadata condition as <>variable-->value, e.g. <>区分-->区部")
                out.append(("var", (m.group(1), unicodedata.normalize("NFKC", m.group(2))), line, col))
                i += m.end()
            else:
                raise _err(source, line, col, "'<' starts a code reference <*code> or a variable <>name-->value; "
                                              "check the brackets")
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in stop:
                j += 1
            word = text[i:j]
            low = word.lower()
            if low in _WORD_OPS:
                out.append(("op", _WORD_OPS[low], line, col))
                i = j
                continue
            if low in ("near", "seq") and j < n and text[j] in "(（":
                i = _lex_near(text, i, j, low, line, offset, source, out)
                continue
            m = _GLUED.search(word)
            if m:
                raise _err(source, line, col + m.start(1),
                           f"'{word}' reads as one word: put spaces around '{m.group(1)}' "
                           f"({word[:m.start(1)]} {m.group(1)} {word[m.end(1):]}) or use "
                           f"{_WORD_OPS[m.group(1).lower()]}")
            parts = [unicodedata.normalize("NFKC", p) for p in word.split("+")]
            if any(not p for p in parts):
                raise _err(source, line, col, f"'{word}': '+' joins two words (A+B), one is missing")
            out.append(("word", parts[0], line, col) if len(parts) == 1 else ("seq+", tuple(parts), line, col))
            i = j
    return out


def _lex_near(text, i, j, kind, line, offset, source, out) -> int:
    col = offset + i + 1
    close = next((k for k in range(j + 1, len(text)) if text[k] in ")）"), -1)
    if close < 0:
        raise _err(source, line, col, f"{kind}( is never closed: write {kind}(A-B)")
    words = [unicodedata.normalize("NFKC", w.strip()) for w in re.split("[-－]", text[j + 1:close])]
    if len(words) < 2 or any(not w for w in words):
        raise _err(source, line, col, f"{kind}() needs two or more words joined by '-', e.g. {kind}(情報-共有)")
    k = close + 1
    scope, window = None, _DEFAULT_WINDOW
    if k < len(text) and text[k] in "[［":
        end = next((m for m in range(k + 1, len(text)) if text[m] in "]］"), -1)
        opt = unicodedata.normalize("NFKC", text[k + 1:end]).strip() if end > 0 else None
        m = re.fullmatch(r"([bd]?)(\d*)", opt or "")
        if end < 0 or not m or not opt:
            raise _err(source, line, offset + k + 1, f"unknown {kind}() option [{opt or ''}: use [b] (same sentence), "
                                                     "[d] (same paragraph) or a number of words, e.g. [b] or [5]")
        scope = m.group(1) or None
        window = int(m.group(2)) if m.group(2) else (None if scope else _DEFAULT_WINDOW)
        k = end + 1
    out.append(("near", (tuple(words), kind == "seq", scope, window), line, col))
    return k


class _Parser:
    """Recursive descent: or ← and ← not ← atom; juxtaposed conditions are or-ed."""

    def __init__(self, toks, source, code_line):
        self.t, self.i, self.source, self.code_line = toks, 0, source, code_line

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else None

    def parse(self):
        node = self.or_()
        tok = self.peek()
        if tok is not None:  # only an unmatched ')' can stop the or-level early
            raise _err(self.source, tok[2], tok[3], "')' without a matching '(': remove it or add '(' before")
        return node

    def or_(self):
        node = self.and_()
        while (tok := self.peek()) is not None and tok[:2] != ("op", ")"):
            if tok[:2] == ("op", "|"):
                self.i += 1
                self.need(tok)
            # otherwise two conditions side by side: joined by or
            node = ("or", node, self.and_())
        return node

    def and_(self):
        node = self.not_()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] == "&":
            self.i += 1
            self.need(tok)
            node = ("and", node, self.not_())
        return node

    def not_(self):
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] == "!":
            self.i += 1
            self.need(tok)
            return ("not", self.not_())
        return self.atom()

    def need(self, op):
        tok = self.peek()
        name = {"|": "or (|)", "&": "and (&)", "!": "not (!)"}[op[1]]
        if tok is None or (tok[0] == "op" and tok[1] in "|&)"):
            raise _err(self.source, op[2], op[3], f"{name} needs a condition after it: add a word or remove it")

    def atom(self):
        tok = self.peek()
        if tok is None:
            raise CodingRuleError("the condition ends too early: a word or ')' is missing",
                                  path=self.source, line=self.t[-1][2] if self.t else self.code_line)
        kind, value, line, col = tok
        if kind == "op" and value == "(":
            self.i += 1
            if self.peek() is None:
                raise _err(self.source, line, col, "'(' is never closed: add ')'")
            node = self.or_()
            end = self.peek()
            if end is None or end[1] != ")" or end[0] != "op":
                raise _err(self.source, line, col, "'(' is never closed: add ')' after its condition")
            self.i += 1
            return node
        if kind == "op":
            what = {"|": "or (|)", "&": "and (&)", ")": "')'"}.get(value, value)
            fix = "remove the ')' or add '(' before" if value == ")" else "put a word before it"
            raise _err(self.source, line, col, f"{what} where a word was expected: {fix}")
        self.i += 1
        if kind == "ref":
            return ("ref", value, line, col)
        return (kind, value)


def _check_references(codes: list[CodingRule], source: str) -> None:
    names = {c.name for c in codes}
    deps = {c.name: [] for c in codes}

    def walk(node, code):
        kind = node[0]
        if kind in ("and", "or"):
            walk(node[1], code)
            walk(node[2], code)
        elif kind == "not":
            walk(node[1], code)
        elif kind == "ref":
            if node[1] not in names:
                close = difflib.get_close_matches(node[1], sorted(names), n=1)
                hint = f"did you mean <*{close[0]}>?" if close else f"codes defined: {', '.join(sorted(names))}"
                raise _err(source, node[2], node[3], f"<*{node[1]}> names no code in this file; {hint}")
            deps[code].append(node[1])

    for c in codes:
        walk(c.condition, c.name)
    state: dict[str, int] = {}

    def visit(name, chain):
        if state.get(name) == 1:
            cyc = chain[chain.index(name):] + [name]
            raise CodingRuleError("codes refer to each other in a circle: " + " → ".join(f"<*{n}>" for n in cyc)
                                  + "; break the circle", path=source, line=next(c.line for c in codes
                                                                                 if c.name == name))
        if state.get(name) == 2:
            return
        state[name] = 1
        for d in deps[name]:
            visit(d, chain + [name])
        state[name] = 2

    for c in codes:
        visit(c.name, [])


# --------------------------------------------------------------------------- evaluation
def apply_coding_rules(rules, tokens: pd.DataFrame, utterances: pd.DataFrame | None = None, *,
                       unit: str = "paragraph") -> CodingResult:
    """Evaluate coding rules on every unit.

    Parameters
    ----------
    rules : list of CodingRule, str or path
        Parsed rules, or a rule file's path.
    tokens : DataFrame
        Tokens contract; ``dictionary_form`` is used when present.
    utterances : DataFrame, optional
        Needed for ``<>variable-->value`` conditions.
    unit : {"sentence", "paragraph", "utterance", "document"}

    Returns
    -------
    CodingResult
    """
    from .matrix import unit_codes

    if isinstance(rules, (str, Path)):
        rules = read_coding_rules(rules)
    codes, units = unit_codes(tokens, unit)
    ev = _Evaluator(tokens, utterances, codes, len(units), {r.name: r for r in rules})
    out = units.copy()
    for r in rules:
        out[r.name] = ev.code(r.name).astype(np.int8)
    names = [r.name for r in rules]
    M = out[names].to_numpy(dtype=bool) if names else np.zeros((len(units), 0), dtype=bool)
    n = max(len(units), 1)
    counts = M.sum(axis=0).astype(np.int64).tolist() + [int((~M.any(axis=1)).sum())]
    summary = pd.DataFrame({"code": names + [NO_CODE], "units": counts})
    summary["share"] = summary["units"] / n * 100.0
    return CodingResult(codes=names, units=out, summary=summary, unit=unit, warnings=ev.warnings)


class _Evaluator:
    def __init__(self, tokens, utterances, unit_codes, n_units, rules):
        self.tokens, self.utterances, self.uc, self.n = tokens, utterances, unit_codes, n_units
        self.rules, self.memo, self.warnings = rules, {}, []
        self._cols = [c for c in ("term", "dictionary_form", "surface") if c in tokens.columns]
        self._utt = self._texts = self._fact = None
        self._missing: set[str] = set()

    def code(self, name):
        if name not in self.memo:
            self.memo[name] = self.eval(self.rules[name].condition)
        return self.memo[name]

    def eval(self, node) -> np.ndarray:
        kind = node[0]
        if kind == "or":
            return self.eval(node[1]) | self.eval(node[2])
        if kind == "and":
            return self.eval(node[1]) & self.eval(node[2])
        if kind == "not":
            return ~self.eval(node[1])
        if kind == "ref":
            return self.code(node[1])
        if kind == "word":
            return self._units(self.rows(node[1]))
        if kind == "str":
            return np.array([node[1] in t for t in self.texts()], dtype=bool)
        if kind == "var":
            return self._var(*node[1])
        if kind == "seq+":
            return self._consecutive(node[1])
        if kind == "near":
            return self._near(*node[1])
        raise ValueError(f"unknown condition {kind!r}")  # pragma: no cover

    def rows(self, word) -> np.ndarray:
        mask = np.zeros(len(self.tokens), dtype=bool)
        for codes, index in self.factorized():
            k = index.get_indexer([word])[0]
            if k >= 0:
                mask |= codes == k
        if not mask.any() and word not in self._missing:
            self._missing.add(word)
            self.warnings.append(f"coding rules: the word {word!r} occurs nowhere in the corpus")
        return np.flatnonzero(mask)

    def factorized(self):
        """Per word column: integer codes of every row and the index of their values (built once)."""
        if self._fact is None:
            self._fact = []
            for c in self._cols:
                col = self.tokens[c]
                if isinstance(col.dtype, pd.CategoricalDtype):
                    codes, index = col.cat.codes.to_numpy(), pd.Index(col.cat.categories.astype(str))
                else:
                    codes, uniques = pd.factorize(col)
                    index = pd.Index(np.asarray(uniques, dtype=object).astype(str))
                if not index.is_unique:  # categories that are equal as strings: fall back to comparison
                    codes, uniques = pd.factorize(col.astype(str))
                    index = pd.Index(uniques)
                self._fact.append((codes, index))
        return self._fact

    def _units(self, rows) -> np.ndarray:
        m = np.zeros(self.n, dtype=bool)
        m[self.uc[rows]] = True
        return m

    def utterance_codes(self):
        if self._utt is None:
            from .matrix import unit_codes

            self._utt = unit_codes(self.tokens, "utterance")[0]
        return self._utt

    def texts(self):
        if self._texts is None:
            order = np.argsort(self.uc, kind="stable")
            col = self.tokens["surface"]
            if isinstance(col.dtype, pd.CategoricalDtype):  # take from the categories, not a string per row
                cats = np.asarray(col.cat.categories.astype(str), dtype=object)
                surf = cats[col.cat.codes.to_numpy()[order]].tolist()
            else:
                surf = col.astype(str).to_numpy(dtype=object)[order].tolist()
            starts = np.searchsorted(self.uc[order], np.arange(self.n + 1))
            self._texts = ["".join(surf[a:b]) for a, b in zip(starts[:-1], starts[1:])]
        return self._texts

    def _var(self, var, value):
        u = self.utterances
        if u is None or var not in u.columns:
            have = [] if u is None else [c for c in u.columns if c not in ("text", "doc_id", "utterance_id")]
            raise ValueError(f"coding rules: <>{var}-->{value} names no metadata column; columns: {', '.join(have)}")
        hit = u.loc[u[var].astype("string") == value, ["doc_id", "utterance_id"]]
        if not len(hit):
            self.warnings.append(f"coding rules: no utterance has {var} = {value!r}")
        keys = pd.MultiIndex.from_frame(self.tokens[["doc_id", "utterance_id"]].astype({"doc_id": str}))
        want = pd.MultiIndex.from_frame(hit.astype({"doc_id": str}))
        return self._units(np.flatnonzero(keys.isin(want)))

    def _positions(self, word):
        rows = self.rows(word)
        t = self.tokens
        return rows, self.utterance_codes()[rows].astype(np.int64), t["position"].to_numpy()[rows].astype(np.int64)

    def _consecutive(self, words):
        big = np.int64(1 << 32)
        rows, utt, pos = self._positions(words[0])
        ok = np.ones(len(rows), dtype=bool)
        for step, w in enumerate(words[1:], start=1):
            _, u2, p2 = self._positions(w)
            ok &= np.isin(utt * big + pos + step, u2 * big + p2)
        return self._units(rows[ok])

    def _near(self, words, ordered, scope, window):
        t = self.tokens
        scope_col = {"b": "sentence_id", "d": "paragraph_id"}.get(scope)
        groups = []
        for w in words:
            rows, utt, pos = self._positions(w)
            sub = t[scope_col].to_numpy()[rows].astype(np.int64) if scope_col else np.zeros(len(rows), np.int64)
            groups.append(pd.DataFrame({"unit": self.uc[rows], "utt": utt, "sub": sub, "pos": pos}))
        keys = None
        for g in groups:
            k = set(zip(g["unit"], g["utt"], g["sub"]))
            keys = k if keys is None else keys & k
        by = [g.groupby(["unit", "utt", "sub"])["pos"].apply(lambda s: np.sort(s.to_numpy())).to_dict()
              for g in groups]
        hit = np.zeros(self.n, dtype=bool)
        limit = np.inf if window is None else window
        for key in sorted(keys or ()):
            if hit[key[0]]:
                continue
            lists = [b[key] for b in by]
            hit[key[0]] = _seq_ok(lists, limit) if ordered else _near_ok(lists, limit)
        return hit


def _near_ok(lists, limit) -> bool:
    for start in sorted({int(p) for ps in lists for p in ps}):
        if all(((ps >= start) & (ps <= start + limit)).any() for ps in lists):
            return True
    return False


def _seq_ok(lists, limit) -> bool:
    for first in lists[0]:
        cur = first
        for ps in lists[1:]:
            nxt = ps[ps > cur]
            if not len(nxt):
                return False
            cur = nxt[0]
        if cur - first <= limit:
            return True
    return False


# cross-tabulation and the network of codes live in coding_stats (kept importable from here)
from .coding_stats import code_crosstab, code_network  # noqa: E402
