"""Every figure of an output folder as bytes, drawn in a forked process while the rest is written.

:func:`render_figures` draws each figure :func:`cooccur.outputs.write_outputs`
writes (network PNG/SVG/PDF, keywords, attribute network, group comparison,
the other analyses' PNGs, the slides' PNGs) and returns their bytes; it
writes nothing. :class:`FigureJob` runs it in a child process forked at the
start of the write, so matplotlib's import and its drawing (which hold the
GIL) use the other core while the parent writes tables, KWIC lines and HTML;
the parent never imports matplotlib; or it hands them to the worker forked
at the start of the run (:mod:`cooccur.render_worker`). Where forking is not
available (or the child fails), the figures are drawn in the parent on first
use: the bytes are the same either way, since the same function draws them.

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
from dataclasses import dataclass
from typing import Callable, Iterable

__all__ = ["FigureJob", "Figure", "FigureInputs", "figure_plan", "network_figure", "render_figures", "figures_wanted",
           "slide_ready", "can_fork", "answer", "NETWORK_ONLY", "FONT_JOB"]

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


@dataclass
class Figure:
    """One drawing of a write: the bytes it gives (``names``), what it is drawn from, how.

    ``inputs`` are every object and parameter the drawing reads (what
    :class:`cooccur.figure_cache.FigureCache` keys each name by); ``draw()``
    returns name → bytes for exactly ``names``.
    """

    names: tuple[str, ...]
    inputs: tuple
    draw: Callable[[], dict[str, bytes]]


def figure_plan(analysis, formats: set[str]) -> list[Figure]:
    """Every drawing a write of ``analysis`` with ``formats`` needs, in the order they are drawn.

    The order is the one the files were always drawn in: the other analyses,
    the network (PNG, SVG, PDF from one figure), the comparison, keywords,
    attribute network, the slides' PNGs. Empty when no figure is wanted.
    """
    p = analysis.parameters
    if not figures_wanted(p, formats):
        return []
    from .analyses import analysis_figures

    look = (p["size"], p["dpi"], p["transparent"])
    kw = analysis.keywords
    kw_drawn = kw[[c for c in ("term", "score") if c in kw.columns]]  # what the keyword charts show
    title = _keywords_title(p)
    plan: list[Figure] = []
    if formats & {"png", "report"} or p["pptx"]:
        plan.extend(Figure((name,), inputs, lambda draw=draw, name=name: {name: draw()})
                    for name, inputs, draw in analysis_figures(analysis))
    network = network_figure(analysis, formats)
    if network is not None:
        plan.append(network)
    if "png" in formats:
        if analysis.comparison is not None:  # the same bytes as `cooccur compare` with the same parameters
            plan.append(Figure(("comparison.png",), (analysis.comparison, p["seed"], look),
                               lambda: {"comparison.png": _comparison(analysis)}))
        plan.append(Figure(("keywords.png",), (kw_drawn, title, look),
                           lambda: {"keywords.png": _png(lambda: _plot("keywords")(kw, size=p["size"], title=title),
                                                         p)}))
        ag = analysis.attribute_graph
        if ag is not None and ag.number_of_nodes():
            plan.append(Figure(("attribute_network.png",), (ag, p["seed"], look), lambda: {
                "attribute_network.png": _png(lambda: _plot("attribute_network")(ag, size=p["size"], seed=p["seed"]),
                                              p)}))
    if p["pptx"]:
        ready = slide_ready(p)
        have = {n for f in plan for n in f.names}
        slides = {
            "network": ((analysis.graph, analysis.positions, p["color_by"], p["mst"], p["seed"], p["dpi"]),
                        lambda: _plot("network")(analysis.graph, analysis.positions, color_by=p["color_by"],
                                                 size="slide16x9", mst=p["mst"], seed=p["seed"])),
            "keywords": ((kw_drawn, title, p["dpi"]),
                         lambda: _plot("keywords")(kw, size="slide16x9", title=title)),
        }
        for name, (inputs, make) in slides.items():
            if ready and f"{name}.png" in have:
                continue  # the folder's PNG is the slide's
            plan.append(Figure((f"slide:{name}",), inputs, lambda name=name, make=make: {
                f"slide:{name}": _png(make, {"dpi": p["dpi"], "transparent": False})}))
    return plan


def network_figure(analysis, formats: set[str]) -> Figure | None:
    """The network's drawing of :func:`figure_plan` (PNG, SVG, PDF from one figure), or None when none is wanted.

    It reads only ``parameters``, ``graph`` and ``positions`` of ``analysis``,
    so it can be drawn before the keywords and the other analyses exist
    (:meth:`cooccur.render_worker.FigureWorker.submit_network`).
    """
    p = analysis.parameters
    if not formats & {"png", "svg", "pdf", "report"}:
        return None
    names = []
    for fmt in ("png", "svg", "pdf"):
        if fmt in formats or (fmt == "svg" and "report" in formats):
            names.append(f"network.{fmt}")
            if fmt == "svg" and fmt in formats and p["svg_text"] != "outlines":
                names.append("network.editable.svg")
    look = (p["size"], p["dpi"], p["transparent"])
    inputs = (analysis.graph, analysis.positions, p["color_by"], p["edge_labels"], p["mst"], p["seed"],
              p["svg_text"], look)
    return Figure(tuple(names), inputs, lambda names=tuple(names): _network(analysis, names))


def _same_inputs(a: tuple, b: tuple) -> bool:
    """True when two drawings' inputs are the same objects and equal settings (no fingerprinting)."""
    return len(a) == len(b) and all(x is y or (isinstance(x, (str, int, float, bool, tuple, type(None)))
                                               and type(x) is type(y) and x == y) for x, y in zip(a, b))


