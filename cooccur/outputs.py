"""Write an :class:`~cooccur.pipeline.Analysis` to an output folder, and its manifest.

Every output's file name is decided here; the folder itself (guard, ``.cache``,
ledger, tokens file) is :class:`cooccur.folder.OutputFolder`'s, which calls
:func:`write_outputs` and :func:`write_comparison`. Every file is written
atomically (:mod:`cooccur.io`) and byte-identical across runs with the same
inputs, parameters and seed; the only varying values are the ``created_at`` and
``elapsed_seconds`` keys of ``manifest.json``.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from .texts import EXCLUSION_REASONS

__all__ = ["write_outputs", "write_comparison", "build_manifest", "network_page", "KWIC_LINES_PER_TERM"]

#: KWIC lines embedded per node in network.html.
KWIC_LINES_PER_TERM = 30


def _table_name(stem: str, kind: str) -> str:
    return f"{stem}.{kind}"


def write_outputs(analysis, output: str | Path, *, started_at: float | None = None,
                  t_start: float | None = None, ledger=None, tokens_written: Path | None = None,
                  figure_cache=None, figure_worker=None, network_html: tuple | None = None) -> dict[str, Path]:
    """Write tables, network files, figures and ``manifest.json`` into ``output``.

    Called by :meth:`cooccur.folder.OutputFolder.write`, which owns the folder
    (its guard, ledger and tokens file); called alone it writes into any
    folder. The figures are drawn in a child process forked first
    (:class:`cooccur.render.FigureJob`; in this process where there is no
    fork) while the tables, KWIC lines and network.html are written here; the
    two large Parquet tables on a worker thread (Arrow releases the GIL). The
    figure files, report.html and slides.pptx are written once the figures
    are back; the bytes are the same as drawing them here.

    Parameters
    ----------
    analysis : cooccur.pipeline.Analysis
    output : path
        The folder (created if missing; no guard).
    started_at, t_start : float, optional
        ``time.time()`` and ``time.perf_counter()`` at the start of the run,
        for the manifest's ``created_at`` and total seconds.
    ledger : cooccur.folder.TableLedger, optional
        A table (Parquet or CSV) whose content and file are unchanged since the
        ledger noted them is not rewritten; the bytes are the same either way.
    tokens_written : path, optional
        The tokens table already in ``output`` (streamed while tokenizing):
        listed in the manifest, not written again.
    figure_cache : cooccur.figure_cache.FigureCache, optional
        Figures whose inputs are unchanged since the cache stored them are
        taken from it instead of drawn; the bytes are the same either way.
    figure_worker : cooccur.render_worker.FigureWorker, optional
        A process forked earlier that has matplotlib imported: it draws the
        figures instead of a child forked now (same bytes).
    network_html : tuple, optional
        ``(graph, positions, tokens, utterances, measure, page)``: network.html
        rendered earlier without its font (:func:`network_page`, by
        :meth:`cooccur.folder.OutputFolder.draw_network`); used when the
        analysis holds those very objects, else the page is rendered here.

    Returns
    -------
    dict
        Output name → path written.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .io import trim_heap, write_json, write_table
    from .network import edges_frame, nodes_frame

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    p = analysis.parameters
    t0 = time.perf_counter()

    kind = p["tables"]
    from .render import FigureJob

    def big_tables() -> dict[str, Path]:
        done = {"utterances": write_table(analysis.corpus.utterances, out / _table_name("utterances", kind),
                                          kind=kind, ledger=ledger)}
        if tokens_written is not None:
            done["tokens"] = Path(tokens_written)
        else:
            done["tokens"] = write_table(analysis.tokens, out / _table_name("tokens", kind), kind=kind, ledger=ledger)
        return done

    formats = set(p["formats"])
    figures = FigureJob(analysis, formats, cache=figure_cache, worker=figure_worker).start()  # drawn in a forked child meanwhile (before any thread starts)
    written: dict[str, Path] = {}
    try:
        trim_heap()  # memory freed by the earlier stages, so the table-writing thread can reuse it
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cooccur-tables") as pool:
            tables = pool.submit(big_tables)
            nodes = nodes_frame(analysis.graph)
            edges = edges_frame(analysis.graph)
            written["nodes"] = write_table(nodes, out / "nodes.csv", kind="csv", ledger=ledger)
            written["edges"] = write_table(edges, out / "edges.csv", kind="csv", ledger=ledger)
            written["keywords"] = write_table(analysis.keywords, out / "keywords.csv", kind="csv", ledger=ledger)
            if analysis.families is not None:
                from .families import family_synonyms

                written["families"] = write_table(analysis.families, out / "families.csv", kind="csv",
                                                  ledger=ledger)
                written["family_synonyms"] = write_table(family_synonyms(
                    analysis.families, only=analysis.families.attrs.get("below_cutoff")),
                    out / "family_synonyms.csv", kind="csv", ledger=ledger)
            written["files"] = write_table(analysis.corpus.files.drop(columns=["path"], errors="ignore"),
                                           out / "files.csv", kind="csv", ledger=ledger)
            if len(analysis.corpus.exclusions):
                written["exclusions"] = write_table(analysis.corpus.exclusions, out / "exclusions.csv", kind="csv",
                                                    ledger=ledger)
            ag = analysis.attribute_graph
            if ag is not None and ag.graph.get("omitted_groups"):  # the groups the figure leaves out are listed
                import pandas as pd

                written["attribute_groups"] = write_table(pd.DataFrame(ag.graph["groups"]),
                                                          out / "attribute_groups.csv", kind="csv", ledger=ledger)
            if analysis.distinctive is not None:
                written["distinctive"] = write_table(analysis.distinctive, out / "distinctive.csv", kind="csv",
                                                     ledger=ledger)
            if analysis.comparison is not None:
                written.update(_comparison_tables(analysis.comparison, out, ledger))
            written.update(_write_network_files(analysis, out, formats, nodes, figures, network_html, ledger))
            written = {**tables.result(), **written}
        if ledger is not None:
            ledger.save()
    finally:
        figures.close()

    timings = dict(analysis.timings)
    timings["write"] = time.perf_counter() - t0
    manifest = build_manifest(analysis, written, timings=timings, started_at=started_at, t_start=t_start)
    written["manifest"] = write_json(manifest, out / "manifest.json")
    return written


