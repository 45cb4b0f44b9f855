"""The one table of cooccur's parameters, shared by the library, TOML files and the CLI.

Every parameter is a keyword-only argument of a library function, the same key in
a ``--config`` TOML file and ``--the-same-name`` on the command line. This module
imports nothing heavy so that ``cooccur --help`` stays fast.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["Param", "PARAMS", "DEFAULTS", "param_choices", "load_config", "validate_params"]


@dataclass(frozen=True)
class Param:
    """One parameter: its name, default, allowed values and help text."""

    name: str
    default: Any
    help: str
    stage: str
    choices: tuple | None = None
    type: type | None = None
    multiple: bool = False
    cli: bool = True
    extra: dict = field(default_factory=dict)


_P = Param
PARAMS: tuple[Param, ...] = (
    # --- read
    _P("format", "auto", "Input format; 'auto' detects it per file.", "read",
       choices=("auto", "minutes", "colon", "interview", "timestamped", "csv", "tsv", "xlsx", "vtt", "srt", "docx",
                "pdf", "html", "text")),
    _P("encoding", "auto", "Input encoding; 'auto' detects UTF-8/UTF-16 (BOM)/CP932/EUC-JP per file.", "read", type=str),
    _P("text_column", None, "Spreadsheet column holding the remarks (default: detected, e.g. 発言内容/text).", "read", type=str),
    _P("speaker_column", None, "Spreadsheet column holding the speaker (default: detected, e.g. 発言者/speaker).", "read", type=str),
    _P("sheet", None, "Worksheet of .xlsx workbooks to read: its name or number (1 = first); "
       "default: the first sheet with a remark column.", "read", type=str),
    _P("metadata", (), "Sidecar metadata table (CSV/TSV) with a 'file' and/or 'speaker' column; repeatable. "
       "metadata.csv / speakers.csv at the input root are used automatically.", "read", type=str, multiple=True),
    # --- speakers (cooccur/speakers.py)
    _P("chair", "auto", "Presiding officers' turns (議長, 委員長 …: procedure and read-out lists): excluded in "
       "minutes-format documents (auto), in every document (exclude), or kept (keep).", "speakers",
       choices=("auto", "exclude", "keep")),
    _P("exclude_speakers", (), "Exclude the turns of these speakers: a label, role or name, or a pattern with * "
       "and ?; repeatable.", "speakers", type=str, multiple=True),
    _P("include_preamble", False, "Analyse text before the first speaker mark too (excluded by default).", "read", type=bool),
    # --- tokenize / terms
    _P("split_mode", "C", "SudachiPy split mode.", "tokenize", choices=("A", "B", "C")),
    _P("pos", ("名詞", "動詞", "形容詞", "形状詞", "副詞"), "Parts of speech counted as terms (prefixes of the SudachiPy POS).",
       "tokenize", type=str, multiple=True),
    _P("stopwords", "minutes", "Built-in stopword preset.", "tokenize", choices=("minutes", "none")),
    _P("extra_stopwords", (), "More stopwords: a word, or a text file with one per line; repeatable.", "tokenize", type=str, multiple=True),
    _P("forced_terms", (), "Terms never split: a word, or a text file with one per line; repeatable.", "tokenize", type=str, multiple=True),
    _P("synonyms", None, "Synonym table (CSV/TSV: variant, canonical).", "tokenize", type=str),
    _P("compounds", "frequent", "Join runs of nouns/prefixes/suffixes: off, all runs, or only frequent compounds.", "tokenize",
       choices=("off", "all", "frequent")),
    _P("compound_min_frequency", 3, "With compounds=frequent: occurrences a compound needs to be kept whole.", "tokenize", type=int),
    _P("function_expressions", True, "Do not count the words of function expressions (において, とともに, に向けて …) "
       "and, with the minutes preset, of the formulas of minutes (見解を求めます, お答えいたします …).",
       "tokenize", type=bool),
    _P("speaker_stopwords", True, "Do not count speakers' names and titles (from the speaker column) as terms.",
       "tokenize", type=bool),
    _P("jobs", None, "Worker threads for tokenizing (default: all cores).", "tokenize", type=int),
    _P("workers", "threads", "How --jobs tokenize: threads, or processes forked after the dictionary is loaded "
       "(sharing it; not held back by Python's GIL). Processes need fork (Linux) and fall back to threads "
       "elsewhere (macOS, Windows) or beside other threads. The tokens are the same either way.", "tokenize",
       choices=("threads", "processes")),
    # --- cooccurrence
    _P("unit", "paragraph", "Co-occurrence unit.", "cooccurrence", choices=("sentence", "paragraph", "utterance", "document")),
    _P("measure", "jaccard", "Association measure used to select edges.", "cooccurrence",
       choices=("jaccard", "dice", "simpson", "cosine", "npmi", "lift", "log_likelihood")),
    _P("selection", "salience", "How the network's candidate terms are chosen: the about 75 most salient terms "
       "(frequency boosted by how a term clusters in some turns; cooccur.dispersion), or KH Coder's rule "
       "(every term above a minimum frequency chosen so that about 75 qualify).", "cooccurrence",
       choices=("salience", "frequency")),
    _P("min_frequency", None, "Minimum occurrences of a term (default: automatic, about 75 terms).", "cooccurrence", type=int),
    _P("max_frequency", None, "Maximum occurrences of a term.", "cooccurrence", type=int),
    _P("min_document_frequency", 1, "Minimum number of units containing a term.", "cooccurrence", type=int),
    _P("max_document_frequency", None, "Maximum number of units containing a term.", "cooccurrence", type=int),
    _P("top_n", 60, "Keep the N strongest edges (ties with the N-th kept).", "cooccurrence", type=int),
    _P("threshold", None, "Keep edges whose measure is at least this value (instead of --top-n).", "cooccurrence", type=float),
    # --- network
    _P("communities", "greedy", "Community detection.", "network", choices=("greedy", "louvain")),
    _P("seed", 0, "Random seed for communities and layout.", "network", type=int),
    _P("group_by", None, "Metadata column for the word-attribute network, distinctive terms and comparisons.", "network", type=str),
    # analysis area (issue 11): groups drawn in the word-attribute network
    _P("max_groups", 15, "Word-attribute network: draw the N groups with the most analysed units; the rest are "
       "listed in attribute_groups.csv and the figure's caption.", "network", type=int),
    # --- keywords
    _P("keyword_score", "salience", "Score that ranks keywords.csv (salience: frequency boosted by clustering, "
       "see cooccur.dispersion).", "keywords",
       choices=("salience", "tfidf", "frequency", "document_frequency", "log_likelihood", "flr", "degree", "betweenness")),
    # --- analyses: correspondence analysis, term clusters, coding rules (issue 13; KH Coder's other analyses)
    _P("ca_matrix", "group", "Correspondence analysis of terms x the --group-by values (group) or x documents.",
       "analyses", choices=("group", "document")),
    _P("ca_terms", 60, "Correspondence analysis: the candidate terms with the largest chi2 over the groups; 0 = all.",
       "analyses", type=int),
    _P("ca_scaling", "standard", "Correspondence figure: standard coordinates (KH Coder's default), symmetric "
       "(principal) or biplot (standard x sqrt(singular value)).", "analyses",
       choices=("standard", "symmetric", "biplot")),
    _P("ca_zoom_origin", False, "Correspondence figure: stretch the area near the origin (radial log scale).",
       "analyses", type=bool),
    _P("ca_label_top", 0, "Correspondence figure: label only the N terms farthest from the origin; 0 = all.",
       "analyses", type=int),
    _P("ca_bubbles", True, "Correspondence figure: term circles sized by frequency.", "analyses", type=bool),
    _P("clusters", True, "Write clusters.csv and dendrogram.png (hierarchical clustering of the candidate terms).",
       "analyses", type=bool),
    _P("cluster_distance", "jaccard", "Term clustering: 1 - this coefficient on presence per unit.", "analyses",
       choices=("jaccard", "dice", "simpson", "cosine")),
    _P("cluster_method", "ward", "Term clustering: linkage (ward = R's ward.D2).", "analyses",
       choices=("ward", "average", "complete")),
    _P("n_clusters", None, "Term clustering: number of clusters (default: round(sqrt(number of terms))).",
       "analyses", type=int),
    _P("coding_rules", None, "KH Coder coding-rule file: writes codes.csv, code_units.csv and with --group-by "
       "code_crosstab.csv.", "analyses", type=str),
    # --- plot / export
    _P("color_by", "community", "Node colours.", "plot", choices=("community", "degree", "betweenness", "eigenvector", "none")),
    _P("size", "slide16x9", "Figure size.", "plot", choices=("slide16x9", "slide4x3", "a4")),
    _P("dpi", 200, "PNG resolution.", "plot", type=int),
    _P("transparent", False, "Transparent figure background.", "plot", type=bool),
    _P("edge_labels", False, "Print the coefficient on each edge.", "plot", type=bool),
    _P("mst", False, "Highlight the minimum spanning tree.", "plot", type=bool),
    # analysis area (issue 11): SVG text as outlines or editable text
    _P("svg_text", "outlines", "SVG text as glyph outlines (renders anywhere) or editable <text> naming the font "
       "(for Illustrator/PowerPoint; needs IPAex Gothic where opened).", "plot", choices=("outlines", "editable")),
    _P("formats", ("png", "svg", "pdf", "graphml", "gexf", "json", "html", "report"),
       "Outputs to write besides the tables.", "export",
       choices=("png", "svg", "pdf", "graphml", "gexf", "json", "html", "report"), multiple=True),
    _P("tables", "parquet", "File type of the utterances/tokens tables.", "export", choices=("parquet", "csv")),
    _P("pptx", False, "Also write slides.pptx (16:9).", "export", type=bool),
    # --- engine
    _P("engine", "local", "Where reading, tokenizing and pair counting run: here, or on a Dask cluster.", "engine",
       choices=("local", "dask")),
    _P("tokens_in_memory", "auto", "Keep every token row in memory, or (lean) stream the tokens table to the output folder "
       "and keep only counted terms and one row per sentence; auto: lean above 5 million characters.", "engine",
       choices=("auto", "all", "lean")),
    _P("scheduler", None, "With --engine dask: the Dask scheduler address (tcp://HOST:8786).", "engine", type=str),
)

DEFAULTS: dict[str, Any] = {p.name: p.default for p in PARAMS}
_BY_NAME = {p.name: p for p in PARAMS}


def param_choices(name: str) -> tuple:
    """The allowed values of the parameter ``name``, in the table's order.

    Stages take their choice tuples from here, so a choice is added in one place.

    >>> param_choices("unit")
    ('sentence', 'paragraph', 'utterance', 'document')
    """
    choices = _BY_NAME[name].choices
    if choices is None:
        raise KeyError(f"parameter {name!r} has no fixed choices")
    return choices


def _did_you_mean(key: str) -> str:
    close = difflib.get_close_matches(key, list(_BY_NAME), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def validate_params(params: dict[str, Any], *, source: str = "parameters") -> dict[str, Any]:
    """Check names, choices and types; return a new dict with values normalised.

    Raises
    ------
    ConfigError
        For an unknown key (with a did-you-mean suggestion), a value outside the
        choices, or a value of the wrong type.
    """
    out: dict[str, Any] = {}
    for key, value in params.items():
        p = _BY_NAME.get(key)
        if p is None:
            raise ConfigError(f"unknown parameter {key!r}.{_did_you_mean(key)} "
                              f"Valid keys: {', '.join(sorted(_BY_NAME))}", path=source)
        if value is None:
            out[key] = None
            continue
        values = list(value) if p.multiple and isinstance(value, (list, tuple)) else [value]
        if p.multiple and isinstance(value, str):
            values = [value]
        checked = []
        for v in values:
            if p.choices is not None:
                if v not in p.choices:
                    from .errors import choices_message
                    raise ConfigError(choices_message(key, v, p.choices), path=source)
            elif p.type is bool:
                if not isinstance(v, bool):
                    raise ConfigError(f"{key} must be true or false, not {v!r}", path=source)
            elif p.type is int:
                if isinstance(v, bool) or not isinstance(v, int):
                    raise ConfigError(f"{key} must be a whole number, not {v!r}", path=source)
            elif p.type is float:
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    raise ConfigError(f"{key} must be a number, not {v!r}", path=source)
                v = float(v)
            elif p.type is str:
                if not isinstance(v, str):
                    raise ConfigError(f"{key} must be a string, not {v!r}", path=source)
            checked.append(v)
        out[key] = tuple(checked) if p.multiple else checked[0]
    return out


def load_config(path: str | Path) -> dict[str, Any]:
    """Read a TOML file holding the same keywords as the library and the CLI.

    Keys may be given at the top level or in tables named after stages
    (``[cooccurrence]``, ``[plot]``, ...); either way they must be known
    parameter names.
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError("config file not found; check the --config path", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=str(path)) from None
    stages = {p.stage for p in PARAMS}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in stages:
            flat.update(value)
        else:
            flat[key] = value
    return validate_params(flat, source=str(path))
