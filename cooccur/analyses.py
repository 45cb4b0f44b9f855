"""KH Coder's other analyses inside ``analyze``: correspondence, term clusters, coding rules.

:func:`run_analyses` is called by :func:`cooccur.pipeline.run` after the
network; :func:`write_analyses` by :func:`cooccur.outputs.write_outputs`, with the
PNGs :func:`render_analysis_figures` drew (through :func:`cooccur.render.render_figures`).
:func:`correspondence_analysis` is what ``cooccur ca`` runs.

Files written (CSV: UTF-8 with BOM):

=============================  ==========================================================
``clusters.csv``               ``term, cluster, frequency`` (dendrogram order); ``dendrogram.png``
``correspondence.csv``         ``kind (term|group|document), label, frequency, dim1 …`` (principal coordinates)
``correspondence_inertia.csv`` ``dimension, eigenvalue, share, cumulative`` (share in %)
``correspondence_table.csv``   the contingency table analysed (terms × groups)
``correspondence.png``         the biplot (one-dimensional with two groups)
``codes.csv``                  ``code, units, share`` (% of all units) + ``#コードなし``
``code_units.csv``             the unit keys and 0/1 per code
``code_crosstab.csv``          with group_by: ``code, count_<g>, percent_<g>, chi2, p_value, residual_<g>``
``code_crosstab.png``, ``code_network.png``
=============================  ==========================================================
"""

from __future__ import annotations

import time
import warnings as _warnings
from pathlib import Path
from typing import Any

__all__ = ["check_params", "run_analyses", "write_analyses", "render_analysis_figures", "analysis_figures", "report_sections",
           "correspondence_analysis", "ANALYSIS_FIGURES"]

#: Figures (PNG) and their headings, in report / slide order.
ANALYSIS_FIGURES = {"dendrogram": "語の階層的クラスター分析", "correspondence": "対応分析",
                    "code_crosstab": "コードのクロス集計", "code_network": "コードの共起ネットワーク"}


def check_params(params: dict) -> None:
    """Reject invalid analysis settings before the expensive stages (ValueError / CodingRuleError)."""
    for name, low in (("ca_terms", 0), ("ca_label_top", 0), ("n_clusters", 1)):
        v = params.get(name)
        if v is not None and v < low:
            extra = " (0 = all)" if low == 0 else " (or leave it out for round(√n))"
            raise ValueError(f"{name} must be a whole number ≥ {low}{extra}, not {v!r}")
    if params.get("coding_rules"):
        from .coding import read_coding_rules

        read_coding_rules(params["coding_rules"])


def run_analyses(corpus, tokens, cooc, params: dict, warnings: list, timings: dict, *,
                 stage=None) -> dict[str, Any]:
    """Correspondence analysis (with group_by, or ca_matrix='document'), clusters, codes; each optional.

    Problems that leave one analysis without data become warnings; the others still run.
    ``stage`` is the run's :func:`cooccur.stage_cache.stage_runner`: the term
    clusters read only the tokens and the candidate terms, so a re-run with
    new network parameters takes them from the stage cache (and skips
    importing SciPy's clustering).
    """
    from .errors import AnalysisError

    out: dict[str, Any] = {"correspondence": None, "clusters": None, "codes": None}
    terms = cooc.terms["term"].tolist()
    t0 = time.perf_counter()
    if params["group_by"] or params["ca_matrix"] == "document":
        from .ca import correspondence

        try:
            ca = correspondence(tokens, corpus.utterances, group_by=params["group_by"], matrix=params["ca_matrix"],
                                terms=terms, n_terms=params["ca_terms"], scaling=params["ca_scaling"])
            warnings.extend(ca.warnings)
            out["correspondence"] = ca
        except AnalysisError as exc:
            warnings.append(f"correspondence analysis skipped: {exc}")
        timings["correspondence"] = time.perf_counter() - t0
    if params["clusters"]:
        t0 = time.perf_counter()
        from .clustering import TermClusters, cluster_terms

        def compute():
            return cluster_terms(tokens, terms=terms, unit=params["unit"], distance=params["cluster_distance"],
                                 method=params["cluster_method"], n_clusters=params["n_clusters"]).to_stage()

        inputs = (terms, params["unit"], params["cluster_distance"], params["cluster_method"], params["n_clusters"])
        try:  # through to_stage/from_stage either way, so a stored result and a computed one are the same
            out["clusters"] = TermClusters.from_stage(*(compute() if stage is None
                                                        else stage("clusters", inputs, compute)))
        except AnalysisError as exc:
            warnings.append(f"term clustering skipped: {exc}")
        timings["clusters"] = time.perf_counter() - t0
    if params["coding_rules"]:
        t0 = time.perf_counter()
        out["codes"] = _codes(corpus, tokens, params, warnings)
        timings["coding"] = time.perf_counter() - t0
    return out