def _write_network_files(analysis, out: Path, formats: set[str], nodes, figures,
                         network_html: tuple | None = None, ledger=None) -> dict[str, Path]:
    """The network's files, network.html, then (waiting for ``figures``, a
    :class:`cooccur.render.FigureJob`) every figure file, the analyses' tables, report.html and slides.pptx.

    ``network_html`` and ``ledger`` are ``write_outputs``'s (a page rendered earlier, used when it is this
    analysis's; the table ledger)."""
    from .export import fonts, graph as gexport
    from .io import atomic_write_bytes, write_text

    written: dict[str, Path] = {}
    G, pos = analysis.graph, analysis.positions
    p = analysis.parameters
    if "graphml" in formats:
        written["graphml"] = gexport.write_graphml(G, out / "network.graphml")
    if "gexf" in formats:
        written["gexf"] = gexport.write_gexf(G, out / "network.gexf", pos=pos)
    if "json" in formats:
        written["json"] = gexport.write_json(G, out / "network.json", pos=pos)
    page = None
    if "html" in formats:
        early = network_html or ()
        same = (len(early) == 6 and early[0] is G and early[1] is pos and early[2] is analysis.tokens
                and early[3] is analysis.corpus.utterances and early[4] == p["measure"])
        page = early[5] if same else network_page(G, pos, analysis.tokens, analysis.corpus.utterances, p["measure"])
        if not figures.asks_font(fonts.characters(page), fonts.FONT_FAMILY):
            fonts.prefetch(page)  # built while the figures are waited for
    guess = None
    if "report" in formats and figures.builds_fonts:  # its characters are known before the figures: they add ASCII
        guess = fonts.characters(_report(analysis, nodes, figures.placeholders()), ascii=True)
        figures.ask_font(guess, fonts.FONT_FAMILY)

    try:
        drawn = figures.get()
    except Exception:  # the figures drawn before the error are whole: write them, and network.html as before
        _network_figures(out, formats, figures.partial, p["svg_text"] != "outlines")
        if page is not None:
            write_text(out / "network.html", fonts.embed_font(page))
        raise
    if page is not None:
        written["html"] = write_text(out / "network.html", fonts.embed_font(page))
    from .analyses import write_analyses

    written.update(write_analyses(analysis, out, formats, drawn, ledger=ledger))  # clusters, CA, codes
    written.update(_network_figures(out, formats, drawn, p["svg_text"] != "outlines"))
    if "report" in formats:
        report = _report(analysis, nodes, drawn)
        characters = fonts.characters(report, ascii=True)
        css = figures.font(guess, fonts.FONT_FAMILY)
        if css is not None and characters == guess:  # built by a lane while the figures were drawn
            fonts.provide(characters, fonts.FONT_FAMILY, css)
        written["report"] = write_text(out / "report.html", fonts.embed_font(report, characters=characters))
    if "png" in formats:
        if analysis.comparison is not None:
            written["comparison"] = atomic_write_bytes(out / "comparison.png", drawn["comparison.png"])
        for name in ("keywords", "attribute_network"):
            if f"{name}.png" in drawn:
                written[f"{name}_png"] = atomic_write_bytes(out / f"{name}.png", drawn[f"{name}.png"])
    if p["pptx"]:
        written.update(_write_pptx(analysis, out, drawn))
    return written


