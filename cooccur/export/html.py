"""One self-contained, offline HTML page to explore the network.

The page holds an inline SVG of the network and a small hand-written script:
drag to pan, wheel or buttons to zoom, hover for a term's frequency and
community, click a term (or open ``network.html#TERM``) to list its KWIC lines (speaker, document,
left | keyword | right) in a side panel. Nothing is loaded from anywhere: no
CDN, no font, no URL.

Transcript text is untrusted. Terms in the SVG are HTML-escaped; all other data
travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``,
``&``, U+2028 and U+2029 escaped, and the script inserts it into the page only
through ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
import unicodedata
from pathlib import Path

from ..texts import MEASURE_NAMES

__all__ = ["render_network_html", "write_network_html", "KWIC_LINES"]

#: KWIC lines embedded per term (the panel says how many there are in total).
KWIC_LINES = 30
_W, _H, _M = 1600, 900, 40

_MEASURES = MEASURE_NAMES


def render_network_html(G, pos, *, kwic=None, title: str = "共起ネットワーク", measure: str = "jaccard",
                        font: bool = True) -> str:
    """The interactive page as a string.

    Parameters
    ----------
    G : networkx.Graph
        The network (node ``frequency``, ``community``; edge ``weight``).
    pos : dict
        ``{node: (x, y)}`` in the unit square (:func:`cooccur.layout.network_layout`).
    kwic : pandas.DataFrame, optional
        Columns ``term, doc_id, speaker, left, keyword, right`` (optional
        ``total``: lines in all). At most :data:`KWIC_LINES` lines per term are
        embedded, in the given order.
    title : str
    measure : str
        Name of the edge measure, shown in the legend and tooltips.
    font : bool
        Embed the subset Japanese font (:func:`cooccur.export.fonts.embed_font`);
        ``False`` gives the page without it, for a caller that embeds it
        later (the bytes are then the same).

    Returns
    -------
    str
    """
    from ..layout import network_layout, place_labels
    from ..plot import community_colors

    if pos is None:
        pos = network_layout(G)
    nodes = sorted(G.nodes, key=lambda v: (-_int(G.nodes[v].get("frequency")), str(v)))
    index = {v: i for i, v in enumerate(nodes)}
    colors = community_colors(G)
    freqs = [_int(G.nodes[v].get("frequency")) for v in nodes]
    top = max(freqs, default=1) or 1
    radius = [max(6.0, 30.0 * math.sqrt(max(f, 0) / top)) for f in freqs]
    xy = [(_M + 30 + float(pos[v][0]) * (_W - 2 * _M - 60), _M + 20 + (1 - float(pos[v][1])) * (_H - 2 * _M - 40))
          for v in nodes]
    fonts = [14.0 + 4.0 * (r - 6.0) / 24.0 for r in radius]
    labels = [str(G.nodes[v].get("label", v)) for v in nodes]
    sizes = [(_text_width(t) * f + 4, f * 1.25) for t, f in zip(labels, fonts)]
    edges = sorted((tuple(sorted((u, v), key=str)) for u, v in G.edges), key=lambda e: (str(e[0]), str(e[1])))
    segs = [(*xy[index[u]], *xy[index[v]]) for u, v in edges]
    boxes = place_labels(xy, radius, sizes, bounds=(0, 0, _W, _H), pad=2, segments=segs)

    parts = [f'<svg id="net" viewBox="0 0 {_W} {_H}" role="img" aria-label="{html.escape(title)}">',
             '<g id="view">', '<g class="edges">']
    weights = [float(G.edges[e].get("weight", 1.0)) for e in edges]
    lo, hi = min(weights, default=0.0), max(weights, default=1.0)
    for (u, v), w in zip(edges, weights):
        (x0, y0), (x1, y1) = xy[index[u]], xy[index[v]]
        width = 1.0 + 3.0 * ((w - lo) / (hi - lo) if hi > lo else 0.5)
        dash = "" if G.edges[u, v].get("intra_community", True) else ' stroke-dasharray="6 4"'
        parts.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                     f'stroke-width="{width:.2f}"{dash}><title>{html.escape(f"{u} – {v}: {w:.2f}")}</title></line>')
    parts.append('</g><g class="nodes">')
    for i, v in enumerate(nodes):
        x, y = xy[i]
        parts.append(f'<circle data-i="{i}" cx="{x:.1f}" cy="{y:.1f}" r="{radius[i]:.1f}" fill="{colors[v]}"/>')
    parts.append('</g><g class="labels">')
    for i, b in enumerate(boxes):
        if b is None:
            continue
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        parts.append(f'<text data-i="{i}" x="{cx:.1f}" y="{cy:.1f}" font-size="{fonts[i]:.1f}">'
                     f'{html.escape(labels[i])}</text>')
    parts.append("</g></g></svg>")

    data = {"measure": _MEASURES.get(measure, measure), "nodes": [], "kwic": _kwic_data(kwic, index)}
    for i, v in enumerate(nodes):
        d = G.nodes[v]
        data["nodes"].append({"term": labels[i], "frequency": freqs[i],
                              "document_frequency": _int(d.get("document_frequency")),
                              "community": _int(d.get("community", -1)), "degree": G.degree(v)})
    from .fonts import embed_font

    page = _fill(_PAGE, title=html.escape(title), svg="\n".join(parts), data=_json_for_script(data),
                 measure=html.escape(_MEASURES.get(measure, measure)), n=str(len(nodes)), m=str(len(edges)),
                 css=_CSS, js=_JS)
    return embed_font(page) if font else page


def write_network_html(G, path, pos, **kwargs) -> Path | None:
    """Write :func:`render_network_html` to ``path`` (atomic, UTF-8) or an open file.

    The old order ``write_network_html(path, G, pos)`` still works for one
    release, with a :class:`DeprecationWarning`.
    """
    from ..io import write_text

    if hasattr(path, "adj") and not hasattr(G, "adj"):  # the graph second: the old order
        import warnings

        warnings.warn("write_network_html(path, G, pos) is deprecated: write_network_html(G, path, pos) like the "
                      "other writers", DeprecationWarning, stacklevel=2)
        G, path = path, G
    return write_text(path, render_network_html(G, pos, **kwargs))


def _int(x) -> int:
    try:
        return int(x)
    except (TypeError, ValueError):
        return 0


def _text_width(text: str) -> float:
    """Width in em: wide (CJK) characters 1, others 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _kwic_data(kwic, index) -> dict:
    if kwic is None or len(kwic) == 0:
        return {}
    need = ["term", "doc_id", "speaker", "left", "keyword", "right"]
    missing = [c for c in need if c not in kwic.columns]
    if missing:
        raise ValueError(f"kwic lacks columns {missing}; it needs {need} (see cooccur.kwic.concordance)")
    # each column as str once ("" for a missing value, as _s gives), then each term's first lines
    text = {c: ["" if gone else str(v) for v, gone in zip(kwic[c].tolist(), kwic[c].isna().tolist())]
            for c in need[1:]}
    totals = kwic["total"].tolist() if "total" in kwic.columns else None
    out: dict[str, dict] = {}
    for term, at in sorted(kwic.groupby("term", sort=True).indices.items()):
        if term not in index:
            continue
        total = int(totals[at[0]]) if totals is not None else len(at)
        lines = [[text[c][i] for c in need[1:]] for i in at[:KWIC_LINES].tolist()]
        out[str(index[term])] = {"total": max(total, len(at)), "lines": lines}
    return out


