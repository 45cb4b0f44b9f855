"""Every figure of an output folder as bytes, drawn in a forked process while the rest is written.

:func:`render_figures` draws each figure :func:`cooccur.outputs.write_outputs`
writes (network PNG/SVG/PDF, keywords, attribute network, group comparison,
the other analyses' PNGs, the slides' PNGs) and returns their bytes; it
writes nothing. :class:`FigureJob` runs it in a child process forked at the
start of the write, so matplotlib's import and its drawing (which hold the
GIL) use the other core while the parent writes tables, KWIC lines and HTML;
the parent never imports matplotlib. Where forking is not available (or the
child fails), the figures are drawn in the parent on first use: the bytes
are the same either way, since the same function draws them.

Names of the bytes returned: ``network.png``, ``network.svg`` (glyphs as
outlines, also what report.html embeds), ``network.editable.svg``
(``svg_text="editable"``), ``network.pdf``, ``keywords.png``,
``attribute_network.png``, ``comparison.png``, the keys of
:data:`cooccur.analyses.ANALYSIS_FIGURES` (PNG), and ``slide:network`` /
``slide:keywords`` (the 16:9 PNGs slides.pptx takes, when the folder's own
PNGs are not those).
"""

from __future__ import annotations

import os
import sys

__all__ = ["FigureJob", "render_figures", "figures_wanted", "slide_ready"]

#: Draw in a forked child process where the platform can (tests switch it off to compare).
FORK = True


def figures_wanted(p: dict, formats: set[str]) -> bool:
    """True when a write with parameters ``p`` and ``formats`` draws any figure."""
    return bool(formats & {"png", "svg", "pdf", "report"}) or bool(p["pptx"])


def slide_ready(p: dict) -> bool:
    """True when the PNGs drawn for the output folder are exactly the ones slides.pptx needs."""
    return p["size"] == "slide16x9" and not p["transparent"] and not p["edge_labels"]


def _keywords_title(params: dict) -> str:
    """The keyword chart's title names the score it ranks by."""
    from .texts import SCORE_NAMES

    return f"キーワード上位20語（{SCORE_NAMES.get(params['keyword_score'], params['keyword_score'])}）"


def render_figures(analysis, formats: set[str], *, into: dict | None = None) -> dict[str, bytes]:
    """Draw every figure a write of ``analysis`` with ``formats`` needs; return name → bytes.

    The figures are drawn in the order the files were always drawn in (the
    other analyses, the network, the comparison, keywords, attribute network,
    the slides' PNGs), each closed once saved.

    Parameters
    ----------
    analysis : cooccur.pipeline.Analysis
    formats : set of str
        The ``formats`` parameter (``png``, ``svg``, ``pdf``, ``report``, ...).
    into : dict, optional
        Filled figure by figure and returned (so the figures drawn before an
        error are kept there).

    Returns
    -------
    dict
        Name (see the module docstring) → bytes; empty when no figure is wanted.
    """
    p = analysis.parameters
    data: dict[str, bytes] = {} if into is None else into
    if not figures_wanted(p, formats):
        return data
    import matplotlib.pyplot as plt

    from .analyses import render_analysis_figures
    from .plot import figure_bytes, plot_attribute_network, plot_keywords, plot_network

    if formats & {"png", "report"} or p["pptx"]:
        data.update(render_analysis_figures(analysis))
    if formats & {"png", "svg", "pdf", "report"}:
        fig = plot_network(analysis.graph, analysis.positions, color_by=p["color_by"], size=p["size"],
                           edge_labels=p["edge_labels"], mst=p["mst"], transparent=p["transparent"], seed=p["seed"])
        try:
            for fmt in ("png", "svg", "pdf"):
                if fmt in formats or (fmt == "svg" and "report" in formats):
                    data[f"network.{fmt}"] = figure_bytes(fig, fmt, dpi=p["dpi"], transparent=p["transparent"])
                    if fmt == "svg" and fmt in formats and p["svg_text"] != "outlines":
                        data["network.editable.svg"] = figure_bytes(fig, fmt, dpi=p["dpi"],
                                                                    transparent=p["transparent"],
                                                                    svg_text=p["svg_text"])
        finally:
            plt.close(fig)
    if "png" in formats:
        if analysis.comparison is not None:  # the same bytes as `cooccur compare` with the same parameters
            from .plot_groups import comparison_png

            data["comparison.png"] = comparison_png(analysis.comparison, size=p["size"], seed=p["seed"],
                                                    dpi=p["dpi"], transparent=p["transparent"])
        figures = [("keywords", lambda: plot_keywords(analysis.keywords, size=p["size"], title=_keywords_title(p)))]
        if analysis.attribute_graph is not None and analysis.attribute_graph.number_of_nodes():
            figures.append(("attribute_network",
                            lambda: plot_attribute_network(analysis.attribute_graph, size=p["size"], seed=p["seed"])))
        for name, draw in figures:
            fig = draw()
            try:
                data[f"{name}.png"] = figure_bytes(fig, "png", dpi=p["dpi"], transparent=p["transparent"])
            finally:
                plt.close(fig)
    if p["pptx"]:
        ready = slide_ready(p)
        draw = {
            "network": lambda: plot_network(analysis.graph, analysis.positions, color_by=p["color_by"],
                                            size="slide16x9", mst=p["mst"], seed=p["seed"]),
            "keywords": lambda: plot_keywords(analysis.keywords, size="slide16x9", title=_keywords_title(p)),
        }
        for name, make in draw.items():
            if ready and f"{name}.png" in data:
                continue  # the folder's PNG is the slide's
            fig = make()
            try:
                data[f"slide:{name}"] = figure_bytes(fig, "png", dpi=p["dpi"])
            finally:
                plt.close(fig)
    return data


