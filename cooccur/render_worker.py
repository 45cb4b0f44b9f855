"""The figure worker: processes forked at the start of a run that draw its figures when they are due.

:class:`FigureWorker` is forked before the run reads its transcripts; it
imports matplotlib, warms up (:func:`_warm_up`) and forks one process per
further lane. Each lane reads its jobs on a thread while it draws, so the
run's process can queue a job on any lane at any time without either side
waiting for the other to read (:func:`_serve`); the answers come back in the
order the jobs were sent. The network's drawing may be sent as soon as the
layout is done (:meth:`FigureWorker.submit_network`; with a spare core, its
PDF on lane 1 beside PNG and SVG on lane 0) and font subsets whenever a page's characters are known
(:meth:`FigureWorker.submit_font`); :class:`cooccur.render.FigureJob` hands
out the write's other drawings one at a time to whichever lane is idle
(:meth:`FigureWorker.dispatch`, :meth:`FigureWorker.wait`). The drawings are
those of :func:`cooccur.render.render_figures`, so the bytes are the same as
drawing them in the run's own process.
"""

from __future__ import annotations

import os
import pickle
from collections import deque

from .render import FONT_JOB, NETWORK_ONLY, FigureInputs, answer, can_fork, network_figure

__all__ = ["FigureWorker"]


