"""The output folder: one owner for everything a run leaves on disk.

An :class:`OutputFolder` is opened on a path: the guard
(:func:`prepare_output_dir`) creates the folder, accepts it when cooccur made
it, or refuses it. From then on the folder decides every path inside it:

============================  ====================================================
``.cooccur-output``           the marker (:data:`MARKER`): cooccur made this folder
``.cache/tokens/``            the token cache (:class:`cooccur.cache.TokenCache`)
``.cache/tables.json``        the table ledger (:class:`TableLedger`)
``.cache/.cooccur-spill-*``   batches set aside while tokenizing a large corpus
                              (removed at the end; a killed run's when the folder
                              is opened again)
``tokens.parquet`` / ``.csv`` the tokens sink (:meth:`OutputFolder.stream_tokens`)
every other output            :meth:`OutputFolder.write` (the file names are
                              :mod:`cooccur.outputs`'), :meth:`OutputFolder.write_comparison`
============================  ====================================================

Every file is written atomically (:mod:`cooccur.io`), so an interrupted run
leaves whole files or the previous ones, never a part of one.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = OutputFolder(Path(tmp) / "out", cache=False)
...     (folder.path / MARKER).is_file(), folder.tokens_path("csv").name, folder.cache
(True, 'tokens.csv', None)
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Callable

from .errors import OutputError
from .io import TABLE_LAYOUT, atomic_write_text, file_digest, write_json

__all__ = [
    "OutputFolder",
    "prepare_output_dir",
    "open_token_cache",
    "remove_stale_spills",
    "TableLedger",
    "MARKER",
    "CACHE_DIR",
    "OUTPUT_FILES",
    "OUTPUT_NAMES",
]

#: File that marks a folder as created by cooccur (so re-runs may overwrite it).
MARKER = ".cooccur-output"

#: The folder inside an output folder for what only cooccur reads: token cache, table ledger, spill folders.
CACHE_DIR = ".cache"

#: Output files by the ``formats`` choice that produces them.
OUTPUT_FILES = {
    "png": "network.png",
    "svg": "network.svg",
    "pdf": "network.pdf",
    "graphml": "network.graphml",
    "gexf": "network.gexf",
    "json": "network.json",
    "html": "network.html",
    "report": "report.html",
}

#: Every name cooccur may write into an output folder.
OUTPUT_NAMES = frozenset({
    "utterances.parquet", "utterances.csv", "tokens.parquet", "tokens.csv", "nodes.csv", "edges.csv",
    "keywords.csv", "files.csv", "exclusions.csv", "distinctive.csv", "comparison_edges.csv",
    "comparison_terms.csv", "comparison.png", "keywords.png", "attribute_network.png", *OUTPUT_FILES.values(),
    "slides.pptx", "manifest.json", CACHE_DIR, "attribute_groups.csv", "families.csv", "family_synonyms.csv",
    # the other analyses (cooccur.analyses)
    "clusters.csv", "dendrogram.png", "correspondence.csv", "correspondence_inertia.csv",
    "correspondence_table.csv", "correspondence.png", "codes.csv", "code_units.csv", "code_crosstab.csv",
    "code_crosstab.png", "code_network.png",
})

#: Prefix of the temporary folders :func:`cooccur.tokenize.tokenize_to_file` sets batches aside in.
_SPILL_GLOB = ".cooccur-spill-*"


def prepare_output_dir(path: str | Path, *, force: bool = False) -> Path:
    """Create ``path`` or accept it if cooccur made it; refuse other non-empty folders.

    A folder counts as cooccur's when it holds the :data:`MARKER` file. With
    ``force=True`` a foreign non-empty folder is used anyway, but only when none
    of its files has a name cooccur writes (:data:`OUTPUT_NAMES`): cooccur never
    overwrites or deletes a file it did not write.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError("the output path exists and is not a folder; choose another -o", path=str(path))
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).exists() and not force:
        raise OutputError(
            "the output folder is not empty and was not created by cooccur; "
            "choose an empty or new folder, or pass --force to write into it anyway",
            path=str(path),
        )
    if path.is_dir() and not (path / MARKER).exists():
        clash = sorted(p.name for p in path.iterdir() if p.name in OUTPUT_NAMES)
        if clash:
            raise OutputError(
                "the folder holds files cooccur would overwrite but did not write: " + ", ".join(clash)
                + "; move them or choose another -o folder",
                path=str(path),
            )
    path.mkdir(parents=True, exist_ok=True)
    marker = path / MARKER
    if not marker.exists():
        atomic_write_text(marker, "This folder holds cooccur outputs.\n")
    return path


