"""Tests for cooccur.kwic: concordance offsets (with NFKC), edge evidence."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cooccur.kwic import concordance, edge_evidence

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "real_minutes"


@pytest.fixture
def corpus():
    # full-width ＩＣＴ in the text; the tokenizer's surfaces are NFKC (ICT)
    utterances = pd.DataFrame({"doc_id": "会議録.txt", "utterance_id": [0, 1], "speaker": ["山田委員", "佐藤課長"],
                               "text": ["ＩＣＴ人材の育成。\n人材が足りない。", "人材育成を進めます。"], "line": [5, 9]})
    rows = [(0, 0, 0, "ICT人材", "ICT人材"), (0, 0, 0, "の", None), (0, 0, 0, "育成", "育成"), (0, 0, 0, "。", None),
            (0, 1, 1, "人材", "人材"), (0, 1, 1, "が", None), (0, 1, 1, "足り", "足りる"), (0, 1, 1, "ない", None),
            (0, 1, 1, "。", None),
            (1, 0, 0, "人材", "人材"), (1, 0, 0, "育成", "育成"), (1, 0, 0, "を", None), (1, 0, 0, "進め", "進める"),
            (1, 0, 0, "ます", None), (1, 0, 0, "。", None)]
    tokens = pd.DataFrame([dict(doc_id="会議録.txt", utterance_id=u, paragraph_id=p, sentence_id=s, surface=w,
                                term=t) for u, p, s, w, t in rows])
    tokens["position"] = tokens.groupby("utterance_id").cumcount()
    return tokens, utterances


def test_concordance_offsets_and_context(corpus):
    tokens, utterances = corpus
    k = concordance(tokens, utterances, "人材", width=5)
    assert k.columns.tolist() == ["doc_id", "utterance_id", "speaker", "left", "keyword", "right", "line", "term",
                                  "match"]
    # "ICT人材の育成。\n人材が…": 人材 inside ICT人材 at 3, alone at 10; the newline shows as a space
    assert k.values.tolist() == [["会議録.txt", 0, "山田委員", "ICT", "人材", "の育成。 ", 5, "ICT人材", "inside"],
                                 ["会議録.txt", 0, "山田委員", "の育成。 ", "人材", "が足りない", 5, "人材", "token"],
                                 ["会議録.txt", 1, "佐藤課長", "", "人材", "育成を進め", 9, "人材", "token"]]
    exact = concordance(tokens, utterances, "人材", width=5, exact=True)
    assert exact.drop(columns=["term", "match"]).values.tolist() == [
        ["会議録.txt", 0, "山田委員", "の育成。 ", "人材", "が足りない", 5], ["会議録.txt", 1, "佐藤課長", "", "人材", "育成を進め", 9]]
    k2 = concordance(tokens, utterances, "ICT人材", width=3)
    assert k2[["left", "keyword", "right", "match"]].values.tolist() == [["", "ICT人材", "の育成", "token"]]
    with pytest.raises(ValueError, match="does not occur.*did you mean 'ICT人材'"):
        concordance(tokens, utterances, "ICT人財")
    with pytest.raises(ValueError, match="only inside longer words"):
        concordance(tokens, utterances, "ICT", exact=True)


def test_concordance_finds_conjugated_forms_uncounted_words_and_spans(corpus):
    tokens, utterances = corpus
    # 進める is counted from the surface 進め: a line although the string 進める is not in the text
    k = concordance(tokens, utterances, "進める", width=2)
    assert k[["keyword", "term", "match"]].values.tolist() == [["進め", "進める", "token"]]
    # が is not counted: found, with no counted term
    g = concordance(tokens, utterances, "が", width=2)
    assert len(g) == 1 and pd.isna(g["term"].iloc[0]) and g["match"].iloc[0] == "token"
    # 材育 cuts 人材|育成: still an occurrence, across both tokens
    x = concordance(tokens, utterances, "材育", width=1)
    assert x[["keyword", "term", "match"]].values.tolist() == [["材育", "人材+育成", "across"]]
    # full-width input finds the NFKC text
    assert len(concordance(tokens, utterances, "ＩＣＴ")) == 1


def test_concordance_limit_keeps_first_lines_and_total(corpus):
    tokens, utterances = corpus
    # rows shuffled: the limited lines must still be the first ones in document order
    shuffled = tokens.iloc[::-1].reset_index(drop=True)
    full = concordance(shuffled, utterances, "人材", width=4)
    assert full.attrs["total"] == 3 and full["utterance_id"].tolist() == [0, 0, 1]
    one = concordance(shuffled, utterances, "人材", width=4, limit=1)
    assert one.attrs["total"] == 3
    assert one.values.tolist() == [["会議録.txt", 0, "山田委員", "ICT", "人材", "の育成。", 5, "ICT人材", "inside"]]
    assert concordance(tokens, utterances, "人材", limit=0).empty
    assert concordance(tokens, utterances, "人材", limit=5).equals(concordance(tokens, utterances, "人材"))
    with pytest.raises(ValueError, match="limit must be"):
        concordance(tokens, utterances, "人材", limit=-1)


def test_edge_evidence_units(corpus):
    tokens, utterances = corpus
    e = edge_evidence(tokens, utterances, "人材", "育成", unit="paragraph")
    assert e.columns.tolist() == ["doc_id", "utterance_id", "paragraph_id", "speaker", "text", "line"]
    assert e[["utterance_id", "text"]].values.tolist() == [[1, "人材育成を進めます。"]]
    u = edge_evidence(tokens, utterances, "人材", "育成", unit="utterance")
    assert u["text"].tolist() == ["ICT人材の育成。\n人材が足りない。", "人材育成を進めます。"]
    d = edge_evidence(tokens, utterances, "ICT人材", "進める", unit="document")
    assert len(d) == 1 and d["text"].iloc[0].count("\n") == 2


def test_real_japanese_text_through_the_tokenizer():
    from cooccur.cooccurrence import count_cooccurrence

    tokenize = pytest.importorskip("cooccur.tokenize").tokenize_utterances
    texts = ["ＩＣＴ人材の育成が急務です。\n情報共有の仕組みも整えたい。",
             "ICT人材を確保するため、研修を充実させます。",
             "情報共有については、庁内の仕組みを見直します。"]
    utterances = pd.DataFrame({"doc_id": "議事録.txt", "utterance_id": [0, 1, 2], "speaker": ["山田委員", "佐藤課長", "佐藤課長"],
                               "text": texts, "exclusion": pd.NA, "line": [3, 6, 8]})
    tokens = tokenize(utterances)
    k = concordance(tokens, utterances, "ICT人材", width=4)
    assert k[["utterance_id", "left", "keyword", "right"]].values.tolist() == [[0, "", "ICT人材", "の育成が"],
                                                                              [1, "", "ICT人材", "を確保す"]]
    cooc = count_cooccurrence(tokens, unit="paragraph", min_frequency=2, top_n=5)
    assert ("仕組み", "情報共有") in set(zip(cooc.edges.source, cooc.edges.target))
    ev = edge_evidence(tokens, utterances, "仕組み", "情報共有", unit="paragraph")
    assert ev["text"].tolist() == ["情報共有の仕組みも整えたい。", "情報共有については、庁内の仕組みを見直します。"]


@pytest.mark.parametrize("limit", [0, 1, 3, 30, None])
def test_narrowed_concordances_equal_the_whole_table_index(sample_analysis, limit):
    from cooccur.kwic import _concordance, concordance, concordances

    tokens, utterances = sample_analysis.tokens, sample_analysis.corpus.utterances
    terms = sorted(sample_analysis.graph.nodes)
    together = concordances(tokens, utterances, terms, limit=limit)
    for term in terms:
        alone = _concordance(tokens, utterances, term, width=30, limit=limit)  # the index of every utterance
        assert alone.attrs["total"] == together.attrs["totals"][term] > 0
        if limit is None:  # every counted token of the term is a line of concordance(exact=True) too
            public = concordance(tokens, utterances, term, exact=True)
            counted = public[public["term"] == term].drop(columns=["term", "match"]).reset_index(drop=True)
            pd.testing.assert_frame_equal(counted, alone, check_dtype=False)
        got = together[together["term"] == term]
        assert (got["total"] == alone.attrs["total"]).all()
        pd.testing.assert_frame_equal(got.drop(columns=["term", "total"]).reset_index(drop=True), alone)
    assert len(together) == sum(min(limit or 10**9, n) for n in together.groupby("term")["total"].first())


@pytest.fixture(scope="module")
def sample_analysis():
    from pathlib import Path

    from cooccur import analyze

    return analyze(Path(__file__).resolve().parent.parent / "data" / "sample", cache=False)


# --------------------------------------------------------------------------- concordances: all terms at once
#: Our own minutes: turns that run over several lines (their texts hold line breaks), full-width
#: letters and digits (NFKC), a speaker who says 予算 and 窓口 again and again.
ALL_AT_ONCE = """○議長（山田太郎君）　ただいまから予算特別委員会を開きます。
○田中一郎君　来年度の予算について伺います。
ＩＣＴ人材の育成にも予算が要ります。
窓口の混雑も問題です。
○財政課長（佐藤花子君）　予算は２０２５年度から増やします。窓口の職員も増やします。
○田中一郎君　予算の配分と窓口の人員配置を、ＩＣＴ人材の確保とあわせて示してください。
○議長（山田太郎君）　以上で予算の質疑を終わります。
"""


def reference_lines(tokens, utterances, terms, *, width, limit):
    """What concordances() shows, written plainly: one token at a time, each surface searched from a cursor.

    Lines per term in (doc_id, utterance_id, position) order; the text is the utterance's NFKC text (the
    surfaces joined when it has none); a lean table's ``offset`` says where a token starts; a token whose
    surface is not found takes its context from the neighbouring surfaces.
    """
    tokens = tokens.reset_index(drop=True)
    has_pos, has_offset = "position" in tokens.columns, "offset" in tokens.columns
    surface = tokens["surface"] if "surface" in tokens.columns else tokens["term"]
    first = {}
    for u in utterances.itertuples(index=False):
        first.setdefault((u.doc_id, u.utterance_id), u._asdict())
    out = []
    for term in terms:
        rows = [r for r in range(len(tokens)) if tokens["term"].iloc[r] == term]
        rows.sort(key=lambda r: (tokens["doc_id"].iloc[r], tokens["utterance_id"].iloc[r],
                                 tokens["position"].iloc[r] if has_pos else r, r))
        for r in rows[:limit]:
            key = (tokens["doc_id"].iloc[r], tokens["utterance_id"].iloc[r])
            mine = [i for i in range(len(tokens)) if (tokens["doc_id"].iloc[i], tokens["utterance_id"].iloc[i]) == key]
            mine.sort(key=lambda i: (tokens["position"].iloc[i] if has_pos else i, i))
            words = [str(surface.iloc[i]) for i in mine]
            u = first.get(key, {})
            raw = u.get("text")
            text = unicodedata.normalize("NFKC", raw) if isinstance(raw, str) else "".join(words)
            span = None
            if has_offset and isinstance(raw, str):
                span = (int(tokens["offset"].iloc[r]), int(tokens["offset"].iloc[r]) + len(words[mine.index(r)]))
            else:
                cursor = 0
                for i, w in zip(mine, words):
                    at = text.find(w, cursor) if w else -1
                    if at >= 0:
                        cursor = at + len(w)
                        if i == r:
                            span = (at, cursor)
            if span is not None:
                s, e = span
                left, kw, right = text[max(0, s - width):s], text[s:e], text[e:e + width]
            else:
                k = mine.index(r)
                left, kw, right = "".join(words[:k])[-width:] if width else "", words[k], "".join(words[k + 1:])[:width]
            out.append((key[0], int(key[1]), u.get("speaker"), left.replace("\n", " "), kw, right.replace("\n", " "),
                        u.get("line"), term))
    return out


def plain(rows):
    """Lines (a frame without its total, or reference_lines) as tuples of str, int and None."""
    if isinstance(rows, pd.DataFrame):
        rows = rows.drop(columns="total").astype(object).values.tolist()
    return [tuple(None if pd.isna(v) else (int(v) if isinstance(v, (int, np.integer)) else v) for v in r) for r in rows]


def term_by_term(tokens, utterances, terms, monkeypatch, **kwargs):
    """concordances() through the per-term path (one index of the whole table, one frame per term)."""
    import cooccur.kwic as kwic

    with monkeypatch.context() as m:
        m.setattr(kwic, "pick_lines", lambda *a: None)
        return kwic.concordances(tokens, utterances, terms, **kwargs)


@pytest.fixture(scope="module")
def minutes_tables(tmp_path_factory):
    import cooccur

    src = tmp_path_factory.mktemp("all_at_once") / "予算委員会.txt"
    src.write_text(ALL_AT_ONCE, encoding="utf-8")
    full = cooccur.analyze(src, min_frequency=1)
    lean = cooccur.analyze(src, output=src.parent / "out", min_frequency=1, tokens_in_memory="lean",
                           formats=("graphml",))
    return full.tokens, lean.tokens, full.corpus.utterances


def _variant(name, tokens, lean, utterances):
    """(tokens, utterances) for each kind of table concordances() is given."""
    u = utterances.copy()
    if name == "full":
        return tokens, u
    if name == "lean":  # counted terms only, with where each starts
        return lean, u
    if name == "object-term":
        return tokens.assign(term=tokens["term"].astype(object)), u
    if name == "no-position":  # row order is the order
        return tokens.drop(columns="position"), u
    if name == "shuffled":  # rows not in document order
        return tokens.sample(frac=1, random_state=0), u
    if name == "edited-texts":  # texts changed after tokenizing: surfaces no longer tile them, one is not found
        u["text"] = u["text"].str.replace("来年度の", "来年度（拍手）の", regex=False)
        u["text"] = u["text"].str.replace("窓口の混雑", "受付の混雑", regex=False)
        return tokens, u
    if name == "missing-utterance":  # a turn the utterances table does not hold: its surfaces are the text
        return tokens, u[u["utterance_id"] != 1]
    if name == "no-speaker-line":
        return tokens, u.drop(columns=["speaker", "line"])
    if name == "speaker-missing":  # every line of some terms lacks a speaker, others have one
        u.loc[u["speaker"].str.startswith("田中").fillna(False), "speaker"] = pd.NA
        return tokens, u
    raise AssertionError(name)


VARIANTS = ["full", "lean", "object-term", "no-position", "shuffled", "edited-texts", "missing-utterance",
            "no-speaker-line", "speaker-missing"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("limit, width", [(None, 30), (1, 30), (2, 4), (30, 0)])
def test_concordances_all_at_once_equal_the_reference_and_the_term_by_term_frame(minutes_tables, variant, limit,
                                                                                  width, monkeypatch):
    from cooccur.kwic import concordances
    from cooccur.kwic_many import pick_lines

    tokens, utterances = _variant(variant, *minutes_tables)
    terms = sorted(set(tokens["term"].dropna()))
    assert {"予算", "窓口", "ICT人材"} <= set(terms)
    terms = [*terms, "予算"]  # a term asked for twice gets its lines twice
    assert pick_lines(tokens, utterances, terms, limit) is not None  # the shortcut is what is checked
    got = concordances(tokens, utterances, terms, width=width, limit=limit)
    assert plain(got) == plain(reference_lines(tokens, utterances, terms, width=width, limit=limit))
    slow = term_by_term(tokens, utterances, terms, monkeypatch, width=width, limit=limit)
    pd.testing.assert_frame_equal(got, slow, check_exact=True)
    assert got.attrs == slow.attrs and list(got.attrs["totals"]) == list(slow.attrs["totals"])
    assert got.attrs["totals"]["予算"] == int((tokens["term"] == "予算").sum()) == 4


def test_concordances_all_at_once_on_the_tricky_cases(minutes_tables, monkeypatch):
    from cooccur.kwic import concordances

    tokens, lean, utterances = minutes_tables
    lines = concordances(tokens, utterances, ["予算", "窓口"], width=6)
    # a turn over three lines: the breaks show as spaces, the offsets skip them
    first = lines[(lines["term"] == "窓口") & (lines["utterance_id"] == 1)]
    assert first[["left", "keyword", "right"]].values.tolist() == [["要ります。 ", "窓口", "の混雑も問題"]]
    edited = _variant("edited-texts", tokens, lean, utterances)[1]
    moved = concordances(tokens, edited, ["予算", "窓口"], width=6)
    # 窓口 no longer in the text: its context comes from the surfaces around it (no line break among them)
    row = moved[(moved["term"] == "窓口") & (moved["utterance_id"] == 1)]
    assert row[["left", "keyword", "right"]].values.tolist() == [["が要ります。", "窓口", "の混雑も問題"]]
    # the words after an inserted （拍手） (NFKC: (拍手)) are found further on
    assert moved[moved["utterance_id"] == 1]["left"].tolist()[:2] == ["度(拍手)の", "材の育成にも"]
    nobody = _variant("speaker-missing", tokens, lean, utterances)[1]
    mixed = concordances(tokens, nobody, ["予算", "人員配置"])  # 人員配置: only 田中, whose speaker is now NA
    assert mixed["speaker"].dtype == object  # as concatenating 人員配置's all-NA frame with 予算's gives
    assert mixed["speaker"].isna().sum() == 4
    slow = term_by_term(tokens, nobody, ["予算", "人員配置"], monkeypatch)
    pd.testing.assert_frame_equal(mixed, slow, check_exact=True)


@pytest.mark.skipif(not REAL.is_dir(), reason="real minutes not present")
@pytest.mark.parametrize("limit", [30, None])
def test_concordances_all_at_once_on_real_minutes(tmp_path, limit, monkeypatch):
    import shutil

    import cooccur

    for path in sorted(REAL.glob("*.txt"))[::12]:  # 200k characters: meeting, Diet and prefectural minutes
        shutil.copy(path, tmp_path / path.name)
    a = cooccur.analyze(tmp_path)
    tokens, utterances, terms = a.tokens, a.corpus.utterances, sorted(a.graph.nodes)
    from cooccur.kwic import concordances

    got = concordances(tokens, utterances, terms, limit=limit)
    slow = term_by_term(tokens, utterances, terms, monkeypatch, limit=limit)
    pd.testing.assert_frame_equal(got, slow, check_exact=True)
    assert got.attrs == slow.attrs
    assert len(got) == sum(min(n, limit or n) for n in got.attrs["totals"].values()) > len(terms)
