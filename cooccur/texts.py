"""The Japanese names shown to readers of figures, pages and slides, in one place.

Figures (:mod:`cooccur.plot`), the interactive page (:mod:`cooccur.export.html`),
the report (:mod:`cooccur.export.report`) and the output folder's summary
(:mod:`cooccur.outputs`) name measures, scores, centralities, table columns and
exclusion reasons with these words, so a name is changed once and reads the
same everywhere. Keys are the library's names (parameter choices, column
names); a key missing here is shown as it is. Plain data: imports nothing.

>>> MEASURE_NAMES["jaccard"], SCORE_NAMES["tfidf"], EXCLUSION_REASONS["preamble"]
('Jaccard係数', 'TF-IDF', '前置き（出席者・議題など）')
"""

from __future__ import annotations

__all__ = ["MEASURE_NAMES", "CENTRALITY_NAMES", "SCORE_NAMES", "COLUMN_NAMES", "EXCLUSION_REASONS"]

#: Association measures (``measure``), in the order of :data:`cooccur.cooccurrence.MEASURES`.
MEASURE_NAMES = {"jaccard": "Jaccard係数", "dice": "Dice係数", "simpson": "Simpson係数", "cosine": "コサイン係数",
                 "npmi": "NPMI", "lift": "リフト値", "log_likelihood": "対数尤度比"}

#: Node centralities (``color_by``), as a colour bar's name.
CENTRALITY_NAMES = {"degree": "次数中心性", "betweenness": "媒介中心性", "eigenvector": "固有ベクトル中心性"}

#: Keyword scores (``keyword_score``) and the generic ``score`` column, as a chart's axis and title.
SCORE_NAMES = {"score": "スコア", "salience": "顕著度", "clustering": "集中度", "tfidf": "TF-IDF", "frequency": "出現回数", "document_frequency": "文書頻度",
               "log_likelihood": "対数尤度比", "flr": "FLR", "degree": "次数", "betweenness": "媒介中心性"}

#: Column and summary headings of report.html.
COLUMN_NAMES = {"files": "ファイル", "speakers": "話者", "utterances": "発言", "characters": "文字数", "chars": "文字数",
                "tokens": "トークン", "terms": "語", "excluded": "除外", "exclusions": "除外", "doc_id": "文書",
                "role": "役割", "format": "形式", "encoding": "文字コード", "newline": "改行", "bytes": "バイト",
                "error": "エラー", "term": "語", "score": "スコア", "rank": "順位", "frequency": "出現回数",
                "document_frequency": "文書頻度", "community": "コミュニティ", "degree": "次数",
                "betweenness": "媒介中心性", "eigenvector": "固有ベクトル中心性", "group": "グループ"}

#: Why an utterance or a span of text was kept out of the analysis (``exclusion``, ``reason``).
EXCLUSION_REASONS = {"preamble": "前置き（出席者・議題など）", "empty": "空の発言",
                     "stage_direction": "ト書き（（拍手）〔休憩〕など）", "time_note": "時刻の注記", "heading": "見出し",
                     "caption": "写真説明", "speaker_intro": "話者紹介", "separator": "区切り線", "note": "注記",
                     "ruby": "ルビ", "chair": "議長・委員長の議事進行（読み上げを含む）", "excluded_speaker": "除外した話者",
                     "page_header": "ページの柱（ヘッダー）", "page_footer": "ページのフッター", "page_number": "ページ番号",
                     "boilerplate": "ウェブページの本文以外（ナビゲーションなど）"}
