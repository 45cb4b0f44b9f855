"""How much of the default network is about what was discussed (a script that prints; not a test).

For each corpus folder given, runs :func:`cooccur.analyze` (defaults, or the
``key=value`` parameters given after ``--``) and prints:

* the nodes (most frequent first), each marked F (function word: the content
  word of a compound particle or auxiliary expression), G (generic
  administrative or talk vocabulary, a formula word of minutes) or S
  (substance: everything else);
* the share of F / G / S nodes;
* the top 20 keywords;
* the communities.

The F and G lists below are this benchmark's yardstick, written by us from
grammar references and from the vocabulary of Japanese public administration
in general (not from any one corpus); they are printed with ``--lists`` so a
reader can judge them. cooccur itself does not use them: its defaults decide
from grammar (the function-expression table) and from statistics (how a term
is spread over the discussion).

Usage::

    python benchmarks/quality.py ../shared/corpora/real_minutes data/sample [-- selection=frequency]
    python benchmarks/quality.py --lists
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

#: Content words of function expressions (複合辞): において→おく, とともに→とも, に向けて→向ける ...
FUNCTION_WORDS = frozenset("""
おく とも 向ける 通ずる 通じる 通す 対する 関する 基づく 伴う よる つく 当たる 際する 沿う 応ずる 応じる
係る かかる 加える はじめ 始め とる 取る 限る 先立つ 従う 及ぶ わたる 亘る 至る 向かう めぐる 巡る 踏まえる
とおり 通り 上 中 ため 場合 際 以外 以上 以下 以降 うえ もと 元 下 次第 かける 比べる 比する 対し 除く
ついて 即する かわる 代わる 替わる
""".split())

#: Generic vocabulary of administration and of minutes: verbs of doing, evaluation, formulas, the frame.
GENERIC_WORDS = frozenset("""
取り組む 取り組み 取組 進める 図る 活用 対応 実施 整備 推進 踏まえる 一層 充実 向上 提供 状況 実現 検討 連携
努める 含める 認識 示す 強化 策定 対象 利用 確認 理解 考え方 今後 引き続き 引き続く 努力 目指す 期待 役割 取り扱い
見解 求める 答える 答え 指摘 方々 立場 所見 尋ねる 答弁 質問 お尋ね 伺う 認める 申し上げる 述べる 承知 御礼
国 都 県 府 道 市 区 町 村 都民 県民 市民 区民 町民 国民 住民 皆様 我が国 政府 本市 本県 当局 議会
問題 課題 必要 重要 大切 具体 具体的 様々 さまざま 多く 全体 現在 現状 今回 これまで 以前 最後 一方 さらに
考える 思う 言う 行う する なる ある いる できる 進む 続ける 見る 持つ 出る 取組み 方向 方向性 観点 視点 内容 関係
意味 部分 時間 期間 お話 話 是非 ぜひ 改めて 一つ 当該 所管 関連 適切 速やか 迅速 着実 丁寧 しっかり
大臣 総理 委員 議員 先生 政府参考人 長官 副大臣 局長 部長 課長 知事 市長 町長 村長 教育長 本部長
""".split())


def classify(term: str) -> str:
    if term in FUNCTION_WORDS:
        return "F"
    if term in GENERIC_WORDS:
        return "G"
    return "S"


def _params(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            out[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[key] = value
    return out


def report(folder: Path, params: dict) -> dict:
    import cooccur

    a = cooccur.analyze(folder, **params)
    nodes = a.nodes.sort_values(["frequency", "term"], ascending=[False, True])
    marks = [classify(t) for t in nodes["term"]]
    n = len(marks)
    share = {k: (marks.count(k) / n if n else 0.0) for k in "FGS"}
    print(f"\n=== {folder}  {params or '(defaults)'}")
    s = a.summary()
    print(f"utterances {s.get('utterances_analysed', s.get('utterances'))}, counted tokens {s['counted_tokens']}, "
          f"candidate terms {s['candidate_terms']}, nodes {s['nodes']}, edges {s['edges']}")
    print(f"nodes: F {marks.count('F')} ({share['F']:.0%}), G {marks.count('G')} ({share['G']:.0%}), "
          f"S {marks.count('S')} ({share['S']:.0%})")
    print("  " + " ".join(f"{t}[{m}]" for t, m in zip(nodes["term"], marks)))
    kw = a.keywords.head(20)
    print("top 20 keywords: " + " ".join(f"{t}[{classify(t)}]" for t in kw["term"]))
    print("communities:")
    for c, group in nodes.groupby("community", sort=True):
        print(f"  {c}: " + " ".join(group["term"]))
    for w in a.warnings:
        print(f"warning: {w}")
    return share


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--lists", action="store_true", help="print the F and G word lists")
    args = ap.parse_args(argv)
    if args.lists:
        print("F (function words):", " ".join(sorted(FUNCTION_WORDS)))
        print("G (generic words):", " ".join(sorted(GENERIC_WORDS)))
    params = _params(extra)
    for folder in args.folders:
        if not folder.exists():
            print(f"skipped (absent): {folder}")
            continue
        report(folder, params)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
