"""cooccur.render: figures drawn in a forked child are the bytes drawn in-process; failures fall back."""

from __future__ import annotations

import os

import pytest

import cooccur
import cooccur.render as render
import cooccur.render_worker as render_worker
from cooccur.outputs import write_outputs

TEXT = ("○議長（山田太郎君）　ただいまから防災委員会を開会します。\n"
        "○委員（佐藤花子君）　防災訓練の実施計画について伺います。避難所の運営はどうなっていますか。\n"
        "○危機管理課長（鈴木一郎君）　防災訓練は地域の避難所で毎年行っております。避難所の備蓄も見直しております。\n"
        "○委員（佐藤花子君）　避難所の備蓄と防災訓練の周知をお願いします。\n"
        "○委員（田中次郎君）　地域の防災訓練に若い世代も参加できるよう周知してください。\n")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the forked path needs os.fork")


@pytest.fixture()
def one_thread(monkeypatch):
    """The worker forks only in a process running one thread; earlier tests may leave an idle daemon thread."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("minutes")
    (folder / "防災委員会.txt").write_text(TEXT, encoding="utf-8")
    return cooccur.analyze(folder, min_frequency=2, formats=("png", "svg", "pdf", "report"), svg_text="editable",
                           pptx=True)


def test_forked_figures_are_the_in_process_bytes(analysed):
    formats = set(analysed.parameters["formats"])
    job = render.FigureJob(analysed, formats).start()
    assert job.forked
    forked = job.get()
    here = render.render_figures(analysed, formats)
    assert sorted(forked) == sorted(here)
    assert {"network.png", "network.svg", "network.editable.svg", "network.pdf", "keywords.png",
            "dendrogram"} <= set(here)
    for name in here:
        assert forked[name] == here[name], name
    assert forked["network.svg"] != forked["network.editable.svg"]  # report.html keeps outlines


def test_without_fork_the_folder_is_byte_identical(analysed, tmp_path, monkeypatch):
    write_outputs(analysed, tmp_path / "forked")
    monkeypatch.setattr(render, "FORK", False)
    job = render.FigureJob(analysed, set(analysed.parameters["formats"])).start()
    assert not job.forked
    write_outputs(analysed, tmp_path / "here")
    names = sorted(p.name for p in (tmp_path / "here").iterdir() if p.name != "manifest.json")
    assert names == sorted(p.name for p in (tmp_path / "forked").iterdir() if p.name != "manifest.json")
    assert {"network.png", "slides.pptx", "report.html", "dendrogram.png"} <= set(names)
    for name in names:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "forked" / name).read_bytes(), name


def test_a_child_that_fails_is_replaced_by_drawing_here(analysed, monkeypatch):
    formats = {"png"}
    real = render.render_figures

    def fails_in_child(analysis, formats, *, into=None, only=None):
        if os.getpid() != parent:
            raise RuntimeError("the child cannot draw")
        return real(analysis, formats, into=into, only=only)

    parent = os.getpid()
    monkeypatch.setattr(render, "render_figures", fails_in_child)
    job = render.FigureJob(analysed, formats).start()
    assert job.forked
    assert job.get() == real(analysed, formats)


def test_close_without_get_ends_the_child(analysed):
    job = render.FigureJob(analysed, {"png"}).start()
    proc = job._proc
    job.close()
    assert proc is not None and not proc.is_alive()
    assert job._proc is None


def test_the_early_worker_draws_the_same_bytes(analysed, one_thread):
    formats = set(analysed.parameters["formats"])
    worker = render_worker.FigureWorker().start()
    assert worker.alive
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert job.forked and worker.alive
    drawn = job.get()
    here = render.render_figures(analysed, formats)
    assert sorted(drawn) == sorted(here)
    for name in here:
        assert drawn[name] == here[name], name
    proc = worker._proc
    job.close()
    assert not worker.alive and not proc.is_alive()


def test_the_workers_warm_up_draws_japanese_and_changes_no_figure(analysed):
    """The worker swallows errors of its warm-up (the job then runs cold): it must run cleanly, glyphs found."""
    import warnings

    formats = set(analysed.parameters["formats"])
    cold = render.render_figures(analysed, formats)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning
        render_worker._warm_up()
    assert render.render_figures(analysed, formats) == cold


def test_a_job_the_worker_cannot_take_is_forked_as_before(analysed, monkeypatch, one_thread):
    formats = {"png"}
    worker = render_worker.FigureWorker().start()
    proc = worker._proc

    class Unpicklable:
        def __reduce__(self):
            raise TypeError("not picklable")

    real = render.FigureInputs.of
    monkeypatch.setattr(render.FigureInputs, "of", classmethod(lambda cls, a: Unpicklable()))
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert not worker.alive and not proc.is_alive()  # the worker was ended
    assert job.forked  # a child forked now draws instead
    monkeypatch.setattr(render.FigureInputs, "of", real)
    assert job.get() == render.render_figures(analysed, formats)


def test_a_worker_never_given_a_job_ends_with_close(one_thread):
    worker = render_worker.FigureWorker().start()
    proc = worker._proc
    assert proc is not None and proc.is_alive()
    worker.close()
    assert not proc.is_alive()


def test_two_lanes_draw_the_same_bytes_and_a_failed_lane_is_drawn_here(analysed, monkeypatch, one_thread):
    formats = set(analysed.parameters["formats"])
    here = render.render_figures(analysed, formats)
    worker = render_worker.FigureWorker(lanes=2).start()
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert len(job._plan) > 2 and all(worker._queued)  # a drawing on each lane at once, the others as lanes free up
    first = sorted(i for only in job._sent.values() for i in only)
    assert job._plan[job._queue[0]].names[0] != "network.png"  # the costliest (the network) was handed out first
    assert any(job._plan[i].names[0] == "network.png" for i in first)
    assert job.get() == here
    assert not job._queue and not any(worker._queued)
    job.close()
    parent = os.getpid()
    real = render.render_figures

    def fails_in_lanes(analysis, formats, *, into=None, only=None):
        if os.getpid() != parent:
            raise RuntimeError("a lane cannot draw")
        return real(analysis, formats, into=into, only=only)

    monkeypatch.setattr(render, "render_figures", fails_in_lanes)
    worker = render_worker.FigureWorker(lanes=2).start()
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert job.forked
    assert job.get() == here


def _network_inputs(analysed):
    return render.FigureInputs(parameters=analysed.parameters, graph=analysed.graph, positions=analysed.positions)


def test_the_network_sent_ahead_is_taken_and_the_rest_shared(analysed, one_thread):
    """The network drawn before the keywords exist (lane 0) gives the bytes a write would draw."""
    formats = set(analysed.parameters["formats"])
    here = render.render_figures(analysed, formats)
    worker = render_worker.FigureWorker(lanes=2, split_network=True).start()
    assert worker.submit_network(_network_inputs(analysed), formats)
    assert worker.alive and worker.early is not None  # still waiting for the rest of the job
    assert not worker.submit_network(_network_inputs(analysed), formats)  # one drawing ahead at most
    parts = sorted(worker.early[2].values())  # PNG and SVG on lane 0, the PDF beside them on lane 1
    assert parts == [("network.pdf",), ("network.png", "network.svg", "network.editable.svg")]
    assert [len(q) for q in worker._queued] == [1, 1]
    job = render.FigureJob(analysed, formats, worker=worker).start()
    network = {i for tag in worker.early[2] for i in job._sent[tag]}
    assert [job._plan[i].names[0] for i in network] == ["network.png"]
    assert network.isdisjoint(job._queue)  # not drawn again
    assert len(job._sent) == len(worker.early[2]) + 2  # one drawing queued on each lane behind the network; the rest later
    assert job.get() == here
    job.close()


def test_the_last_lane_builds_a_font_subset_the_page_then_takes(analysed, one_thread):
    """A subset built in the worker is handed over before that lane gets its figures, and is the one built here."""
    from cooccur.export import fonts

    page = '<style>body{font-family:"IPAexGothic"}</style><p>庁内ネットワークの更新と窓口のオンライン申請</p>'
    fonts._font_face_css.cache_clear()
    here = fonts.embed_font(page)
    fonts._font_face_css.cache_clear()
    formats = set(analysed.parameters["formats"])
    worker = render_worker.FigureWorker(lanes=2).start()
    assert worker.submit_font(fonts.characters(page), fonts.FONT_FAMILY)
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert job.asks_font(fonts.characters(page), fonts.FONT_FAMILY)  # the write then starts no subset of its own
    assert job.get() == render.render_figures(analysed, formats)  # and collects the font
    assert not worker.fonts and len(fonts._PENDING) == 1
    assert fonts.embed_font(page) == here
    job.close()
    assert fonts._font_face_css.cache_info().currsize == 0  # not built in this process


def test_after_the_figures_the_font_lane_builds_subsets_until_the_job_closes(analysed, one_thread):
    from cooccur.export import fonts

    formats = set(analysed.parameters["formats"])
    worker = render_worker.FigureWorker(lanes=2).start()
    job = render.FigureJob(analysed, formats, worker=worker).start()
    chars = fonts.characters("共起ネットワーク分析レポート・発言", ascii=True)
    job.ask_font(chars, fonts.FONT_FAMILY)  # handed out after the drawings, to the first lane idle
    assert job._queue[-1] == (chars, fonts.FONT_FAMILY)
    assert job.get() == render.render_figures(analysed, formats)
    assert job.font(chars, fonts.FONT_FAMILY) == fonts.subset_css(chars)
    proc = worker._proc
    assert proc is not None and proc.is_alive()  # kept until the job closes
    job.close()
    assert not proc.is_alive() and not worker.alive
    job.ask_font(chars, fonts.FONT_FAMILY)
    assert job.font(chars, fonts.FONT_FAMILY) is None  # the worker is gone: built where it is asked for


def test_with_nothing_to_draw_a_font_is_still_built_by_the_worker(one_thread):
    from cooccur.export import fonts

    class NoFigures:  # e.g. a re-run whose figures all come from the figure cache
        parameters = {"pptx": False}

    worker = render_worker.FigureWorker(lanes=2).start()
    job = render.FigureJob(NoFigures(), {"csv"}, worker=worker).start()
    assert not job.forked
    chars = fonts.characters("庁内の標準化", ascii=True)
    job.ask_font(chars, fonts.FONT_FAMILY)
    assert job.get() == {}
    assert job.font(chars, fonts.FONT_FAMILY) == fonts.subset_css(chars)
    job.close()


def test_a_folder_written_with_the_worker_is_the_folder_drawn_here(analysed, tmp_path, monkeypatch, one_thread):
    """Every file, report.html's font (built by a lane while the figures are drawn) included; no comment of the
    network's SVG (which holds its labels) is inlined in the report."""
    from cooccur.export import fonts

    worker = render_worker.FigureWorker(lanes=2).start()
    built_here = []
    real = fonts._font_face_css
    monkeypatch.setattr(fonts, "_font_face_css", lambda chars, family: built_here.append(chars) or real(chars, family))
    write_outputs(analysed, tmp_path / "worker", figure_worker=worker)
    report = (tmp_path / "worker" / "report.html").read_text(encoding="utf-8")
    guess = fonts.characters(report.replace(report[report.index("@font-face"):report.index("}", report.index(
        "@font-face")) + 1], ""), ascii=True)
    assert guess not in built_here  # the lane's subset was taken
    inline = report.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "避難所" in (tmp_path / "worker" / "network.svg").read_text(encoding="utf-8")  # a label, as a comment
    assert "<!--" not in inline and inline.isascii()
    monkeypatch.setattr(render, "FORK", False)
    write_outputs(analysed, tmp_path / "here")
    assert guess in built_here
    names = sorted(p.name for p in (tmp_path / "here").iterdir() if p.name != "manifest.json")
    assert names == sorted(p.name for p in (tmp_path / "worker").iterdir() if p.name != "manifest.json")
    for name in names:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "worker" / name).read_bytes(), name