def _codes(corpus, tokens, params, warnings):
    from .coding import apply_coding_rules, code_crosstab, code_network, read_coding_rules

    rules = read_coding_rules(params["coding_rules"])
    if "dictionary_form" not in tokens.columns:
        warnings.append("coding rules: the tokens table in memory is the lean one (counted terms only); words "
                        "are matched against counted terms and their surfaces; use tokens_in_memory='all' to "
                        "match every word")
    coding = apply_coding_rules(rules, tokens, corpus.utterances, unit=params["unit"])
    warnings.extend(coding.warnings)
    if params["group_by"]:
        coding.crosstab, coding.crosstab_info = code_crosstab(coding, tokens, corpus.utterances,
                                                              group_by=params["group_by"])
        if coding.crosstab_info["units_left_out"]:
            warnings.append(f"code cross-tab: {coding.crosstab_info['units_left_out']} units have no single "
                            f"{params['group_by']!r} value and are left out")
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", UserWarning)
        coding.graph = code_network(coding, seed=params["seed"])
    return coding


def analysis_figures(analysis) -> list[tuple[str, tuple, Any]]:
    """(name, inputs, draw) of each analysis figure that ran, in :data:`ANALYSIS_FIGURES` order.

    ``inputs`` are everything the figure is drawn from (what
    :class:`cooccur.figure_cache.FigureCache` keys it by); ``draw()`` returns its PNG bytes.
    """
    p = analysis.parameters
    from . import plot_analyses as pa

    look = (p["dpi"], p["transparent"], p["size"])
    figs = []
    if analysis.clusters is not None:
        figs.append(("dendrogram", (analysis.clusters, look),
                     lambda: pa.plot_dendrogram(analysis.clusters, size=p["size"])))
    if analysis.correspondence is not None:
        figs.append(("correspondence", (analysis.correspondence, p["ca_zoom_origin"], p["ca_label_top"],
                                        p["ca_bubbles"], look),
                     lambda: pa.plot_correspondence(analysis.correspondence, zoom_origin=p["ca_zoom_origin"],
                                                    label_top=p["ca_label_top"], bubbles=p["ca_bubbles"],
                                                    size=p["size"])))
    c = analysis.codes
    if c is not None and c.crosstab is not None and len(c.crosstab_info["groups"]):
        figs.append(("code_crosstab", (c.crosstab, c.crosstab_info, look),
                     lambda: pa.plot_code_crosstab(c.crosstab, c.crosstab_info, size=p["size"])))
    if c is not None and c.graph is not None:
        figs.append(("code_network", (c.graph, p["seed"], look),
                     lambda: pa.plot_code_network(c.graph, size=p["size"], seed=p["seed"])))
    return [(name, inputs, _png_of(make, p)) for name, inputs, make in figs]


def _png_of(make, p: dict):
    """A function drawing the figure ``make()`` gives as PNG bytes (closed once saved)."""
    def draw() -> bytes:
        import matplotlib.pyplot as plt

        fig = make()
        try:
            return _png(fig, dpi=p["dpi"], transparent=p["transparent"])
        finally:
            plt.close(fig)

    return draw


def write_analyses(analysis, out: Path, formats: set, figures: dict[str, bytes], *, ledger=None) -> dict[str, Path]:
    """Write the tables and, with png, the figures' PNG files from ``figures`` (name → bytes).

    ``figures`` is :func:`cooccur.render.render_figures`' result, which holds
    the PNGs of :func:`render_analysis_figures` when png, report or pptx is
    asked for; with a :class:`cooccur.folder.TableLedger`, tables unchanged
    since it noted them are left alone (:func:`cooccur.io.write_table`).
    Returns name → path.
    """
    from functools import partial

    from .io import atomic_write_bytes
    from .io import write_table as plain

    write_table = partial(plain, ledger=ledger)

    out = Path(out)
    written: dict[str, Path] = {}
    if analysis.clusters is not None:
        written["clusters"] = write_table(analysis.clusters.clusters, out / "clusters.csv", kind="csv")
    ca = analysis.correspondence
    if ca is not None:
        written["correspondence"] = write_table(ca.to_frame(), out / "correspondence.csv", kind="csv")
        written["correspondence_inertia"] = write_table(ca.inertia, out / "correspondence_inertia.csv", kind="csv")
        written["correspondence_table"] = write_table(ca.table.reset_index(), out / "correspondence_table.csv",
                                                      kind="csv")
    c = analysis.codes
    if c is not None:
        written["codes"] = write_table(c.summary, out / "codes.csv", kind="csv")
        written["code_units"] = write_table(c.units, out / "code_units.csv", kind="csv")
        if c.crosstab is not None:
            written["code_crosstab"] = write_table(c.crosstab, out / "code_crosstab.csv", kind="csv")
    if "png" in formats:
        for name in ANALYSIS_FIGURES:
            if name in figures:
                written[f"{name}_png"] = atomic_write_bytes(out / f"{name}.png", figures[name])
    return written


def render_analysis_figures(analysis) -> dict[str, bytes]:
    """The PNG bytes of the analyses' figures that ran (keys of :data:`ANALYSIS_FIGURES`), in that order."""
    return {name: draw() for name, _inputs, draw in analysis_figures(analysis)}