def _plot(what: str):
    from . import plot

    return {"network": plot.plot_network, "keywords": plot.plot_keywords,
            "attribute_network": plot.plot_attribute_network}[what]


def _png(make, p: dict) -> bytes:
    """The figure ``make()`` draws, as PNG with ``p``'s dpi and transparency, closed once saved."""
    import matplotlib.pyplot as plt

    from .plot import figure_bytes

    fig = make()
    try:
        return figure_bytes(fig, "png", dpi=p["dpi"], transparent=p["transparent"])
    finally:
        plt.close(fig)


def _network(analysis, names: tuple[str, ...]) -> dict[str, bytes]:
    """The network figure drawn once and saved as each of ``names``."""
    import matplotlib.pyplot as plt

    from .plot import figure_bytes, plot_network

    p = analysis.parameters
    fig = plot_network(analysis.graph, analysis.positions, color_by=p["color_by"], size=p["size"],
                       edge_labels=p["edge_labels"], mst=p["mst"], transparent=p["transparent"], seed=p["seed"])
    out = {}
    try:
        for name in names:
            fmt = name.rsplit(".", 1)[1]
            text = {"svg_text": p["svg_text"]} if name == "network.editable.svg" else {}
            out[name] = figure_bytes(fig, fmt, dpi=p["dpi"], transparent=p["transparent"], **text)
    finally:
        plt.close(fig)
    return out


def _comparison(analysis) -> bytes:
    from .plot_groups import comparison_png

    p = analysis.parameters
    return comparison_png(analysis.comparison, size=p["size"], seed=p["seed"], dpi=p["dpi"],
                          transparent=p["transparent"])


def render_figures(analysis, formats: set[str], *, into: dict | None = None,
                   only: Iterable[int] | None = None) -> dict[str, bytes]:
    """Draw every figure a write of ``analysis`` with ``formats`` needs; return name → bytes.

    The drawings are those of :func:`figure_plan`, in its order, each figure
    closed once saved; the bytes of one do not depend on which others are drawn.

    Parameters
    ----------
    analysis : cooccur.pipeline.Analysis
    formats : set of str
        The ``formats`` parameter (``png``, ``svg``, ``pdf``, ``report``, ...).
    into : dict, optional
        Filled figure by figure and returned (so the figures drawn before an
        error are kept there).
    only : iterable of int, optional
        Draw only these drawings of the plan (by index); default all.

    Returns
    -------
    dict
        Name (see the module docstring) → bytes; empty when no figure is wanted.
    """
    data: dict[str, bytes] = {} if into is None else into
    plan = figure_plan(analysis, formats)
    wanted = set(range(len(plan)) if only is None else only)
    for i, fig in enumerate(plan):
        if i in wanted:
            data.update(fig.draw())
    return data


