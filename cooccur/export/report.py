"""A one-page offline HTML report an analyst can forward.

Corpus summary (files, speakers, utterances, characters, what was excluded and
why), the network figure as inline SVG, keywords, communities with their terms,
distinctive terms per group, every parameter and all warnings. Every value is
escaped with :func:`html.escape`; the page loads nothing from anywhere.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from ..texts import COLUMN_NAMES

__all__ = ["render_report", "write_report"]

_FILE_COLUMNS = ("doc_id", "role", "format", "encoding", "newline", "utterances", "chars", "bytes", "error")
_LABELS = COLUMN_NAMES


def render_report(*, title: str, summary: dict, files, figure_svg: str | None, keywords, nodes,
                  communities=None, distinctive=None, parameters: dict, warnings=(), sections=(),
                  font: bool = True) -> str:
    """The report page as a string.

    Parameters
    ----------
    title : str
    summary : dict
        Corpus totals and exclusions, e.g. ``{"files": 3, "speakers": 12,
        "utterances": 410, "characters": 52000, "excluded": {"preamble": 3}}``;
        nested dicts become nested lists.
    files : pandas.DataFrame
        ``corpus.files``; the columns present among doc_id, role, format,
        encoding, newline, utterances, chars, bytes, error are shown.
    figure_svg : str or None
        The network figure as SVG text (prolog, metadata and namespace URLs are
        stripped so the page holds no external reference).
    keywords : pandas.DataFrame
        ``term, score, rank`` (first 30 rows shown).
    nodes : pandas.DataFrame
        nodes.csv; used for the communities when ``communities`` is None.
    communities : dict, optional
        ``{community: [terms]}``.
    distinctive : pandas.DataFrame, optional
        Distinctive terms; grouped by its first column when that is not ``term``.
    parameters : dict
    warnings : sequence of str
    sections : sequence of (heading, html)
        More sections (already escaped HTML), placed before the parameters.
    font : bool
        Embed the subset Japanese font (:func:`cooccur.export.fonts.embed_font`);
        ``False`` gives the page without it, for a caller that embeds it later.

    Returns
    -------
    str
    """
    out = [_HEAD.replace("{title}", html_escape(title)), f"<h1>{html_escape(title)}</h1>"]
    out.append("<section><h2>コーパスの概要</h2>" + _dict_list(summary) + "</section>")
    if files is not None and len(files):
        cols = [c for c in _FILE_COLUMNS if c in files.columns]
        out.append("<section><h2>ファイル</h2>" + html_table(files, cols) + "</section>")
    if warnings:
        out.append("<section class=\"warn\"><h2>警告</h2><ul>" + "".join(f"<li>{html_escape(w)}</li>" for w in warnings)
                   + "</ul></section>")
    if figure_svg:
        out.append("<section><h2>共起ネットワーク</h2><div class=\"fig\">" + _clean_svg(figure_svg) + "</div></section>")
    if keywords is not None and len(keywords):
        cols = [c for c in ("rank", "term", "score") if c in keywords.columns] or list(keywords.columns)
        out.append("<section><h2>キーワード（上位30語）</h2>" + html_table(keywords.head(30), cols) + "</section>")
    comm = communities if communities is not None else _communities_from_nodes(nodes)
    if comm:
        items = []
        for c in sorted(comm, key=lambda k: (int(k) < 0, int(k)) if _isint(k) else (True, 0)):
            name = "単独" if _isint(c) and int(c) < 0 else f"{int(c) + 1:02d}" if _isint(c) else str(c)
            items.append(f"<tr><th>{html_escape(name)}</th><td>{html_escape('、'.join(str(t) for t in comm[c]))}</td></tr>")
        out.append("<section><h2>コミュニティと語</h2><table>" + "".join(items) + "</table></section>")
    if distinctive is not None and len(distinctive):
        out.append("<section><h2>グループごとの特徴語</h2>" + _distinctive(distinctive) + "</section>")
    for heading, body in sections:
        out.append(f"<section><h2>{html_escape(heading)}</h2>{body}</section>")
    out.append("<section><h2>パラメータ</h2>" + _dict_list(parameters) + "</section>")
    out.append("</body>\n</html>\n")
    from .fonts import embed_font

    return embed_font("\n".join(out)) if font else "\n".join(out)


def write_report(path, **kwargs) -> Path | None:
    """Write :func:`render_report` to ``path`` (atomic, UTF-8) or an open file (:func:`cooccur.io.write_text`)."""
    from ..io import write_text

    return write_text(path, render_report(**kwargs))


# --------------------------------------------------------------------------- helpers


def html_escape(x) -> str:
    return html.escape(_s(x), quote=True)


def _s(x) -> str:
    if x is None:
        return ""
    try:
        import pandas as pd

        if not isinstance(x, (list, tuple, dict)) and pd.isna(x):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(x, float):
        return f"{x:.4g}" if abs(x) < 1e6 else f"{x:,.0f}"
    if isinstance(x, (list, tuple)):
        return ", ".join(_s(y) for y in x)
    return str(x)


def _isint(x) -> bool:
    try:
        int(x)
        return True
    except (TypeError, ValueError):
        return False


def _label(key) -> str:
    return _LABELS.get(str(key), str(key))


def _dict_list(d) -> str:
    if not isinstance(d, dict) or not d:
        return "<p>（なし）</p>"
    rows = []
    for k in d:  # in the caller's order (the summary is curated, parameters follow the stages)
        v = d[k]
        cell = _dict_list(v) if isinstance(v, dict) else html_escape(v)
        rows.append(f"<tr><th>{html_escape(_label(k))}</th><td>{cell}</td></tr>")
    return "<table class=\"kv\">" + "".join(rows) + "</table>"


def html_table(df, cols) -> str:
    head = "".join(f"<th>{html_escape(_label(c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html_escape(row[c])}</td>" for c in cols) + "</tr>"
                   for row in df[cols].to_dict("records"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _communities_from_nodes(nodes) -> dict:
    if nodes is None or not len(nodes) or "community" not in nodes.columns or "term" not in nodes.columns:
        return {}
    df = nodes.copy()
    if "frequency" in df.columns:
        df = df.sort_values(["frequency", "term"], ascending=[False, True], kind="mergesort")
    out: dict = {}
    for c, t in zip(df["community"], df["term"]):
        out.setdefault(int(c) if _isint(c) else c, []).append(t)
    return out


def _distinctive(df) -> str:
    first = df.columns[0]
    if first == "term" or "term" not in df.columns:
        return html_table(df.head(100), list(df.columns))
    parts = []
    for g, grp in df.groupby(first, sort=True):
        cols = [c for c in grp.columns if c != first][:4]
        parts.append(f"<h3>{html_escape(g)}</h3>" + html_table(grp.head(15), cols))
    return "".join(parts)


def _clean_svg(svg: str) -> str:
    """Inline-ready SVG: no XML prolog, DOCTYPE, metadata, comments, namespace URLs or scripts.

    (matplotlib writes each label's text as a comment beside its outlines:
    without them the inlined figure adds no character but ASCII to the page.)
    """
    svg = re.sub(r"<\?xml.*?\?>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<!DOCTYPE.*?>", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"<script.*?</script>", "", svg, flags=re.S | re.I)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"', r"\1", svg, count=1)
    svg = re.sub(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"', r"\1", svg, count=1)
    # renumber ids in document order: stable bytes even if the SVG was saved with a random
    # hash salt, and no clash with other ids on the page
    ids = {}
    for m in re.finditer(r'\bid="([^"]+)"', svg):
        ids.setdefault(m.group(1), f"fig{len(ids)}")
    if ids:
        pattern = re.compile(r'(\bid="|#)(' + "|".join(re.escape(k) for k in sorted(ids, key=len, reverse=True))
                             + r')(?=[")])')
        svg = pattern.sub(lambda m: m.group(1) + ids[m.group(2)], svg)
    return svg.strip()


_HEAD = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body{font-family:"IPAexGothic","Hiragino Sans","Yu Gothic","Meiryo","Noto Sans CJK JP",sans-serif;
 color:#222;max-width:1200px;margin:24px auto;padding:0 16px;line-height:1.5}
h1{font-size:26px}h2{font-size:20px;border-bottom:2px solid #0072B2;padding-bottom:2px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;
 vertical-align:top;font-size:14px}th{background:#f3f6f9}
table.kv table.kv{margin:0}.fig svg{width:100%;height:auto;border:1px solid #ddd}
.warn{background:#fff6e5;padding:4px 12px;border-left:4px solid #E69F00}
</style>
</head>
<body>"""