def _s(x) -> str:
    if x is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(x):
            return ""
    except (TypeError, ValueError):
        pass
    return str(x)


def _fill(template: str, **values: str) -> str:
    """Replace ``{name}`` placeholders in one pass (inserted text is never re-scanned)."""
    import re

    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), template)


def _json_for_script(obj) -> str:
    """JSON safe inside <script>: no '<', '>', '&' or JavaScript line terminators."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:"IPAexGothic","Hiragino Sans","Yu Gothic","Meiryo","Noto Sans CJK JP",sans-serif;
 color:#222;background:#fff;display:flex;height:100vh;overflow:hidden}
#main{flex:1;position:relative;min-width:0}
header{position:absolute;top:0;left:0;right:130px;padding:8px 12px;background:rgba(255,255,255,.85);z-index:2}
h1{font-size:20px;margin:0 0 2px 0}
header p{margin:0;font-size:13px;color:#555}
#tools{position:absolute;right:12px;top:10px;z-index:3}
#tools button{font:inherit;font-size:18px;width:34px;height:34px;margin-left:4px;cursor:pointer}
#net{width:100%;height:100%;cursor:grab;user-select:none}
#net.dragging{cursor:grabbing}
.edges line{stroke:#666;stroke-opacity:.55}
.nodes circle{fill-opacity:.72;stroke:#333;stroke-width:.8;cursor:pointer}
.nodes circle.sel{stroke:#000;stroke-width:3}
.labels text{text-anchor:middle;dominant-baseline:central;fill:#111;cursor:pointer}
#tip{position:absolute;pointer-events:none;background:#222;color:#fff;padding:4px 8px;border-radius:4px;
 font-size:13px;display:none;z-index:4;white-space:nowrap}
aside{width:420px;border-left:1px solid #ccc;overflow:auto;padding:12px;font-size:13px}
aside h2{font-size:18px;margin:4px 0}
aside table{border-collapse:collapse;width:100%}
aside td{border-bottom:1px solid #eee;padding:3px 4px;vertical-align:top}
td.l{text-align:right;color:#444}td.k{font-weight:bold;color:#b34700;white-space:nowrap}
td.who{color:#555;font-size:12px}
"""