def test_without_a_spare_core_the_network_is_drawn_whole_on_lane_0(analysed, one_thread):
    formats = set(analysed.parameters["formats"])
    worker = render_worker.FigureWorker(lanes=2, split_network=False).start()
    assert worker.submit_network(_network_inputs(analysed), formats)
    assert list(worker.early[2].values()) == [("network.png", "network.svg", "network.editable.svg", "network.pdf")]
    assert [len(q) for q in worker._queued] == [1, 0]
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert job.get() == render.render_figures(analysed, formats)
    job.close()
    assert render_worker.FigureWorker(lanes=2).split_network == ((os.cpu_count() or 1) > 2)


def test_one_lane_sends_nothing_ahead(analysed, one_thread):
    worker = render_worker.FigureWorker(lanes=1).start()
    assert not worker.submit_network(_network_inputs(analysed), set(analysed.parameters["formats"]))
    worker.close()


def test_a_network_sent_ahead_for_other_inputs_is_dropped(analysed, one_thread):
    """A drawing sent ahead that is not the write's (another layout) is received and thrown away, not used."""
    formats = set(analysed.parameters["formats"])
    here = render.render_figures(analysed, formats)
    other = _network_inputs(analysed)
    other.positions = {v: (1.0 - x, y) for v, (x, y) in analysed.positions.items()}  # mirrored: other bytes
    worker = render_worker.FigureWorker(lanes=2).start()
    assert worker.submit_network(other, formats)
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert set(worker.early[2]).isdisjoint(job._sent)  # its answers are read and dropped
    assert any(job._plan[i].names[0] == "network.png" for i in [*job._queue, *sum(job._sent.values(), [])])
    assert job.get() == here
    job.close()


