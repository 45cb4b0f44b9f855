"""Network files for Gephi, Cytoscape, igraph and D3: GraphML, GEXF, node-link JSON, CSV.

Exports come in pairs (as in networkx): a pure generator that returns text or a
dict, and a writer that writes it atomically through :mod:`cooccur.io`. Output is
byte-identical across runs: nodes and edges are written in sorted order,
attribute keys are sorted, floats use Python's shortest round-trip form, and the
GEXF header carries no date.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("予算", frequency=12, community=0)
>>> G.add_node("審議", frequency=8, community=0)
>>> G.add_edge("予算", "審議", weight=0.5, mst=True)
>>> text = "".join(generate_graphml(G))
>>> 'attr.type="int"' in text and 'attr.type="boolean"' in text
True
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "generate_graphml", "write_graphml", "generate_gexf", "write_gexf", "node_link_json", "write_json",
    "nodes_frame", "edges_frame", "write_nodes_csv", "write_edges_csv",
]

_GEXF_NS = "http://www.gexf.net/1.2draft"


def nodes_frame(G):
    """The nodes.csv table (delegates to :func:`cooccur.network.nodes_frame`)."""
    from ..network import nodes_frame as _nodes_frame

    return _nodes_frame(G)


def edges_frame(G):
    """The edges.csv table (delegates to :func:`cooccur.network.edges_frame`)."""
    from ..network import edges_frame as _edges_frame

    return _edges_frame(G)


def generate_graphml(G) -> Iterator[str]:
    """Lines of a GraphML document with typed attributes.

    Integers are ``int``, floats ``double``, booleans ``boolean``, everything
    else ``string``; graph-level values that are lists are written as JSON text.
    Non-finite floats are written as ``NaN``/``INF`` (GraphML's double syntax).
    """
    node_keys = _attr_types(d for _, d in G.nodes(data=True))
    edge_keys = _attr_types(d for _, _, d in G.edges(data=True))
    graph_keys = _attr_types([{k: _graph_value(v) for k, v in G.graph.items()}])
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    ids = {}
    for domain, keys in (("graph", graph_keys), ("node", node_keys), ("edge", edge_keys)):
        for name, typ in keys.items():
            kid = f"{domain[0]}_{len(ids)}"
            ids[(domain, name)] = kid
            yield f'  <key id="{kid}" for="{domain}" attr.name={quoteattr(str(name))} attr.type="{typ}"/>\n'
    yield '  <graph id="G" edgedefault="undirected">\n'
    for name in graph_keys:
        yield f'    <data key="{ids[("graph", name)]}">{_xml_value(_graph_value(G.graph[name]))}</data>\n'
    for v in _nodes(G):
        d = G.nodes[v]
        yield f"    <node id={quoteattr(str(v))}>\n"
        for name in node_keys:
            if name in d and d[name] is not None:
                yield f'      <data key="{ids[("node", name)]}">{_xml_value(d[name])}</data>\n'
        yield "    </node>\n"
    for u, v in _edges(G):
        d = G.edges[u, v]
        yield f"    <edge source={quoteattr(str(u))} target={quoteattr(str(v))}>\n"
        for name in edge_keys:
            if name in d and d[name] is not None:
                yield f'      <data key="{ids[("edge", name)]}">{_xml_value(d[name])}</data>\n'
        yield "    </edge>\n"
    yield "  </graph>\n</graphml>\n"


def write_graphml(G, path) -> Path | None:
    """Write :func:`generate_graphml` to ``path`` (atomic) or an open file (:func:`cooccur.io.write_text`)."""
    from ..io import write_text

    return write_text(path, "".join(generate_graphml(G)))


def generate_gexf(G, pos=None, colors=None, sizes=None) -> Iterator[str]:
    """Lines of a GEXF 1.2 document with ``viz`` position, colour and size per node.

    Parameters
    ----------
    G : networkx.Graph
    pos : dict, optional
        ``{node: (x, y)}`` in the unit square (default: :func:`cooccur.layout.network_layout`);
        written as x in [-800, 800], y in [-450, 450] so Gephi shows the 16:9 layout.
    colors : dict, optional
        ``{node: "#rrggbb"}``; default: community colours as in the figure.
    sizes : dict, optional
        ``{node: size}``; default: proportional to the square root of frequency
        (so area follows frequency), between 5 and 40.
    """
    if pos is None:
        from ..layout import network_layout

        pos = network_layout(G)
    if colors is None:
        from ..plot import community_colors

        colors = community_colors(G)
    if sizes is None:
        freqs = {v: float(G.nodes[v].get("frequency", 1) or 1) for v in G}
        top = max(freqs.values(), default=1.0) or 1.0
        sizes = {v: round(max(5.0, 40.0 * math.sqrt(max(f, 0.0) / top)), 3) for v, f in freqs.items()}
    node_keys = _attr_types(d for _, d in G.nodes(data=True))
    edge_keys = _attr_types(({k: x for k, x in d.items() if k != "weight"} for _, _, d in G.edges(data=True)))
    gtype = {"int": "integer", "double": "double", "boolean": "boolean", "string": "string"}
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (f'<gexf xmlns="{_GEXF_NS}" xmlns:viz="{_GEXF_NS}/viz" version="1.2">\n'
           '  <meta>\n    <creator>cooccur</creator>\n  </meta>\n'
           '  <graph defaultedgetype="undirected" mode="static">\n')
    for cls, keys in (("node", node_keys), ("edge", edge_keys)):
        yield f'    <attributes class="{cls}" mode="static">\n'
        for i, (name, typ) in enumerate(keys.items()):
            yield f'      <attribute id="{i}" title={quoteattr(str(name))} type="{gtype[typ]}"/>\n'
        yield "    </attributes>\n"
    node_ids = {name: i for i, name in enumerate(node_keys)}
    edge_ids = {name: i for i, name in enumerate(edge_keys)}
    yield "    <nodes>\n"
    for v in _nodes(G):
        d = G.nodes[v]
        label = d.get("label", v)
        yield f"      <node id={quoteattr(str(v))} label={quoteattr(str(label))}>\n        <attvalues>\n"
        for name in node_keys:
            if name in d and d[name] is not None:
                yield f'          <attvalue for="{node_ids[name]}" value={quoteattr(_xml_value(d[name], esc=False))}/>\n'
        yield "        </attvalues>\n"
        r, g, b = _rgb(colors.get(v, "#BBBBBB"))
        yield f'        <viz:color r="{r}" g="{g}" b="{b}"/>\n'
        if v in pos:
            x, y = pos[v]
            yield (f'        <viz:position x="{_num((float(x) - 0.5) * 1600)}" '
                   f'y="{_num((float(y) - 0.5) * 900)}" z="0.0"/>\n')
        yield f'        <viz:size value="{_num(float(sizes.get(v, 10.0)))}"/>\n      </node>\n'
    yield "    </nodes>\n    <edges>\n"
    for i, (u, v) in enumerate(_edges(G)):
        d = G.edges[u, v]
        w = d.get("weight")
        wattr = f' weight="{_num(float(w))}"' if isinstance(w, (int, float)) and not isinstance(w, bool) else ""
        yield f'      <edge id="{i}" source={quoteattr(str(u))} target={quoteattr(str(v))}{wattr}>\n        <attvalues>\n'
        for name in edge_keys:
            if name in d and d[name] is not None:
                yield f'          <attvalue for="{edge_ids[name]}" value={quoteattr(_xml_value(d[name], esc=False))}/>\n'
        yield "        </attvalues>\n      </edge>\n"
    yield "    </edges>\n  </graph>\n</gexf>\n"


def write_gexf(G, path, pos=None, colors=None, sizes=None) -> Path | None:
    """Write :func:`generate_gexf` to ``path`` (atomic, no date in the header) or an open file."""
    from ..io import write_text

    return write_text(path, "".join(generate_gexf(G, pos=pos, colors=colors, sizes=sizes)))


def node_link_json(G, pos=None) -> dict:
    """Node-link data (D3, Cytoscape.js, ``networkx.node_link_graph(..., edges="links")``).

    Nodes carry ``id``, their attributes and, with ``pos``, ``x`` and ``y``;
    links carry ``source``, ``target`` and their attributes. Floats are rounded
    to 10 significant digits; NaN and infinities become ``null``.
    """
    nodes = []
    for v in _nodes(G):
        item = {"id": v, **{k: _json_value(x) for k, x in G.nodes[v].items()}}
        if pos is not None and v in pos:
            item["x"], item["y"] = _json_value(float(pos[v][0])), _json_value(float(pos[v][1]))
        nodes.append(item)
    links = [{"source": u, "target": v, **{k: _json_value(x) for k, x in G.edges[u, v].items()}}
             for u, v in _edges(G)]
    graph = {k: _json_value(_graph_value(x)) for k, x in sorted(G.graph.items())}
    return {"directed": False, "multigraph": False, "graph": graph, "nodes": nodes, "links": links}


def write_json(G, path, pos=None) -> Path | None:
    """Write :func:`node_link_json` with sorted keys (atomic, byte-stable) to ``path`` or an open file."""
    from ..io import write_text

    text = json.dumps(node_link_json(G, pos=pos), ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False)
    return write_text(path, text + "\n")


def write_nodes_csv(G, path) -> Path:
    """nodes.csv (UTF-8 with BOM) through :func:`cooccur.io.write_table`."""
    from ..io import write_table

    return write_table(nodes_frame(G), path, kind="csv")


def write_edges_csv(G, path) -> Path:
    """edges.csv (UTF-8 with BOM) through :func:`cooccur.io.write_table`."""
    from ..io import write_table

    return write_table(edges_frame(G), path, kind="csv")


# --------------------------------------------------------------------------- helpers


def _nodes(G) -> list:
    return sorted(G.nodes, key=str)


def _edges(G) -> list:
    pairs = [tuple(sorted((u, v), key=str)) for u, v in G.edges]
    return sorted(pairs, key=lambda e: (str(e[0]), str(e[1])))


def _plain(x):
    """numpy scalars → Python scalars."""
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        try:
            return x.item()
        except (TypeError, ValueError):
            return x
    return x


def _kind(x) -> str:
    x = _plain(x)
    if isinstance(x, bool):
        return "boolean"
    if isinstance(x, int):
        return "int"
    if isinstance(x, float):
        return "double"
    return "string"


def _attr_types(dicts) -> dict[str, str]:
    """Attribute name → GraphML type; mixed int/float become double, anything else mixed string."""
    seen: dict[str, set] = {}
    for d in dicts:
        for k, x in d.items():
            if x is None or k == "viz":
                continue
            seen.setdefault(str(k), set()).add(_kind(x))
    out = {}
    for k in sorted(seen):
        kinds = seen[k]
        out[k] = kinds.pop() if len(kinds) == 1 else ("double" if kinds <= {"int", "double"} else "string")
    return out


def _graph_value(x):
    x = _plain(x)
    if isinstance(x, (list, tuple, set, frozenset, dict)):
        return json.dumps(sorted(x) if isinstance(x, (set, frozenset)) else x, ensure_ascii=False,
                          sort_keys=True, default=str)
    return x


def _num(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "INF" if x > 0 else "-INF"
    return repr(float(x))


def _xml_value(x, *, esc: bool = True) -> str:
    x = _plain(x)
    if isinstance(x, bool):
        s = "true" if x else "false"
    elif isinstance(x, int):
        s = str(x)
    elif isinstance(x, float):
        s = _num(x)
    else:
        s = str(x)
    return escape(s) if esc else s


def _json_value(x):
    x = _plain(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            return None
        return float(f"{x:.10g}")
    if isinstance(x, (list, tuple)):
        return [_json_value(y) for y in x]
    try:
        import pandas as pd

        if x is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return x


def _rgb(color) -> tuple[int, int, int]:
    if isinstance(color, str) and color.startswith("#") and len(color) == 7:
        return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
    if isinstance(color, (tuple, list)) and len(color) >= 3:
        vals = [float(c) for c in color[:3]]
        if all(0.0 <= c <= 1.0 for c in vals):
            vals = [c * 255 for c in vals]
        return tuple(int(round(c)) for c in vals)  # type: ignore[return-value]
    raise ValueError(f"colour {color!r} is not understood; use '#rrggbb' or an (r, g, b) tuple")