_JS = r"""
(function(){
 "use strict";
 var data=JSON.parse(document.getElementById("data").textContent);
 var svg=document.getElementById("net"),tip=document.getElementById("tip"),panel=document.getElementById("panel");
 var vb={x:0,y:0,w:__W__,h:__H__};
 function apply(){svg.setAttribute("viewBox",vb.x+" "+vb.y+" "+vb.w+" "+vb.h);}
 function zoom(f,cx,cy){var nw=Math.min(Math.max(vb.w*f,__W__/20),__W__*4),k=nw/vb.w;
  vb.x=cx-(cx-vb.x)*k;vb.y=cy-(cy-vb.y)*k;vb.w=nw;vb.h=vb.h*k;apply();}
 function pt(e){var r=svg.getBoundingClientRect(),s=Math.max(vb.w/r.width,vb.h/r.height);
  var ox=(r.width*s-vb.w)/2,oy=(r.height*s-vb.h)/2;
  return {x:vb.x+(e.clientX-r.left)*s-ox,y:vb.y+(e.clientY-r.top)*s-oy,s:s};}
 svg.addEventListener("wheel",function(e){e.preventDefault();var p=pt(e);zoom(e.deltaY>0?1.15:1/1.15,p.x,p.y);},{passive:false});
 var drag=null;
 svg.addEventListener("mousedown",function(e){drag={x:e.clientX,y:e.clientY,vx:vb.x,vy:vb.y,s:pt(e).s,moved:false};svg.classList.add("dragging");});
 window.addEventListener("mousemove",function(e){if(!drag)return;var dx=e.clientX-drag.x,dy=e.clientY-drag.y;
  if(Math.abs(dx)+Math.abs(dy)>3)drag.moved=true;vb.x=drag.vx-dx*drag.s;vb.y=drag.vy-dy*drag.s;apply();});
 window.addEventListener("mouseup",function(){if(drag){svg.classList.remove("dragging");setTimeout(function(){drag=null;},0);}});
 document.getElementById("zin").addEventListener("click",function(){zoom(1/1.3,vb.x+vb.w/2,vb.y+vb.h/2);});
 document.getElementById("zout").addEventListener("click",function(){zoom(1.3,vb.x+vb.w/2,vb.y+vb.h/2);});
 document.getElementById("zreset").addEventListener("click",function(){vb={x:0,y:0,w:__W__,h:__H__};apply();});
 function el(tag,text,cls){var x=document.createElement(tag);if(text!==undefined)x.textContent=text;if(cls)x.className=cls;return x;}
 function idx(t){var i=t&&t.getAttribute?t.getAttribute("data-i"):null;return i===null?-1:parseInt(i,10);}
 svg.addEventListener("mousemove",function(e){var i=idx(e.target);if(i<0){tip.style.display="none";return;}
  var n=data.nodes[i],c=n.community<0?"なし":String(n.community+1);
  tip.textContent=n.term+"　出現 "+n.frequency+" 回・文書 "+n.document_frequency+"・コミュニティ "+c+"・次数 "+n.degree;
  var r=document.getElementById("main").getBoundingClientRect();
  tip.style.left=(e.clientX-r.left+12)+"px";tip.style.top=(e.clientY-r.top+12)+"px";tip.style.display="block";});
 svg.addEventListener("mouseleave",function(){tip.style.display="none";});
 svg.addEventListener("click",function(e){if(drag&&drag.moved)return;var i=idx(e.target);if(i<0)return;show(i);});
 function show(i){var n=data.nodes[i],k=data.kwic[String(i)];
  var old=svg.querySelectorAll("circle.sel");for(var j=0;j<old.length;j++)old[j].classList.remove("sel");
  var c=svg.querySelector('circle[data-i="'+i+'"]');if(c)c.classList.add("sel");
  while(panel.firstChild)panel.removeChild(panel.firstChild);
  panel.appendChild(el("h2",n.term));
  panel.appendChild(el("p","出現 "+n.frequency+" 回・文書頻度 "+n.document_frequency+"・次数 "+n.degree));
  if(!k||!k.lines.length){panel.appendChild(el("p","KWIC の行はありません。"));return;}
  panel.appendChild(el("p","KWIC: "+k.total+" 行中 "+k.lines.length+" 行を表示"));
  var t=el("table");
  for(var r=0;r<k.lines.length;r++){var L=k.lines[r],tr=el("tr");
   var w=el("td",L[1]+" ／ "+L[0],"who");w.colSpan=3;tr.appendChild(w);t.appendChild(tr);
   var row=el("tr");
   row.appendChild(el("td",L[2],"l"));row.appendChild(el("td",L[3],"k"));row.appendChild(el("td",L[4],"r"));
   t.appendChild(row);}
  panel.appendChild(t);}
 // a link such as network.html#標準化 opens with that term's KWIC lines
 function fromHash(){var h=decodeURIComponent(location.hash.slice(1));if(!h)return;
  for(var i=0;i<data.nodes.length;i++){if(data.nodes[i].term===h){show(i);return;}}}
 window.addEventListener("hashchange",fromHash);fromHash();
})();
"""
_JS = _JS.replace("__W__", str(_W)).replace("__H__", str(_H))

_PAGE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<div id="main">
<header><h1>{title}</h1><p>語 {n}・共起 {m}（{measure}）・円の大きさ＝出現回数・破線＝コミュニティ間・ドラッグで移動、ホイールで拡大縮小、語をクリックすると KWIC を表示</p></header>
<div id="tools"><button id="zin" title="拡大">＋</button><button id="zout" title="縮小">−</button><button id="zreset" title="元に戻す">⟲</button></div>
{svg}
<div id="tip"></div>
</div>
<aside id="panel"><h2>KWIC</h2><p>ネットワークの語をクリックすると、その語を含む発言が表示されます。</p></aside>
<script type="application/json" id="data">{data}</script>
<script>{js}</script>
</body>
</html>
"""