def can_fork() -> bool:
    """Forking is used on Linux and the other POSIX systems but macOS (where system libraries may not survive it)."""
    return FORK and hasattr(os, "fork") and sys.platform != "darwin"


#: The attributes of an :class:`~cooccur.pipeline.Analysis` that :func:`figure_plan` draws from.
FIGURE_INPUTS = ("parameters", "graph", "positions", "keywords", "comparison", "attribute_graph", "clusters",
                 "correspondence", "codes")


class FigureInputs:
    """What the figures of an analysis are drawn from (:data:`FIGURE_INPUTS`), without its tokens and texts.

    Small enough to send to a :class:`cooccur.render_worker.FigureWorker`; :func:`figure_plan` and
    :func:`render_figures` take it in place of the analysis.
    """

    __slots__ = FIGURE_INPUTS

    def __init__(self, **values):
        for name in FIGURE_INPUTS:
            setattr(self, name, values.get(name))

    @classmethod
    def of(cls, analysis) -> "FigureInputs":
        return cls(**{name: getattr(analysis, name, None) for name in FIGURE_INPUTS})


def _cost(fig: Figure) -> int:
    """A rough cost of a drawing: the network's formats weigh most."""
    return 1 + len(fig.names) if fig.names[0].startswith("network.") else 1