def _report(analysis, nodes, drawn: dict[str, bytes]) -> str:
    """report.html without its font (the figures of ``drawn`` in it)."""
    from .analyses import report_sections
    from .export.report import render_report

    return render_report(
        title="共起ネットワーク分析レポート",
        summary=_report_summary(analysis),
        files=analysis.corpus.files,
        figure_svg=drawn["network.svg"].decode("utf-8") if "network.svg" in drawn else None,
        keywords=analysis.keywords,
        nodes=nodes,
        distinctive=analysis.distinctive,
        parameters=analysis.parameters,
        warnings=analysis.warnings,
        sections=report_sections(analysis, drawn),
        font=False,
    )


def _network_figures(out: Path, formats: set[str], drawn: dict[str, bytes], editable: bool) -> dict[str, Path]:
    """network.png, .svg (``editable``: its editable drawing) and .pdf, those of ``formats`` that are in ``drawn``."""
    from .io import atomic_write_bytes

    written = {}
    for fmt in ("png", "svg", "pdf"):
        name = "network.editable.svg" if fmt == "svg" and editable else f"network.{fmt}"
        if fmt in formats and name in drawn:
            written[fmt] = atomic_write_bytes(out / f"network.{fmt}", drawn[name])
    return written


_REASONS_JA = EXCLUSION_REASONS


def _report_summary(analysis) -> dict:
    """The corpus summary for report.html, labelled in Japanese for the colleague it is forwarded to."""
    s = analysis.summary()
    u = analysis.corpus.utterances
    analysed = u[u["exclusion"].isna()]
    excluded = {_REASONS_JA.get(k, k): v for k, v in sorted((s.get("utterances_excluded") or {}).items())}
    spans = analysis.corpus.exclusions["reason"].value_counts().sort_index()
    return {
        "ファイル": f"{s.get('files_ok', 0)} 読込・{s.get('files_skipped', 0)} スキップ・{s.get('files_error', 0)} 不採用"
                 f"（ほかにメタデータ表 {s.get('metadata_files', 0)}）",
        "発言者": f"{analysed['speaker'].nunique()} 人（ラベルの異なり）",
        "発言": f"{s.get('utterances_analysed', 0)} 件を分析・{sum(excluded.values())} 件を除外",
        "除外した発言の内訳": excluded or "なし",
        "発言から除いた部分": {_REASONS_JA.get(k, k): int(v) for k, v in spans.items()} or "なし",
        "文字数": f"入力 {s.get('characters_in', 0):,}・分析 {s.get('characters_out', 0):,}"
                f"・除外 {s.get('characters_excluded', 0):,}・話者ラベルと書式 {s.get('characters_markup', 0):,}",
        "トークン": f"{s['tokens']:,}（うち集計対象 {s['counted_tokens']:,}、異なり語 {s['distinct_terms']:,}）",
        "共起ネットワーク": f"語 {s['nodes']}・共起 {s['edges']}（候補語 {s['candidate_terms']}、"
                     f"最小出現数 {s['min_frequency_applied']}）",
    }


def network_page(G, pos, tokens, utterances, measure: str) -> str:
    """network.html without its font: the network and the KWIC lines of its nodes (capped per term)."""
    from .export.html import render_network_html
    from .kwic import concordances

    terms = sorted(G.nodes)
    kwic = concordances(tokens, utterances, terms, limit=KWIC_LINES_PER_TERM) if terms else None
    return render_network_html(G, pos, kwic=kwic, measure=measure, font=False)


def write_comparison(result, output: str | Path, params: dict) -> dict[str, Path]:
    """Write a group comparison: ``comparison_edges.csv``, ``comparison_terms.csv`` and ``comparison.png``.

    ``result`` is :func:`cooccur.network.compare_groups`'s; the figure takes
    ``size``, ``seed``, ``dpi`` and ``transparent`` from ``params``. The files
    are the bytes :func:`write_outputs` writes for ``analyze(..., group_by=...)``
    with the same parameters. Returns name → path.
    """
    out = Path(output)
    return {**_comparison_tables(result, out), **_comparison_figure(result, out, params)}


def _comparison_tables(result, out: Path, ledger=None) -> dict[str, Path]:
    from .io import write_table

    return {"comparison_edges": write_table(result.edges, out / "comparison_edges.csv", kind="csv", ledger=ledger),
            "comparison_terms": write_table(result.terms, out / "comparison_terms.csv", kind="csv", ledger=ledger)}