def _png(fig, *, dpi: int, transparent: bool) -> bytes:
    """:func:`cooccur.plot.figure_bytes` as PNG with faster zlib settings (same pixels, byte-stable)."""
    import io

    import matplotlib as mpl

    from .plot import setup_japanese_font

    if dpi < 200:
        raise ValueError(f"dpi {dpi} is too coarse for slides; use dpi=200 or more")
    buf = io.BytesIO()
    with mpl.rc_context(setup_japanese_font()):
        fig.savefig(buf, format="png", dpi=dpi, transparent=transparent, metadata={"Software": "cooccur"},
                    facecolor="none" if transparent else "white", pil_kwargs={"compress_level": 2})
    return buf.getvalue()


def report_sections(analysis, rendered: dict[str, bytes]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of report.html for the analyses that ran, figures as embedded PNG."""
    import base64

    from .export.report import html_escape, html_table

    def img(name):
        data = rendered.get(name)
        if not data:
            return ""
        return (f'<div class="fig"><img alt="{html_escape(ANALYSIS_FIGURES[name])}" style="width:100%;height:auto" '
                f'src="data:image/png;base64,{base64.b64encode(data).decode("ascii")}"></div>')

    out = []
    cl = analysis.clusters
    if cl is not None:
        groups = cl.clusters.groupby("cluster", sort=True)["term"].agg("、".join)
        rows = "".join(f"<tr><th>{k}</th><td>{html_escape(v)}</td></tr>" for k, v in groups.items())
        out.append((ANALYSIS_FIGURES["dendrogram"], img("dendrogram") + "<p>Ward法（KH Coderと同じく Jaccard 距離に"
                    "適用。Ward法は本来ユークリッド距離を前提とします）。</p><table>" + rows + "</table>"))
    ca = analysis.correspondence
    if ca is not None:
        out.append((ANALYSIS_FIGURES["correspondence"], img("correspondence")
                    + html_table(ca.inertia.round(4), list(ca.inertia.columns))))
    c = analysis.codes
    if c is not None:
        html = html_table(c.summary.round(2), ["code", "units", "share"])
        if c.crosstab is not None:
            shown = c.crosstab.round(3)
            html += img("code_crosstab") + html_table(shown, list(shown.columns))
        html += img("code_network")
        out.append(("コーディング", html))
    return out


def correspondence_analysis(input, *, output=None, config=None, force: bool = False, cache: bool | str | Path = True,
                            **params):
    """Read, tokenize and run the correspondence analysis alone (what ``cooccur ca`` does).

    The candidate terms are those of the co-occurrence settings (``min_frequency``
    etc.); with ``output`` (an :class:`~cooccur.folder.OutputFolder`, whose
    token and read caches a re-run uses, ``cache`` as for :func:`cooccur.analyze`),
    writes ``correspondence.csv``, ``correspondence_inertia.csv``,
    ``correspondence_table.csv`` and ``correspondence.png``.

    Returns
    -------
    cooccur.ca.Correspondence
    """
    from .ca import correspondence
    from .cooccurrence import count_cooccurrence
    from .pipeline import pick_params, read_and_tokenize, resolve_params

    resolved = resolve_params(config, **params)
    check_params(resolved)
    if resolved["ca_matrix"] == "group" and not resolved["group_by"]:
        raise ValueError("cooccur ca needs --group-by COLUMN (terms × its values), or --ca-matrix document")
    from .engine import get_engine
    from .folder import OutputFolder, open_token_cache

    folder = OutputFolder(output, force=force, cache=cache) if output is not None else None
    engine = get_engine(resolved["engine"], resolved["scheduler"])
    try:
        got = read_and_tokenize(input, resolved, group_by=resolved["group_by"] or None, engine=engine,
                                cache=folder.cache if folder is not None else open_token_cache(cache), folder=folder)
    finally:
        engine.close()
    corpus, tokens = got.corpus, got.tokens
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", UserWarning)
        cooc = count_cooccurrence(tokens, **pick_params(resolved, "cooccurrence"))
    ca = correspondence(tokens, corpus.utterances, group_by=resolved["group_by"], matrix=resolved["ca_matrix"],
                        terms=cooc.terms["term"].tolist(), n_terms=resolved["ca_terms"],
                        scaling=resolved["ca_scaling"])
    if output is not None:
        import matplotlib.pyplot as plt

        from .io import write_table
        from .plot import save_figure
        from .plot_analyses import plot_correspondence

        out = Path(output)
        write_table(ca.to_frame(), out / "correspondence.csv", kind="csv")
        write_table(ca.inertia, out / "correspondence_inertia.csv", kind="csv")
        write_table(ca.table.reset_index(), out / "correspondence_table.csv", kind="csv")
        fig = plot_correspondence(ca, zoom_origin=resolved["ca_zoom_origin"], label_top=resolved["ca_label_top"],
                                  bubbles=resolved["ca_bubbles"], size=resolved["size"])
        try:
            save_figure(fig, out / "correspondence.png", dpi=resolved["dpi"])
        finally:
            plt.close(fig)
    return ca