class FigureJob:
    """The figures of one write: from the figure cache, drawn by the figure worker or a forked child, or here.

    :meth:`start` takes from ``cache`` (a :class:`cooccur.figure_cache.FigureCache`,
    optional) every drawing of :func:`figure_plan` whose inputs are unchanged.
    With a ``worker`` (:class:`cooccur.render_worker.FigureWorker`) the others
    are handed out one at a time, the costliest first, to whichever lane is
    idle (the network's, if sent ahead with the same inputs, is taken as
    drawn); without one, a child forked now (where possible) runs
    :func:`render_figures` on them and sends their bytes back through a
    pipe; no process is used when nothing is left to draw. :meth:`get`
    waits for them and puts the new ones in the cache. If a lane or the
    child cannot be used or fails, or where there is no fork, :meth:`get`
    draws what is missing in this process (so an error shows itself here,
    with its traceback). Start it before any thread of the write is started.
    The bytes are the same in every case.

    >>> class A:  # nothing to draw: no process is started
    ...     parameters = {"pptx": False}
    >>> job = FigureJob(A(), {"csv"}).start()
    >>> job.get(), job.forked
    ({}, False)
    """

    def __init__(self, analysis, formats: set[str], cache=None, worker=None):
        self.analysis, self.formats, self.cache, self.worker = analysis, set(formats), cache, worker
        self.forked = False
        self.partial: dict[str, bytes] = {}  # drawn here before an error
        self.reused: list[str] = []  # names taken from the cache
        self._lanes: list[tuple] = []  # the forked child's (pipe, [its job])
        self._proc = self._data = None
        self._plan: list[Figure] = []
        self._keys: list[list] = []
        self._cached: dict[str, bytes] = {}
        self._todo: list[int] = []
        # with the worker: the jobs not yet handed out, and tag -> plan indexes / (characters, family) of those sent
        self._queue: list = []
        self._sent: dict[int, list[int]] = {}
        self._fonts: dict[tuple[str, str], int | None] = {}
        self._inputs = None

    def start(self) -> "FigureJob":
        """Take what the cache has, hand the rest to the worker or fork the child that draws it."""
        self._plan = figure_plan(self.analysis, self.formats)
        for i, fig in enumerate(self._plan):
            keys = self.cache.keys(fig.names, fig.inputs) if self.cache is not None else []
            self._keys.append(keys)
            got = self.cache.load_all(keys) if self.cache is not None else None
            if got is not None:
                self._cached.update(zip(fig.names, got))
            else:
                self._todo.append(i)
        self.reused = list(self._cached)
        if not self._todo:
            self._data = self._in_order({})
            return self
        if self.worker is not None and self.worker.alive and self._start_in_worker():
            return self
        if not can_fork():
            return self
        import gc
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        reader, writer = ctx.Pipe(duplex=False)
        gc.freeze()  # the child's collector then leaves the parent's objects (and their pages) alone
        try:
            proc = ctx.Process(target=_child, args=(writer, self.analysis, self.formats, self._todo), daemon=True,
                               name="cooccur-figures")
            proc.start()
        except OSError:  # no memory or process left: draw here
            reader.close()
            return self
        finally:
            gc.unfreeze()
            writer.close()
        self._lanes, self._proc, self.forked = [(reader, [self._todo])], proc, True
        return self

    def _start_in_worker(self) -> bool:
        """Queue the drawings for the worker's lanes and hand the first ones out; False (worker closed) if it cannot take them."""
        w = self.worker
        early, ahead = w.early, None  # the network drawing sent ahead, if it is this one
        if early is not None:
            ahead = next((i for i in self._todo if self._plan[i].names == early[0]
                          and _same_inputs(self._plan[i].inputs, early[1])), None)
            if ahead is not None:
                self._sent.update({tag: [ahead] for tag in early[2]})
            # otherwise its answers are read and dropped (they are not this write's drawing)
        self._queue = sorted((i for i in self._todo if i != ahead), key=lambda i: -_cost(self._plan[i]))
        self._inputs = FigureInputs.of(self.analysis)
        w.drain()
        try:  # the costliest to the lanes that are idle now; the rest as lanes become idle (get)
            for k in sorted(w.open_lanes(), key=lambda k: not w.idle(k)):
                if self._queue:
                    self._dispatch(k)
        except Exception:  # noqa: BLE001 - inputs that do not pickle, a worker gone: draw another way
            w.close()
            self._queue, self._sent = [], {}
            return False
        self.forked = True
        return True

    def _more(self) -> bool:
        return bool(self._queue)

    def _dispatch(self, k: int) -> int | None:
        """Send lane ``k`` the next job of the queue; its tag (None, the job kept, when the lane has ended)."""
        job = self._queue.pop(0)
        if isinstance(job, tuple):  # a font subset (ask_font)
            tag = self.worker.send(k, None, None, (FONT_JOB, *job))
            if tag is not None:
                self._fonts[job] = tag
        else:
            tag = self.worker.send(k, self._inputs, self.formats, [job])
            if tag is not None:
                self._sent[tag] = [job]
        if tag is None:
            self._queue.insert(0, job)
        return tag

    @property
    def builds_fonts(self) -> bool:
        """True when :meth:`ask_font` hands the subset to a lane of the worker (else it is built where it is used)."""
        return self.worker is not None and self._proc is None and self.worker.alive

    def ask_font(self, characters: str, family: str) -> None:
        """Have a lane of the worker build the font subset of ``characters`` while the figures are drawn (:meth:`font`).

        It is handed out like a drawing, after them, to the first lane idle;
        with nothing to draw, sent to the last lane now.
        """
        key = (characters, family)
        if not self.builds_fonts or key in self._fonts or (self.forked and self._data is not None):
            return
        self._fonts[key] = None
        self._queue.append(key)
        if not self.forked:  # no get() will hand it out
            self._dispatch(self.worker.open_lanes()[-1])

    def font(self, characters: str, family: str) -> str | None:
        """The subset :meth:`ask_font` asked for, once :meth:`get` is done; None when a lane did not build it."""
        tag = self._fonts.pop((characters, family), None)
        if tag is None or self.worker is None:
            return None
        self.worker.wait([tag])
        status, css = self.worker.result(tag)
        return css if status == "ok" else None

    def asks_font(self, characters: str, family: str) -> bool:
        """True when the worker builds (or has built) the subset of ``characters``: no need to start one here."""
        return self.worker is not None and self.worker.asked_font(characters, family)

    def placeholders(self) -> dict[str, bytes]:
        """A stand-in for every drawing of the plan (SVG: an empty ``<svg>``; others one byte), for a page whose
        text is wanted before the figures (report.html's characters, :func:`cooccur.outputs.write_outputs`)."""
        return {n: b"<svg></svg>" if n.endswith(".svg") else b"\0" for fig in self._plan for n in fig.names}

    def _in_order(self, drawn: dict[str, bytes]) -> dict[str, bytes]:
        have = {**self._cached, **drawn}
        return {n: have[n] for fig in self._plan for n in fig.names if n in have}

    def get(self) -> dict[str, bytes]:
        """The figures' bytes (name → bytes), waiting for the worker or the child, or drawing them here."""
        if self._data is None:
            data: dict[str, bytes] = {}
            here = [] if self.forked else list(self._todo)
            if self._sent or self._queue:
                w = self.worker
                w.wait(list(self._sent), dispatch=self._dispatch, more=self._more)
                for tag, only in self._sent.items():
                    status, got = w.result(tag)
                    if status == "ok":
                        data.update(got)
                    else:
                        here.extend(i for i in only if i not in here)
                here.extend(i for i in self._queue if not isinstance(i, tuple))  # every lane ended
                self._sent, self._queue = {}, [j for j in self._queue if isinstance(j, tuple)]
            for conn, jobs in self._lanes:
                for only in jobs:  # one answer per job, in the order sent
                    try:
                        status, got = conn.recv()
                    except (EOFError, OSError):
                        status, got = "failed", None
                    if status == "ok":
                        data.update(got)
                    else:
                        here.extend(only)
                conn.close()
            self._lanes = []
            if self._proc is not None:
                self._proc.join()  # it has sent everything and exits
                self._proc = None
            if here:
                self.partial.update(self._cached)
                self.partial.update(data)
                data = render_figures(self.analysis, self.formats, into=self.partial, only=sorted(here))
            if self.cache is not None:
                for i in self._todo:
                    for name, key in zip(self._plan[i].names, self._keys[i]):
                        if name in data:
                            self.cache.save(key, data[name])
            self._data = self._in_order(data)
        if self.worker is not None and self.worker.fonts:
            self.worker.collect_fonts()  # network.html's subset, asked when the layout was done
        return self._data

    def close(self) -> None:
        """End the worker or the child (drawings never asked for are dropped: the write failed)."""
        for conn, _jobs in self._lanes:
            conn.close()
        self._lanes = []
        if self.worker is not None:
            self.worker.close()
        if self._proc is not None:
            if self._data is None:
                self._proc.terminate()
            self._proc.join()
            self._proc = None