class FigureWorker:
    """Processes forked at the start of a run that import matplotlib while the run reads and tokenizes.

    Importing matplotlib and registering the font take about half a second;
    one process does it on the other core before the figures are due (and
    the one-off work of a first drawing, :func:`_warm_up`), then forks itself
    once per further lane (so the import is made once). :meth:`send` queues
    a job on a lane and returns its tag; :meth:`wait` reads answers until the
    tags asked for are in, and :meth:`result` hands each one over. A lane that
    ends answers its outstanding jobs ``("failed", None)``: the caller then
    does them itself. :meth:`start` forks only where
    :class:`~cooccur.render.FigureJob` would (and in a process running a
    single thread, since forking with other threads is unsafe); otherwise
    :class:`~cooccur.render.FigureJob` forks or draws as it does without one.
    The bytes are the same either way.
    """

    def __init__(self, lanes: int = 1, split_network: bool | None = None):
        self.lanes = max(1, int(lanes))
        #: Draw the network's PDF on lane 1 beside its PNG and SVG (:meth:`submit_network`); by default only
        #: with a core for each lane besides the run's own process: on fewer, the second build of the figure
        #: is CPU the run's process is waiting for (measured on 2 cores: a re-run 0.3 s slower).
        self.split_network = (os.cpu_count() or 1) > self.lanes if split_network is None else bool(split_network)
        self._conns: list = []  # each lane's pipe, None once that lane has ended
        self._queued: list[deque] = []  # each lane's tags, in the order its jobs were sent
        self._holds: list = []  # the inputs each lane was last sent (later jobs with the same inputs omit them)
        self._answers: dict[int, tuple] = {}
        self._tags = 0
        self._proc = None
        #: (names, inputs, {tag: names}) of the network drawing sent ahead (:meth:`submit_network`), or None.
        self.early: tuple | None = None
        #: (characters, family, tag) of each font subset asked (:meth:`submit_font`) and not yet collected.
        self.fonts: list[tuple[str, str, int]] = []

    def start(self) -> "FigureWorker":
        import threading

        if not can_fork() or threading.active_count() != 1:
            return self
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        pairs = [ctx.Pipe(duplex=True) for _ in range(self.lanes)]
        mine, theirs = [m for m, _ in pairs], [t for _, t in pairs]
        try:
            proc = ctx.Process(target=_worker, args=(theirs, mine), daemon=True, name="cooccur-figures")
            proc.start()
        except OSError:
            for c in mine:
                c.close()
            return self
        finally:
            for c in theirs:
                c.close()
        self._conns, self._proc = mine, proc
        self._queued = [deque() for _ in mine]
        self._holds = [None] * len(mine)
        return self

    @property
    def alive(self) -> bool:
        """True while the worker runs and has a lane to send jobs to."""
        return self._proc is not None and any(c is not None for c in self._conns) and self._proc.is_alive()

    def open_lanes(self) -> list[int]:
        return [k for k, c in enumerate(self._conns) if c is not None]

    def idle(self, k: int) -> bool:
        """True when lane ``k`` is open and has answered every job it was sent."""
        return self._conns[k] is not None and not self._queued[k]

    def send(self, k: int, inputs, formats, only) -> int | None:
        """Queue the job ``only`` (see :func:`cooccur.render.answer`) on lane ``k``; its tag, or None (lane ended).

        Raises what pickling the inputs raises (the caller then draws another way).
        """
        conn = self._conns[k] if k < len(self._conns) else None
        if conn is None:
            return None
        fresh = inputs is not None and inputs is not self._holds[k]
        data = pickle.dumps((fresh, inputs if fresh else None, None if formats is None else set(formats), only),
                            protocol=pickle.HIGHEST_PROTOCOL)
        try:
            conn.send_bytes(data)
        except OSError:
            self._lane_ended(k)
            return None
        if fresh:
            self._holds[k] = inputs
        self._tags += 1
        self._queued[k].append(self._tags)
        return self._tags

    def _lane_ended(self, k: int) -> None:
        for tag in self._queued[k]:
            self._answers[tag] = ("failed", None)
        self._queued[k].clear()
        if self._conns[k] is not None:
            self._conns[k].close()
            self._conns[k] = None

    def _receive(self, k: int) -> None:
        try:
            status, got = self._conns[k].recv()
        except (EOFError, OSError):
            self._lane_ended(k)
            return
        self._answers[self._queued[k].popleft()] = (status, got)

    def drain(self) -> None:
        """Take in every answer already sent, without waiting (so :meth:`idle` is up to date)."""
        for k in self.open_lanes():
            while self._queued[k] and self._conns[k] is not None and self._conns[k].poll(0):
                self._receive(k)

    def wait(self, tags, dispatch=None, more=None) -> None:
        """Read answers until every tag of ``tags`` is in.

        With ``dispatch``, ``dispatch(k)`` is called whenever lane ``k`` is idle
        (it may :meth:`send` a job and return its tag, which is then waited for
        too), for as long as ``more()`` says jobs are left to hand out.
        """
        from multiprocessing.connection import wait

        tags = {t for t in tags if t is not None}
        while True:
            left = dispatch is not None and more is not None and more()
            if left:
                for k in self.open_lanes():
                    if self.idle(k) and more():
                        tags.add(dispatch(k))
                tags.discard(None)
                left = more()
            todo = tags.difference(self._answers)
            busy = {self._conns[k]: k for k in self.open_lanes() if self._queued[k]}
            if not busy or (not todo and not left):
                return  # everything is in, or no lane is left to answer (their jobs are "failed")
            for conn in wait(list(busy)):
                self._receive(busy[conn])

    def result(self, tag: int | None) -> tuple:
        """``(status, result)`` of a job waited for (:meth:`wait`); ``("failed", None)`` for a tag never sent."""
        return self._answers.pop(tag, ("failed", None)) if tag is not None else ("failed", None)

    def submit_network(self, inputs: FigureInputs, formats: set[str]) -> bool:
        """Send the network's drawing ahead of the rest (its graph, layout and parameters are all it reads).

        Called as soon as the layout is done, so the network is drawn while
        the keywords and the other analyses are computed, on lane 0 (with
        :attr:`split_network`, PNG and SVG on lane 0 and the PDF on lane 1: each
        lane builds the figure once). :class:`~cooccur.render.FigureJob` then takes the
        bytes if the write's network drawing has the same inputs
        (:attr:`early`). Needs two lanes; False when nothing was sent.
        """
        fig = network_figure(inputs, formats)
        if fig is None or not self.alive or self.early is not None or self.lanes < 2:
            return False  # one lane: the network is drawn with the rest
        names = fig.names
        parts = [names]
        if self.split_network and len(names) > 1 and "network.pdf" in names:
            parts = [tuple(n for n in names if n != "network.pdf"), ("network.pdf",)]
        tags = {}
        try:
            for k, part in enumerate(parts):
                tags[self.send(k, inputs, formats, (NETWORK_ONLY, part))] = part
        except Exception:  # noqa: BLE001 - an input that does not pickle: drawn with the rest
            self.close()
            return False
        if None in tags:  # a lane ended: whatever it had is drawn with the rest
            return False
        self.early = (names, fig.inputs, tags)
        return True

    def submit_font(self, characters: str, family: str) -> bool:
        """Have the last lane build the font subset of ``characters`` (:func:`cooccur.export.fonts.subset_css`).

        fontTools is pure Python: built here it would hold the run's own
        process. :meth:`collect_fonts` hands the answers to
        :mod:`cooccur.export.fonts`. Needs two lanes.
        """
        if not self.alive or self.lanes < 2:
            return False
        tag = self.send(len(self._conns) - 1, None, None, (FONT_JOB, characters, family))
        if tag is None:
            return False
        self.fonts.append((characters, family, tag))
        return True

    def asked_font(self, characters: str, family: str) -> bool:
        """True when a subset of ``characters`` was asked (:meth:`submit_font`) and not yet collected."""
        return any(c == characters and f == family for c, f, _t in self.fonts)

    def collect_fonts(self) -> None:
        """Wait for the subsets asked (:meth:`submit_font`) and hand them to :mod:`cooccur.export.fonts`."""
        from .export import fonts

        pending, self.fonts = self.fonts, []
        self.wait([t for _c, _f, t in pending])
        for characters, family, tag in pending:
            status, css = self.result(tag)
            if status == "ok":
                fonts.provide(characters, family, css)

    def close(self) -> None:
        """End every lane and the worker (answers not yet read are dropped)."""
        for k in range(len(self._conns)):
            if self._conns[k] is not None:
                self._conns[k].close()
                self._conns[k] = None
        self._holds = [None] * len(self._conns)
        if self._proc is not None:
            self._proc.join(timeout=10)
            if self._proc.is_alive():  # pragma: no cover - a lane stuck in a drawing
                self._proc.terminate()
                self._proc.join()
            self._proc = None


