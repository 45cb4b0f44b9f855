"""The figure worker: processes forked at the start of a run that draw its figures when they are due.

:class:`FigureWorker` is forked before the run reads its transcripts; it
imports matplotlib, warms up (:func:`_warm_up`) and forks one process per
further lane, each waiting for jobs. Lane 0 may get the network's drawing as
soon as the layout is done (:meth:`FigureWorker.submit_network`), and every
lane its share of the rest when the write starts; :class:`cooccur.render.FigureJob`
hands out the jobs and collects the bytes. The drawings are those of
:func:`cooccur.render.render_figures`, so the bytes are the same as drawing
them in the run's own process.
"""

from __future__ import annotations

import os
import pickle

from .render import FONT_JOB, NETWORK_ONLY, FigureInputs, answer, can_fork, network_figure

__all__ = ["FigureWorker"]


class FigureWorker:
    """Processes forked at the start of a run that import matplotlib while the run reads and tokenizes.

    Importing matplotlib and registering the font take about half a second;
    one process does it on the other core before the figures are due (and
    the one-off work of a first drawing, :func:`_warm_up`), then forks itself
    once per further lane (so the import is made once). Each lane answers the
    jobs it is sent, in order: with two lanes, lane 0 gets the network (PNG,
    SVG, PDF) as soon as its layout is done (:meth:`submit_network`) and lane
    1 the other figures when the write starts (:meth:`submit`: the
    :class:`~cooccur.render.FigureInputs`, the formats and the drawings of
    :func:`~cooccur.render.render_figures`). :meth:`start` forks only where
    :class:`~cooccur.render.FigureJob` would (and in a process running a
    single thread, since forking with other threads is unsafe); otherwise, or
    if the worker is gone, :class:`~cooccur.render.FigureJob` forks or draws
    as it does without one. The bytes are the same either way.
    """

    def __init__(self, lanes: int = 1):
        self.lanes = max(1, int(lanes))
        self._conns: list = []
        self._proc = None
        self.submitted = False
        #: (names, inputs) of the network drawing sent ahead to lane 0 (:meth:`submit_network`), or None.
        self.early: tuple | None = None
        #: (characters, family) of each font subset asked of the last lane and not yet collected.
        self.fonts: list[tuple[str, str]] = []
        #: The last lane's pipe once the other lanes are handed over (:meth:`connections`).
        self.font_conn = None

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
        return self

    @property
    def alive(self) -> bool:
        """True while the worker waits for its job."""
        return self._proc is not None and not self.submitted and self._proc.is_alive()

    def submit_network(self, inputs: FigureInputs, formats: set[str]) -> bool:
        """Send lane 0 the network's drawing ahead of the rest (its graph, layout and parameters are all it reads).

        Called as soon as the layout is done, so the network is drawn while
        the keywords and the other analyses are computed; :class:`FigureJob`
        then takes its bytes if the write's network drawing has the same
        inputs (:attr:`early`) and gives lane 0 nothing else (a second job
        sent while the lane sends its answer would fill both pipes: each
        side would wait for the other to read). Needs two lanes; False when
        nothing was sent.
        """
        fig = network_figure(inputs, formats)
        if fig is None or not self.alive or self.early is not None or self.lanes < 2:
            return False  # one lane: the network is drawn with the rest
        try:
            _send(self._conns[0], inputs, formats, NETWORK_ONLY)
        except Exception:  # noqa: BLE001 - an input that does not pickle, a worker gone: drawn with the rest
            self.close()
            return False
        self.early = (fig.names, fig.inputs)
        return True

    def submit_font(self, characters: str, family: str) -> bool:
        """Have the last lane build the font subset of ``characters`` (:func:`cooccur.export.fonts.subset_css`) now.

        fontTools is pure Python: built here it would hold the run's own
        process; the lane is idle until the write starts. :meth:`collect_fonts`
        takes the answers (before that lane is sent anything else, so neither
        side ever waits for the other to read). Needs two lanes.
        """
        if not self.alive or self.lanes < 2 or self._conns[-1] is None:
            return False
        try:
            _send(self._conns[-1], None, None, (FONT_JOB, characters, family))
        except OSError:  # the lane is gone: the subset is built where it is asked for
            return False
        self.fonts.append((characters, family))
        return True

    def collect_fonts(self) -> None:
        """Wait for the subsets asked of the last lane and hand them to :mod:`cooccur.export.fonts`."""
        from .export import fonts

        pending, self.fonts = self.fonts, []
        conn = self._font_lane()
        if conn is None:  # the worker is closed: the subsets are built where they are asked for
            return
        for characters, family in pending:
            try:
                status, css = conn.recv()
            except (EOFError, OSError):  # the lane is gone: the subset is built where it is asked for
                return
            if status == "ok":
                fonts.provide(characters, family, css)

    def submit(self, inputs: FigureInputs, formats: set[str], shares: list[list[int]]) -> bool:
        """Send lane ``k`` the drawings ``shares[k]`` (one job a lane); lanes left with nothing to do end.

        Lane 0 stays open for the network sent ahead (:meth:`submit_network`).
        False (the worker is then closed) when the job cannot be sent.
        """
        try:
            for conn, only in zip(self._conns, shares):
                if only:
                    _send(conn, inputs, formats, list(only))
        except Exception:  # noqa: BLE001 - an input that does not pickle, a worker gone: draw another way
            self.close()
            return False
        for k, conn in enumerate(self._conns):
            if conn is not None and not (k < len(shares) and shares[k]) and not (k == 0 and self.early is not None) \
                    and not (k > 0 and k == len(self._conns) - 1):  # the last lane stays for font subsets
                conn.close()  # no job: that lane ends
                self._conns[k] = None
        self.submitted = True
        return True

    def connections(self):
        """(each lane's pipe, None for a lane that ended; the worker process), then owned by the caller
        (:class:`~cooccur.render.FigureJob`), but for the last lane's, which stays the worker's for
        :meth:`subset_css` until :meth:`close`."""
        conns, self._conns = self._conns, []
        if len(conns) > 1 and conns[-1] is not None:
            self.font_conn = conns[-1]
        return conns, self._proc

    def _font_lane(self):
        if self.font_conn is not None:
            return self.font_conn
        if self.lanes > 1 and self._conns and self._proc is not None:
            return self._conns[-1]
        return None

    def subset_css(self, characters: str, family: str) -> str | None:
        """The font subset of ``characters`` built by the last lane (warm: it built one before); None when it cannot."""
        conn = self._font_lane()
        if conn is None:
            return None
        self.collect_fonts()
        try:
            _send(conn, None, None, (FONT_JOB, characters, family))
            status, css = conn.recv()
        except (EOFError, OSError):
            return None
        return css if status == "ok" else None

    def close_font_lane(self) -> None:
        """End the last lane once no font subset is due (its process then exits)."""
        if self.font_conn is not None:
            self.font_conn.close()
            self.font_conn = None

    def close(self) -> None:
        """End the worker (only its font lane when it has been handed to a :class:`~cooccur.render.FigureJob`)."""
        self.close_font_lane()
        for conn in self._conns:
            if conn is not None:
                conn.close()
        self._conns = []
        if self._proc is not None and not self.submitted:
            self._proc.terminate()
            self._proc.join()
            self._proc = None


def _send(conn, inputs, formats, only) -> None:
    """Send a lane one job: the inputs, the formats and what to do (:func:`cooccur.render.answer`)."""
    conn.send_bytes(pickle.dumps((inputs, None if formats is None else set(formats), only),
                                 protocol=pickle.HIGHEST_PROTOCOL))


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
    """Draw and answer each job on ``conn`` (pickled inputs, formats and drawings) until the parent closes it."""
    while True:
        try:
            inputs, formats, only = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # no more jobs (or the run ended before its figures)
            break
        if not answer(conn, inputs, formats, only):  # the parent stopped waiting
            break
    conn.close()