#: A job ``(NETWORK_ONLY, names)``: those files of the network's drawing (:func:`network_figure`).
NETWORK_ONLY = "network"
#: A job ``(FONT_JOB, characters, family)``: the CSS of the font subset (:func:`cooccur.export.fonts.subset_css`).
FONT_JOB = "font"


def answer(conn, analysis, formats, only) -> bool:
    """Do the job ``only`` and send ``("ok", result)``, or ``("failed", None)`` when it fails (the parent then
    does it again and raises the error itself); False when the parent stopped waiting.

    ``only`` is a list of :func:`figure_plan` indexes (their bytes by name), ``(NETWORK_ONLY, names)`` (those
    files of the network's drawing, :func:`network_figure`) or ``(FONT_JOB, characters, family)`` (the CSS of
    the font subset, :func:`cooccur.export.fonts.subset_css`).
    """
    try:
        if isinstance(only, tuple) and only[0] == FONT_JOB:
            from .export.fonts import subset_css

            drawn = subset_css(only[1], only[2])
        elif isinstance(only, tuple) and only[0] == NETWORK_ONLY:
            fig = network_figure(analysis, formats)
            drawn = _network(analysis, tuple(n for n in fig.names if n in only[1]))
        else:
            drawn = render_figures(analysis, formats, only=only)
        result = ("ok", drawn)
    except BaseException:  # noqa: BLE001 - the parent draws again and raises the error itself
        result = ("failed", None)
    try:
        conn.send(result)
    except (OSError, ValueError):
        return False
    return True


def _child(conn, analysis, formats, only) -> None:
    """The child forked at write time: one job, answered (:func:`answer`)."""
    try:
        answer(conn, analysis, formats, only)
    finally:
        conn.close()