def _comparison_figure(result, out: Path, p: dict) -> dict[str, Path]:
    from .io import atomic_write_bytes
    from .plot_groups import comparison_png

    return {"comparison": atomic_write_bytes(out / "comparison.png", comparison_png(
        result, size=p["size"], seed=p["seed"], dpi=p["dpi"], transparent=p["transparent"]))}


def _write_pptx(analysis, out: Path, drawn: dict[str, bytes]) -> dict[str, Path]:
    """slides.pptx from the 16:9 network and keyword PNGs (the folder's own when they are the slides')."""
    from .analyses import ANALYSIS_FIGURES
    from .export.pptx import write_pptx
    from .render import slide_ready

    ready = slide_ready(analysis.parameters)
    pngs = {name: drawn[f"slide:{name}"] if f"slide:{name}" in drawn else drawn[f"{name}.png"]
            for name in ("network", "keywords")}
    path = write_pptx(out / "slides.pptx", network_png=pngs["network"], keywords_png=pngs["keywords"],
                      keywords=analysis.keywords, facts=_slide_facts(analysis),
                      figures=[(ANALYSIS_FIGURES[k], drawn[k]) for k in ANALYSIS_FIGURES if k in drawn and ready])
    return {"pptx": Path(path)}


#: Utterance columns read as meeting dates for the title slide (else any column of yyyy-mm-dd values).
_DATE_COLUMNS = ("date", "開催日", "日付", "年月日", "開催年月日")


def _slide_facts(analysis) -> list[tuple[str, str]]:
    """The title slide's lines: corpus (files, utterances, speakers, dates) and the main parameters."""
    import re

    s = analysis.summary()
    p = analysis.parameters
    u = analysis.corpus.utterances
    analysed = u[u["exclusion"].isna()]
    facts = [("コーパス", f"ファイル {s.get('files_ok', 0)} 件・発言 {s.get('utterances_analysed', 0):,} 件"
                        f"（話者 {analysed['speaker'].nunique()} 人）・分析した文字 {s.get('characters_out', 0):,}")]
    names = [c for c in _DATE_COLUMNS if c in u.columns] + [c for c in u.columns if c not in _DATE_COLUMNS]
    for c in names:
        if c in ("doc_id", "text", "speaker") or u[c].dtype.kind in "iufb":
            continue
        values = analysed[c].dropna().astype(str)
        if len(values) and values.map(lambda v: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v))).all():
            facts.append(("期間", f"{values.min()} 〜 {values.max()}（{c}）"))
            break
    edges = f"上位 {p['top_n']}" if p.get("threshold") is None else f"係数 ≥ {p['threshold']}"
    facts.append(("共起ネットワーク", f"語 {s['nodes']}・共起 {s['edges']}（単位 {p['unit']}・{p['measure']}・{edges}"
                                 f"・最小出現数 {p['min_frequency']}・コミュニティ {p['communities']}・seed {p['seed']}）"))
    facts.append(("語", f"集計対象 {s['counted_tokens']:,}・異なり {s['distinct_terms']:,}（品詞 {'・'.join(p['pos'])}"
                      f"・複合語 {p['compounds']}・ストップワード {p['stopwords']}）"))
    facts.append(("キーワードの順位", p["keyword_score"]))
    if p.get("group_by"):
        facts.append(("グループ", str(p["group_by"])))
    return facts


def build_manifest(analysis, written: dict[str, Path], *, timings: dict[str, float] | None = None,
                   started_at: float | None = None, t_start: float | None = None) -> dict[str, Any]:
    """The manifest: tool version, every parameter applied, each input file, totals, outputs.

    Timings appear only under ``elapsed_seconds`` and ``created_at`` so the rest
    is byte-stable across runs.
    """
    files = analysis.corpus.files
    inputs = []
    for row in files.to_dict("records"):
        rec = {k: _plain(v) for k, v in row.items() if k != "path"}
        inputs.append(rec)
    outputs = sorted(Path(p).name for p in written.values())
    elapsed = {k: round(v, 4) for k, v in (timings or {}).items()}
    if t_start is not None:
        elapsed["total"] = round(time.perf_counter() - t_start, 4)
    manifest = {
        "tool": "cooccur",
        "version": __version__,
        "parameters": {k: _plain(v) for k, v in sorted(analysis.parameters.items())},
        "inputs": inputs,
        "totals": {k: _plain(v) for k, v in analysis.summary().items()},
        "warnings": list(analysis.warnings),
        "outputs": outputs,
        "elapsed_seconds": elapsed,
    }
    if started_at is not None:
        manifest["created_at"] = datetime.fromtimestamp(started_at, tz=timezone.utc).isoformat(timespec="seconds")
    return manifest


def _plain(value: Any) -> Any:
    """JSON-ready plain Python values (NA → None, numpy scalars → Python, tuples → lists)."""
    import math

    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return value.as_posix()
    return value
