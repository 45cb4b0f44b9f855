"""Tests for cooccur.tokenize.terms: POS filter, stopwords, numerals, forced terms, synonyms,
compounds and display forms, on real Japanese sentences."""

import pytest

from cooccur.tokenize import terms
from cooccur.errors import ConfigError, InputError
from cooccur.tokenize import tokenize_utterances


def counted(text, **kw):
    tok = tokenize_utterances(text, jobs=1, **kw)
    return tok["term"].dropna().tolist()


@pytest.mark.parametrize("pos_tuple,expected", [
    (("名詞", "普通名詞", "一般", "*", "*", "*"), True),
    (("名詞", "数詞", "*", "*", "*", "*"), False),
    (("代名詞", "*", "*", "*", "*", "*"), False),
    (("感動詞", "フィラー", "*", "*", "*", "*"), False),
    (("接続詞", "*", "*", "*", "*", "*"), False),
    (("動詞", "一般", "*", "*", "五段-カ行", "終止形-一般"), True),
    (("動詞", "非自立可能", "*", "*", "サ行変格", "終止形-一般"), False),
    (("形容詞", "非自立可能", "*", "*", "形容詞", "終止形-一般"), False),
    (("接頭辞", "*", "*", "*", "*", "*"), False),
])
def test_pos_is_counted_default(pos_tuple, expected):
    assert terms.pos_is_counted(pos_tuple) is expected


def test_pos_filter_options():
    assert terms.pos_is_counted("動詞-非自立可能", pos=("動詞-非自立可能",))
    assert not terms.pos_is_counted("名詞-数詞", pos=("名詞-数詞",))  # always out
    assert not terms.pos_is_counted("名詞-普通名詞-一般", pos=("動詞",))
    assert counted("職員が窓口で説明をする。", pos=("動詞",), stopwords="none") == []
    assert counted("職員が窓口で対応する。", pos=("名詞",)) == ["職員", "窓口", "対応"]


def test_non_independent_verbs_out():
    assert counted("制度がある。職員がいる。検討できる。", stopwords="none") == ["制度", "職員", "検討"]


def test_stopwords_preset_and_none():
    text = "議長、皆さん、本日は予算について質問します。"
    assert counted(text) == ["予算"]
    assert "議長" in counted(text, stopwords="none")


def test_extra_stopwords_words_and_file(tmp_path):
    f = tmp_path / "mine.txt"
    f.write_text("# 自治体名\n八王子\n\n窓口  # 手続きの話はいらない\n", encoding="utf-8")
    assert terms.load_word_list([str(f), "ＤＸ"]) == ["八王子", "窓口", "DX"]
    assert counted("八王子の窓口でDXを進める。", extra_stopwords=[str(f), "DX"]) == ["進める"]
    with pytest.raises(ConfigError, match="not found"):
        terms.load_word_list(["missing/list.txt"])


def test_stopword_matches_surface_and_key():
    # 思う is matched by its key even when written 思っ / おもい
    assert counted("予算が足りると思っています。おもいます。", stopwords="none", extra_stopwords=["思う"]) == [
        "予算", "足りる"]


def test_numerals_and_dates_out():
    assert counted("令和5年4月1日に第3回の研修を2,000円で開いた。") == ["研修", "開く"]  # 円 after a numeral is a counter
    assert counted("三十の研修と五つの講座、1.5倍", stopwords="none") == ["研修", "講座"]


def test_forced_terms_merge_tokens():
    tok = tokenize_utterances("デジタル田園都市国家構想を進める。防災情報システムも。", compounds="off",
                              forced_terms=["デジタル田園都市国家構想", "情報システム"])
    row = tok[tok["surface"] == "デジタル田園都市国家構想"].iloc[0]
    assert (row["pos"], row["pos_detail"], row["term"]) == ("名詞", "名詞-強制語", "デジタル田園都市国家構想")
    assert tok["term"].dropna().tolist() == ["デジタル田園都市国家構想", "進める", "防災", "情報システム"]
    assert tok["position"].tolist() == list(range(len(tok)))


