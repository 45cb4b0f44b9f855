"""Anyone can recompute every edge from the written tokens table and the manifest.

This test does it with a deliberately naive, independent implementation: plain
Python sets per unit, ``itertools.combinations`` over each unit's terms and
``fractions.Fraction`` for the measures — no scipy, no code from cooccur.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from fractions import Fraction
from itertools import combinations

import pandas as pd

UNIT_COLUMNS = {
    "sentence": ["doc_id", "utterance_id", "sentence_id"],
    "paragraph": ["doc_id", "utterance_id", "paragraph_id"],
    "utterance": ["doc_id", "utterance_id"],
    "document": ["doc_id"],
}


def naive_salience(rows: list[dict]) -> dict[str, float]:
    """Salience as docs/README define it, in plain Python: f · exp(4 · max(clustering over paragraphs, utterances))."""
    best: dict[str, float] = {}
    for keys in (UNIT_COLUMNS["paragraph"], UNIT_COLUMNS["utterance"]):
        length: Counter = Counter()
        units_with: dict[str, set] = defaultdict(set)
        freq: Counter = Counter()
        for r in rows:
            if isinstance(r["term"], str):
                key = tuple(r[k] for k in keys)
                length[key] += 1
                units_with[r["term"]].add(key)
                freq[r["term"]] += 1
        total = sum(length.values())
        for t, f in freq.items():
            expected = sum(1 - math.exp(-f * n / total) for n in length.values())
            c = max(-1.0, min(1.0, 1 - len(units_with[t]) / expected))
            best[t] = max(best.get(t, -1.0), c)
    counts = Counter(r["term"] for r in rows if isinstance(r["term"], str))
    return {t: counts[t] * math.exp(4 * best[t]) for t in counts}


def naive_edges(tokens: pd.DataFrame, params: dict) -> dict[tuple[str, str], tuple[int, Fraction]]:
    keys = UNIT_COLUMNS[params["unit"]]
    rows = tokens.to_dict("records")
    units: dict[tuple, set[str]] = defaultdict(set)
    frequency: Counter = Counter()
    for r in rows:
        key = tuple(r[k] for k in keys)
        units.setdefault(key, set())  # a unit with no counted term still counts in N
        term = r["term"]
        if isinstance(term, str):
            units[key].add(term)
            frequency[term] += 1
    df: Counter = Counter()
    for terms in units.values():
        df.update(terms)
    candidates = {t for t, f in frequency.items() if f >= params["min_frequency"]
                  and df[t] >= params["min_document_frequency"]}
    if params.get("selection", "frequency") == "salience":
        salience = naive_salience(rows)
        ranked = sorted(candidates, key=lambda t: (-salience[t], -frequency[t], t))
        candidates = set(ranked[:75])
    pairs: Counter = Counter()
    for terms in units.values():
        for a, b in combinations(sorted(terms & candidates), 2):
            pairs[(a, b)] += 1
    assert params["measure"] == "jaccard"
    scored = {p: (n, Fraction(n, df[p[0]] + df[p[1]] - n)) for p, n in pairs.items()}
    ranked = sorted(scored.values(), key=lambda v: v[1], reverse=True)
    nth = ranked[params["top_n"] - 1][1]
    return {p: v for p, v in scored.items() if v[1] >= nth}


def test_edges_csv_recomputed_from_tokens_and_manifest(sample_output):
    out, result = sample_output
    assert result.exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    params = manifest["parameters"]
    tokens = pd.read_parquet(out / "tokens.parquet")
    expected = naive_edges(tokens, params)

    edges = pd.read_csv(out / "edges.csv", encoding="utf-8-sig")
    got = {(s, t): (c, j) for s, t, c, j in zip(edges.source, edges.target, edges.cooccurrence, edges.jaccard)}
    assert set(got) == set(expected)
    for pair, (count, jac) in expected.items():
        assert got[pair][0] == count
        assert math.isclose(got[pair][1], float(jac), rel_tol=1e-12)
    assert len(edges) >= params["top_n"]