def open_token_cache(cache: bool | str | Path | None, folder: str | Path | None = None):
    """The token cache a run keeps, as the ``cache`` keyword of :func:`cooccur.analyze` asks.

    ``True``: ``FOLDER/.cache/tokens`` (none without an output ``folder``); a
    path: a :class:`cooccur.cache.TokenCache` in that folder; ``False`` or
    ``None``: none.

    >>> open_token_cache(True) is None, open_token_cache(True, "out").folder.as_posix()
    (True, 'out/.cache/tokens')
    """
    if cache is None or cache is False or (cache is True and folder is None):
        return None
    from .cache import TokenCache

    return TokenCache(Path(folder) / CACHE_DIR / "tokens" if cache is True else Path(cache))


def remove_stale_spills(folder: str | Path) -> list[str]:
    """Remove the spill folders a killed run left in ``folder``; return their names.

    Only folders named as :func:`cooccur.tokenize.tokenize_to_file` names its
    own are touched, and only inside an output folder's ``.cache``.
    """
    removed = []
    for stale in sorted(Path(folder).glob(_SPILL_GLOB)):
        shutil.rmtree(stale, ignore_errors=True)
        removed.append(stale.name)
    return removed


class TableLedger:
    """What was last written to each table (Parquet or CSV) of an output folder.

    A small JSON file (``OUT/.cache/tables.json``) maps each file name to the
    fingerprint of the table written and the SHA-256 of the bytes written.
    :func:`cooccur.io.write_table` skips a write only when both still match:
    the table is the same and the file on disk is exactly the one cooccur
    wrote (a file that is missing, edited or replaced is always written again).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.skipped: list[str] = []
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            self._entries = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            self._entries = {}
        self._dirty = False

    def unchanged(self, target: str | Path, fingerprint: str) -> bool:
        """True when ``target`` holds exactly the bytes last written for ``fingerprint``."""
        target = Path(target)
        entry = self._entries.get(target.name)
        if not isinstance(entry, dict) or entry.get("table") != fingerprint:
            return False
        try:
            if target.stat().st_size != entry.get("size"):
                return False
            digest = file_digest(target)
        except OSError:
            return False
        if digest != entry.get("file"):
            return False
        self.skipped.append(target.name)
        return True

    def note(self, target: str | Path, fingerprint: str, data: bytes | str, *, size: int | None = None) -> None:
        """Record that ``data`` (for the table ``fingerprint``) was written to ``target``.

        ``data`` is the bytes written, or their SHA-256 hex digest with ``size``.
        """
        import hashlib

        if isinstance(data, str):
            if size is None:
                raise ValueError("pass size= (the file's length in bytes) together with a hex digest")
            digest = data
        else:
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        self._entries[Path(target).name] = {"table": fingerprint, "file": digest, "size": size}
        self._dirty = True

    def save(self) -> None:
        """Write the ledger (atomically) if anything was recorded."""
        if self._dirty:
            write_json(self._entries, self.path)
            self._dirty = False


class OutputFolder:
    """An opened output folder: its guard, ``.cache``, token cache, ledger, tokens sink and writers.

    Opening runs the guard (:func:`prepare_output_dir` with ``force``) and
    removes the spill folders a killed run left in ``.cache``. Nothing else
    touches the disk until asked.

    Parameters
    ----------
    path : path
        The folder (created if missing).
    force : bool
        Write into a non-empty folder that cooccur did not create (never over
        a file of a name cooccur writes, :data:`OUTPUT_NAMES`).
    cache : bool or path
        ``True`` (default): the token cache in ``.cache/tokens`` and the table
        ledger; a path: the token cache there (the ledger stays in
        ``.cache``); ``False``: neither, so every table is tokenized and
        written afresh. The outputs are the same bytes either way.

    Attributes
    ----------
    path : pathlib.Path
    cache : cooccur.cache.TokenCache or None
        The token cache (see :func:`open_token_cache`).
    ledger : TableLedger or None
        The table ledger (``.cache/tables.json``), None with ``cache=False``.
    stages : cooccur.stage_cache.StageCache or None
        The stages that read only the tokens (``.cache/stages``), None with ``cache=False``.
    """

    def __init__(self, path: str | Path, *, force: bool = False, cache: bool | str | Path = True):
        self.path = prepare_output_dir(path, force=force)
        self.cache_dir = self.path / CACHE_DIR
        self.cache = open_token_cache(cache, self.path)
        self.ledger = TableLedger(self.cache_dir / "tables.json") if cache is not False else None
        self.read_cache = None
        self.stages = None
        self.figure_worker = None
        #: network.html rendered by :meth:`draw_network` for :meth:`write` (see :func:`cooccur.outputs.write_outputs`).
        self.network_html: tuple | None = None
        if cache is not False:
            from .read.cache import ReadCache

            from .stage_cache import StageCache

            self.read_cache = ReadCache(self.cache_dir / "read")
            self.stages = StageCache(self.cache_dir / "stages")
        remove_stale_spills(self.cache_dir)

    def __repr__(self) -> str:
        return f"OutputFolder({str(self.path)!r})"

    def map_files(self, map_files: Callable | None = None) -> Callable | None:
        """The ``map_files`` hook of :func:`cooccur.read.read_corpus` for this folder's runs.

        With a cache, each transcript is parsed once and its rows kept in
        ``.cache/read`` (:class:`cooccur.read.cache.ReadCache`); files the cache
        cannot serve go to ``map_files`` (the engine's). Without one, ``map_files``.
        """
        if self.read_cache is None:
            return map_files
        self.read_cache.map_files = map_files
        return self.read_cache

    def start_figure_worker(self, params: dict) -> None:
        """Fork the process that will draw this run's figures (:class:`cooccur.render_worker.FigureWorker`), if any are due.

        Called at the start of a run, so matplotlib is imported there while
        the run reads and tokenizes; :meth:`write` hands it the figures and
        :meth:`close` ends it if the run stops before.
        """
        from .render import figures_wanted
        from .render_worker import FigureWorker

        if self.figure_worker is None and figures_wanted(params, set(params["formats"])):
            import os

            # two lanes on two cores or more: the network's files drawn beside the other figures
            self.figure_worker = FigureWorker(lanes=min(2, os.cpu_count() or 1)).start()

    def draw_network(self, graph, positions, params: dict, *, tokens=None, utterances=None) -> None:
        """Have the figure worker draw the network now (unless the figure cache has it) and build network.html's font.

        Called by :func:`cooccur.pipeline.run` once the layout is done; the
        write takes the bytes if its network drawing has the same inputs
        (:meth:`cooccur.render_worker.FigureWorker.submit_network`). With
        ``tokens`` and ``utterances``, network.html is rendered now without
        its font (:func:`cooccur.outputs.network_page`), the worker's last lane
        builds the font subset, and :meth:`write` uses both.
        """
        from .render import FigureInputs, network_figure

        worker = self.figure_worker
        if worker is None or not worker.alive:
            return
        formats = set(params["formats"])
        inputs = FigureInputs(parameters=params, graph=graph, positions=positions)
        fig = network_figure(inputs, formats)
        cached = False
        if fig is not None and self.ledger is not None:  # write() takes the figures from this cache
            from .figure_cache import FigureCache

            cache = FigureCache(self.cache_dir / "figures")
            cached = cache.has(cache.keys(fig.names, fig.inputs))
        if fig is not None and not cached:
            worker.submit_network(inputs, formats)
        if "html" in formats and tokens is not None and utterances is not None:
            from .export import fonts
            from .outputs import network_page

            page = network_page(graph, positions, tokens, utterances, params["measure"])
            self.network_html = (graph, positions, tokens, utterances, params["measure"], page)
            worker.submit_font(fonts.characters(page), fonts.FONT_FAMILY)

    def close(self) -> None:
        """End the figure worker if the run did not get as far as its figures."""
        if self.figure_worker is not None:
            self.figure_worker.close()
            self.figure_worker = None

    def tokens_path(self, kind: str = "parquet") -> Path:
        """The tokens table of this folder (``tokens.parquet`` or ``tokens.csv``)."""
        return self.path / f"tokens.{kind}"

    def spill_dir(self) -> Path:
        """Where batches are set aside while tokenizing (``.cache``, created on first use)."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        return self.cache_dir

    def stream_tokens(self, utterances, params: dict, *, kind: str = "parquet", map_chunks: Callable | None = None,
                      progress: Callable[[int], object] | None = None):
        """Stream the tokens table to :meth:`tokens_path`; return (lean tokens, row counts, FLR counts).

        ``params`` are the tokenize parameters (the term rules and ``jobs``)
        of :func:`cooccur.tokenize.tokenize_to_file`, which writes the file
        batch by batch; the lean table, the full table's row counts
        (``tokens``, ``counted_tokens``) and :class:`cooccur.keywords.FLRCounts`
        come back. With a token cache, a re-run whose analysed utterances and
        tokenize parameters are unchanged, and whose tokens file is still the
        one written for them (the ledger), reads the cached lean table instead
        and leaves the file alone.
        """
        from .keywords import FLRCounts
        from .tokenize import tokenize_to_file

        target = self.tokens_path(kind)
        cache, key = self.cache, None
        if cache is not None:
            key = cache.corpus_key(utterances,
                                   {k: v for k, v in params.items() if k not in ("jobs", "workers")})
            key += "-lean-" + hashlib.sha256(TABLE_LAYOUT.encode()).hexdigest()[:12]  # the file's layout too
            if self.ledger.unchanged(target, key):
                reused = cache.load_lean(key)
                if reused is not None:
                    cache.hits_corpus = True
                    return reused
        flr = FLRCounts()
        streamed = tokenize_to_file(utterances, target, kind=kind, spill_dir=self.spill_dir(), on_batch=flr.add,
                                    on_compounds=flr.prepare,
                                    progress=progress, cache=cache, map_chunks=map_chunks, **params)
        counts = {"tokens": streamed.n_tokens, "counted_tokens": streamed.n_counted}
        if cache is not None:
            cache.save_lean(key, streamed.tokens, counts, flr)
            self.ledger.note(target, key, file_digest(target), size=target.stat().st_size)
            self.ledger.save()
        return streamed.tokens, counts, flr

    def write(self, analysis, *, started_at: float | None = None, t_start: float | None = None) -> dict[str, Path]:
        """Write every output of ``analysis`` and ``manifest.json`` (last); return name → path.

        The writer is :func:`cooccur.outputs.write_outputs`; the folder adds
        its ledger (unchanged tables are left alone), its figure cache
        (``.cache/figures``: figures whose inputs are unchanged are not drawn
        again; the entries this write did not use are removed after it) and,
        when the analysis streamed its tokens to this folder's tokens file,
        says that file is already written; the figure worker started by
        :meth:`start_figure_worker`, if any, draws. With a cache, the analysis's
        ``cache_stats["figures_reused"]`` counts the figures taken from it.
        """
        from .outputs import write_outputs

        kind = analysis.parameters["tables"]
        streamed = analysis.tokens_file
        streamed = Path(streamed) if streamed is not None and Path(streamed) == self.tokens_path(kind) else None
        figures = None
        if self.ledger is not None:
            from .figure_cache import FigureCache

            figures = FigureCache(self.cache_dir / "figures")
        written = write_outputs(analysis, self.path, started_at=started_at, t_start=t_start,
                                ledger=self.ledger, tokens_written=streamed,
                                figure_cache=figures, figure_worker=self.figure_worker,
                                network_html=self.network_html)
        self.network_html = None
        if figures is not None:
            figures.prune()
            if analysis.cache_stats is not None:
                analysis.cache_stats["figures_reused"] = figures.hits
        if self.stages is not None and self.stages.used:  # those of the run that wrote here
            self.stages.prune()
            if analysis.cache_stats is not None:
                analysis.cache_stats["stages_reused"] = self.stages.hits
        return written

    def write_comparison(self, result, params: dict) -> dict[str, Path]:
        """Write a group comparison (:func:`cooccur.outputs.write_comparison`); return name → path."""
        from .outputs import write_comparison

        return write_comparison(result, self.path, params)