def test_forced_terms_longest_first_and_aligned():
    tok = tokenize_utterances("防災情報システム。", forced_terms=["情報", "防災情報システム", "報シス"])
    assert tok["surface"].tolist() == ["防災情報システム", "。"]


def test_synonyms_dict_and_file(tmp_path):
    text = "テレワークの課題。テレワークと在宅勤務。"
    tok = tokenize_utterances(text, synonyms={"在宅勤務": "テレワーク"})
    assert tok["term"].dropna().tolist() == ["テレワーク", "課題", "テレワーク", "テレワーク"]
    f = tmp_path / "syn.csv"
    f.write_text("variant,canonical\n在宅勤務,テレワーク\n", encoding="utf-8")
    assert terms.load_synonyms(str(f)) == {"在宅勤務": "テレワーク"}
    bad = tmp_path / "bad.tsv"
    bad.write_text("在宅勤務\tテレワーク\n余分\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        terms.load_synonyms(str(bad))
    assert err.value.line == 2


def test_synonym_group_shows_its_canonical():
    # the user named the group テレワーク: figures and tables show that, even where 在宅勤務 is written more
    tok = tokenize_utterances("在宅勤務と在宅勤務とテレワーク。", synonyms={"在宅勤務": "テレワーク"})
    assert tok["term"].dropna().tolist() == ["テレワーク"] * 3
    # a group without a synonym still shows the form people wrote most
    assert tokenize_utterances("子どもと子どもと子供。")["term"].dropna().tolist() == ["子ども"] * 3


def test_compound_modes():
    text = "防災情報システムを更新する。"
    assert counted(text, compounds="off") == ["防災", "情報", "システム", "更新"]
    assert counted(text, compounds="all") == ["防災情報システム", "更新"]
    assert counted(text, compounds="frequent") == ["防災", "情報", "システム", "更新"]
    three = text * 3
    assert counted(three, compounds="frequent")[:2] == ["防災情報システム", "更新"]
    assert counted(three, compounds="frequent", compound_min_frequency=4)[:3] == ["防災", "情報", "システム"]


def test_compound_bound_parts_join_without_frequency():
    # suffix (化), one-character noun (町, 村) and Latin acronym (ICT, DX) attach at once
    assert counted("区市町村のデジタル化とICT人材、自治体DXを考える。", stopwords="none") == [
        "区市町村", "デジタル化", "ICT人材", "自治体DX", "考える"]


def test_compounds_respect_boundaries():
    # no run across 。, symbols, numerals, stopwords, honorific/determiner prefixes
    assert counted("情報。システム", compounds="all") == ["情報", "システム"]
    assert counted("情報・システム", compounds="all") == ["情報", "システム"]
    assert counted("第3回研修", compounds="all", stopwords="none") == ["研修"]
    assert counted("各自治体のご説明", compounds="all", stopwords="none") == ["自治体", "説明"]
    assert counted("山田君の質問", compounds="all", stopwords="minutes") == ["山田"]


def test_compound_segments_greedy_longest_frequent():
    a = [("防災", "防災", "noun"), ("情報", "情報", "noun"), ("基盤", "基盤", "noun")]
    b = [("防災", "防災", "noun"), ("情報", "情報", "noun")]
    segs = terms.compound_segments([a, b, b], compounds="frequent", compound_min_frequency=3)
    assert segs == [[(0, 2), (2, 3)], [(0, 2)], [(0, 2)]]
    assert terms.compound_segments([a], weights=[3]) == [[(0, 3)]]
    with pytest.raises(ValueError, match="did you mean 'all'"):
        terms.compound_segments([a], compounds="al")
    with pytest.raises(ValueError, match="compound_min_frequency"):
        terms.compound_segments([a], compound_min_frequency=0)


def test_choose_display_ties_lexicographic():
    assert terms.choose_display({"テレワーク": 2, "在宅勤務": 2, "リモート勤務": 1}) == "テレワーク"


def test_defaults_come_from_config():
    import inspect

    from cooccur.config import DEFAULTS

    sig = inspect.signature(tokenize_utterances)
    for name in ("split_mode", "pos", "stopwords", "extra_stopwords", "forced_terms", "synonyms", "compounds",
                 "compound_min_frequency", "jobs"):
        assert sig.parameters[name].default == DEFAULTS[name], name


def test_stopword_file_has_no_topic_words():
    sw = terms.load_stopwords()
    assert {"議長", "登壇", "号議案", "異議", "拍手", "令和", "君", "番", "こと", "思う", "やっぱり"} <= sw
    assert not {"標準化", "情報共有", "予算", "職員", "課題", "リモートワーク"} & sw
    with pytest.raises(ValueError, match="stopwords"):
        terms.load_stopwords("meeting")


def test_a_stopword_removes_whole_terms_and_never_cuts_a_compound():
    from cooccur.tokenize import tokenize_utterances

    text = "デジタル版子供白書を読む。デジタル版子供白書が出た。デジタル版子供白書です。デジタルの日。"
    terms = tokenize_utterances(text, extra_stopwords=["デジタル"])["term"].dropna().astype(str).tolist()
    assert terms.count("デジタル版子供白書") == 3 and "デジタル" not in terms
    assert not any(t.startswith("版") for t in terms)  # no fragment such as 版子供白書
    assert "デジタル版子供白書" not in tokenize_utterances(text, extra_stopwords=["デジタル版子供白書"])["term"].tolist()


def test_synonym_targets_are_shown_as_written():
    from cooccur.tokenize import tokenize_utterances

    text = "新型コロナウイルス感染症の対策。新型コロナウイルス感染症が拡大。コロナ禍の影響。"
    t = tokenize_utterances(text, synonyms={"新型コロナウイルス感染症": "新型コロナ", "コロナ禍": "新型コロナ"})
    assert t["term"].dropna().astype(str).tolist().count("新型コロナ") == 3


def test_normalisation_merges_spellings_never_different_words():
    from cooccur.tokenize.terms import same_word
    from cooccur.tokenize import tokenize_utterances

    terms = tokenize_utterances("期待に応える。質問に答える。子どもと子供。")["term"].dropna().astype(str).tolist()
    assert "応える" in terms and "答える" in terms  # SudachiPy's normalized_form makes both 答える
    assert terms.count("子ども") == 2  # a spelling variant is still merged
    assert same_word("附属", "付属") and not same_word("撮る", "取る")


def test_forced_term_occurrences_that_cut_a_word_are_counted_aloud():
    from cooccur.tokenize import tokenize_utterances

    text = "予算特別委員会を開く。予算特別委員会議案審査報告書を読む。"
    with pytest.warns(UserWarning, match=r"forced term '予算特別委員会': 1 occurrence\(s\) not forced"):
        t = tokenize_utterances(text, forced_terms=["予算特別委員会"], stopwords="none")
    assert t["term"].dropna().astype(str).tolist().count("予算特別委員会") == 1
    # forcing the longer term too: both occurrences are whole terms, no warning about them
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        t2 = tokenize_utterances(text, forced_terms=["予算特別委員会", "予算特別委員会議案審査報告書"],
                                 stopwords="none")
    assert "予算特別委員会議案審査報告書" in t2["term"].astype(str).tolist()


def test_an_adjectives_ending_written_twice_is_not_a_term():
    """おいししい: SudachiPy gives the stem おいし and the noun しい; the noun is the adjective's ending."""
    text = "おいししい弁当を買った。すばらししい景色だ。"
    tok = tokenize_utterances(text, jobs=1, compounds="all")
    row = tok[tok["surface"] == "しい"]
    assert row["pos"].astype(str).tolist() == ["名詞", "名詞"]  # what SudachiPy says …
    assert row["term"].isna().all() and row["reason"].astype(str).tolist() == ["pos", "pos"]  # … not counted
    assert tok["term"].dropna().tolist() == ["おいしい", "弁当", "買う", "すばらしい", "景色"]  # not しい弁当


def test_a_noun_after_an_adjectives_stem_stays_a_term():
    tok = tokenize_utterances("課題の深掘りを行う。しいの実を拾う。", jobs=1)
    assert tok.loc[tok["surface"] == "深", "pos_detail"].astype(str).tolist() == ["形容詞-一般-形容詞-語幹-一般"]
    assert tok["term"].dropna().tolist() == ["課題", "深い", "掘り", "しい", "実", "拾う"]
