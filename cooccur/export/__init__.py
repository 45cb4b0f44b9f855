"""Exports of the network and its evidence: GraphML, GEXF, JSON, CSV, HTML, report, slides.

Every writer goes through :mod:`cooccur.io` (atomic, byte-identical across runs).
Submodules are imported on demand so that ``import cooccur.export`` stays cheap.

* :mod:`cooccur.export.graph` — ``write_graphml``, ``write_gexf``, ``write_json``,
  ``write_nodes_csv``, ``write_edges_csv`` and their pure generators.
* :mod:`cooccur.export.html` — ``render_network_html`` / ``write_network_html``
  (one self-contained, offline, interactive page).
* :mod:`cooccur.export.report` — ``render_report`` / ``write_report``.
* :mod:`cooccur.export.pptx` — ``write_pptx`` (16:9 slides).
"""

from __future__ import annotations

import importlib

__all__ = [
    "generate_graphml", "write_graphml", "generate_gexf", "write_gexf", "node_link_json", "write_json",
    "nodes_frame", "edges_frame", "write_nodes_csv", "write_edges_csv",
    "render_network_html", "write_network_html", "render_report", "write_report", "write_pptx",
]

_WHERE = {name: "graph" for name in __all__[:10]}
_WHERE.update({"render_network_html": "html", "write_network_html": "html", "render_report": "report",
               "write_report": "report", "write_pptx": "pptx"})


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cooccur.export' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__():
    return __all__