def test_a_network_sent_ahead_that_fails_is_drawn_here(analysed, monkeypatch, one_thread):
    formats = set(analysed.parameters["formats"])
    here = render.render_figures(analysed, formats)
    parent = os.getpid()
    real = render._network

    def fails_in_lanes(analysis, names):
        if os.getpid() != parent:
            raise RuntimeError("a lane cannot draw the network")
        return real(analysis, names)

    monkeypatch.setattr(render, "_network", fails_in_lanes)
    worker = render_worker.FigureWorker(lanes=2).start()
    assert worker.submit_network(_network_inputs(analysed), formats)
    job = render.FigureJob(analysed, formats, worker=worker).start()
    assert job.get() == here


def test_no_worker_is_forked_beside_other_threads(monkeypatch):
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 2)
    worker = render_worker.FigureWorker(lanes=2).start()
    assert not worker.alive and worker._proc is None


def test_slides_alone_are_drawn_without_the_folder_figures(analysed, tmp_path):
    """pptx without png/svg/pdf/report: the analyses' figures and the slides' PNGs, which are the folder's PNGs."""
    plan = render.figure_plan(analysed, {"graphml"})
    assert [f.names for f in plan] == [("dendrogram",), ("slide:network",), ("slide:keywords",)]
    alone = render.render_figures(analysed, {"graphml"})
    assert render.slide_ready(analysed.parameters)  # so the folder's PNGs are the slides'
    folder = render.render_figures(analysed, {"png"})
    assert alone["slide:network"] == folder["network.png"]
    assert alone["slide:keywords"] == folder["keywords.png"]
    assert alone["dendrogram"] == folder["dendrogram"]
    folder_in = tmp_path / "minutes"
    folder_in.mkdir()
    (folder_in / "防災委員会.txt").write_text(TEXT, encoding="utf-8")
    slides_only = cooccur.analyze(folder_in, output=tmp_path / "out", min_frequency=2, formats=("graphml",), pptx=True)
    assert (tmp_path / "out" / "slides.pptx").stat().st_size > 0 and slides_only.graph.number_of_nodes()