def _can_fork() -> bool:
    """Forking is used on Linux and the other POSIX systems but macOS (where system libraries may not survive it)."""
    return FORK and hasattr(os, "fork") and sys.platform != "darwin"


class FigureJob:
    """The figures of one write: drawn in a forked child while the caller writes the rest, or here.

    :meth:`start` forks (where possible) a child that runs
    :func:`render_figures` and sends the bytes back through a pipe;
    :meth:`get` waits for them. If the child cannot be started or fails, or
    where there is no fork, :meth:`get` draws them in this process instead (so
    an error shows itself here, with its traceback). Start it before any
    thread of the write is started.

    >>> class A:  # nothing to draw: no process is started
    ...     parameters = {"pptx": False}
    >>> job = FigureJob(A(), {"csv"}).start()
    >>> job.get(), job.forked
    ({}, False)
    """

    def __init__(self, analysis, formats: set[str]):
        self.analysis, self.formats = analysis, set(formats)
        self.forked = False
        self.partial: dict[str, bytes] = {}  # drawn here before an error
        self._conn = self._proc = self._data = None

    def start(self) -> "FigureJob":
        """Fork the child that draws the figures (nothing when no figure is wanted, or without fork)."""
        if not figures_wanted(self.analysis.parameters, self.formats):
            self._data = {}
            return self
        if not _can_fork():
            return self
        import gc
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        reader, writer = ctx.Pipe(duplex=False)
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        try:
            proc = ctx.Process(target=_child, args=(writer, self.analysis, self.formats), daemon=True,
                               name="cooccur-figures")
            proc.start()
        except OSError:  # no memory or process left: draw here
            reader.close()
            return self
        finally:
            gc.unfreeze()
            writer.close()
        self._conn, self._proc, self.forked = reader, proc, True
        return self

    def get(self) -> dict[str, bytes]:
        """The figures' bytes (name → bytes), waiting for the child or drawing them here."""
        if self._data is None:
            data = None
            if self._conn is not None:
                try:
                    status, data = self._conn.recv()
                except (EOFError, OSError):
                    status = "failed"
                if status != "ok":
                    data = None
                self._conn.close()
                self._conn = None
                self._proc.join()  # it has sent everything and exits
                self._proc = None
            self._data = data if data is not None else render_figures(self.analysis, self.formats,
                                                                          into=self.partial)
        return self._data

    def close(self) -> None:
        """End the child if its figures were never asked for (the write failed); nothing after :meth:`get`."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._proc = None


def _child(conn, analysis, formats) -> None:
    """The forked child: draw, send ``("ok", bytes)`` or ``("failed", None)`` (the parent draws again)."""
    try:
        result = ("ok", render_figures(analysis, formats))
    except BaseException:  # noqa: BLE001 - the parent draws again and raises the error itself
        result = ("failed", None)
    try:
        conn.send(result)
    except (OSError, ValueError):  # the parent stopped waiting
        pass
    finally:
        conn.close()
