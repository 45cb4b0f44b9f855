"""cooccur: co-occurrence networks and keyword rankings from Japanese transcripts.

The public API is imported lazily so that ``import cooccur`` (and the CLI's
``--help``) does not pay for pandas, scikit-learn or matplotlib.

>>> import cooccur
>>> cooccur.__version__
'0.1.0'
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it. Function names differ from module names
# on purpose: importing a submodule binds its name on the package, which would
# shadow a function of the same name.
_API = {
    "read_corpus": "read",
    "Corpus": "read",
    "tokenize_utterances": "tokenize",
    "get_tokenizer": "tokenize",
    "UnitTermMatrix": "matrix",
    "build_matrix": "matrix",
    "unit_term_matrix": "matrix",
    "count_cooccurrence": "cooccurrence",
    "Cooccurrence": "cooccurrence",
    "MEASURES": "cooccurrence",
    "associated_terms": "cooccurrence",
    "build_network": "network",
    "attribute_network": "groups",
    "compare_groups": "groups",
    "distinctive_terms": "groups",
    "rank_keywords": "keywords",
    "concordance": "kwic",
    "edge_evidence": "kwic",
    "network_layout": "layout",
    "plot_network": "plot",
    "plot_keywords": "plot",
    "plot_attribute_network": "plot",
    "plot_comparison": "plot",
    "analyze": "pipeline",
    "compare": "pipeline",
    "kwic_lines": "pipeline",
    "Analysis": "pipeline",
    "correspondence": "ca",
    "correspondence_from_table": "ca",
    "correspondence_analysis": "analyses",
    "cluster_terms": "clustering",
    "parse_coding_rules": "coding",
    "read_coding_rules": "coding",
    "apply_coding_rules": "coding",
    "code_crosstab": "coding",
    "plot_correspondence": "plot_analyses",
    "plot_dendrogram": "plot_analyses",
    "plot_code_crosstab": "plot_analyses",
    "CooccurError": "errors",
    "load_config": "config",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'cooccur' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