def _worker(lanes: list, parents_ends: list) -> None:
    """The early child: import the drawing code, warm up, fork once per further lane, serve lane 0's jobs."""
    for c in parents_ends:  # inherited copies: closed, so a lane the parent closes ends here
        c.close()
    try:
        import matplotlib.pyplot  # noqa: F401 - imported now, while the parent reads and tokenizes

        from . import analyses, plot, plot_analyses  # noqa: F401
        from .plot import setup_japanese_font

        setup_japanese_font()
        _warm_up()
    except BaseException:  # noqa: BLE001 - the job then fails here too and the parent draws
        pass
    kids = []
    for k, lane in enumerate(lanes[1:], start=1):
        try:
            pid = os.fork()
        except OSError:  # no process for this lane: it ends, and the parent does its jobs itself
            lane.close()
            continue
        if pid == 0:  # this lane's own process
            for j, other in enumerate(lanes):
                if j != k:
                    other.close()
            try:
                _serve(lane)
            finally:
                os._exit(0)
        kids.append(pid)
        lane.close()
    _serve(lanes[0])
    for pid in kids:
        os.waitpid(pid, 0)


def _warm_up() -> None:
    """Do, before the job arrives, the one-off work of a process's first drawing.

    The job's inputs hold pandas and networkx objects, whose unpickling would
    otherwise import both on the way to the figures; and the first PNG, SVG
    and PDF a process saves load the font's glyphs, the backends and
    fontTools (which subsets the font into the PDF). A small figure with
    Japanese text saved in the three formats does that here, while the parent
    is still reading and tokenizing. Nothing of it reaches the figures' bytes
    (matplotlib's caches hold font metrics and glyphs, which are the same
    however they were first loaded).
    """
    import networkx  # noqa: F401
    import pandas  # noqa: F401
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .plot import figure_bytes

    fig = Figure(figsize=(2, 1), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.scatter([0.2, 0.8], [0.5, 0.5], s=[40, 80], edgecolors="#333333")
    ax.plot([0.2, 0.8], [0.5, 0.5], linestyle="--")
    ax.text(0.5, 0.5, "情報共有・ICT人材", fontfamily="IPAexGothic",
            path_effects=[patheffects.withStroke(linewidth=3.0, foreground="white")])
    ax.set_axis_off()
    for fmt in ("png", "svg", "pdf"):
        figure_bytes(fig, fmt)


def _serve(conn) -> None:
    """Answer each job on ``conn`` in order (:func:`cooccur.render.answer`) until the parent closes it.

    A thread reads the jobs as they come, so a job sent while the lane draws
    or sends an answer never waits to be read (and the parent never waits
    on a lane that waits on it); this thread does the drawing.
    """
    import queue
    import threading

    jobs: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                jobs.put(conn.recv_bytes())
            except (EOFError, OSError):  # no more jobs (or the run ended before its figures)
                jobs.put(None)
                return

    threading.Thread(target=read, name="cooccur-lane-reader", daemon=True).start()
    inputs = None
    while (data := jobs.get()) is not None:
        try:
            fresh, sent, formats, only = pickle.loads(data)
        except Exception:  # noqa: BLE001 - cannot happen with this module's send; answered as failed
            fresh, sent, formats, only = False, None, None, None
        if fresh:
            inputs = sent
        if not answer(conn, inputs, formats, only):  # the parent stopped waiting
            break
    conn.close()
