"""One wording for invalid integers and choices, and choice tuples taken from the parameter table."""

import numpy as np
import pandas as pd
import pytest

from cooccur.config import PARAMS, param_choices
from cooccur.validate import check_choice, check_int


def test_check_int_accepts_whole_numbers_and_numpy_integers():
    assert check_int("top_n", 60, minimum=1) == 60
    assert check_int("top_n", np.int64(3), minimum=1) == 3
    assert check_int("seed", -5) == -5
    assert check_int("limit", None, minimum=0, none="all lines") is None


@pytest.mark.parametrize("value", [0, -1, 2.0, "3", True, None])
def test_check_int_one_wording(value):
    with pytest.raises(ValueError, match=r"^top_n must be a whole number ≥ 1, not "):
        check_int("top_n", value, minimum=1)


def test_check_int_says_what_none_means():
    with pytest.raises(ValueError, match=r"^jobs must be a whole number ≥ 1 or None \(all cores\), not 0$"):
        check_int("jobs", 0, minimum=1, none="all cores")


def test_check_choice_defaults_to_the_parameter_table():
    assert check_choice("unit", "utterance") == "utterance"
    with pytest.raises(ValueError, match=r"unknown compounds 'frequnt'; did you mean 'frequent'\? "
                                         r"Valid choices: 'off', 'all', 'frequent'"):
        check_choice("compounds", "frequnt")


def test_stage_choice_tuples_are_the_tables():
    from cooccur import engine, keywords, network, plot
    from cooccur.tokenize import sudachi, terms
    from cooccur.cooccurrence import MEASURES, UNITS
    from cooccur.read import FORMATS

    by_name = {p.name: p.choices for p in PARAMS if p.choices}
    assert MEASURES == by_name["measure"] and UNITS == by_name["unit"]
    assert FORMATS == by_name["format"]
    assert sudachi.SPLIT_MODES == by_name["split_mode"]
    assert terms.STOPWORD_PRESETS == by_name["stopwords"]
    assert keywords.KEYWORD_SCORES == by_name["keyword_score"]
    assert engine.ENGINES == by_name["engine"]
    assert network._COMMUNITIES == by_name["communities"]
    assert plot._COLOR_BY == by_name["color_by"]
    assert tuple(plot.SIZES) == by_name["size"]
    with pytest.raises(KeyError, match="no fixed choices"):
        param_choices("top_n")


def test_stages_use_the_wording():
    from cooccur.cooccurrence import count_cooccurrence
    from cooccur.kwic import concordance
    from cooccur.layout import network_layout
    from cooccur.tokenize.terms import compound_segments

    tokens = pd.DataFrame({"doc_id": ["a"] * 2, "utterance_id": [0, 0], "paragraph_id": [0, 0],
                           "sentence_id": [0, 0], "position": [0, 1], "term": ["予算", "議会"]})
    with pytest.raises(ValueError, match=r"^min_frequency must be a whole number ≥ 0 or None \(no limit\), not -2$"):
        count_cooccurrence(tokens, min_frequency=-2)
    with pytest.raises(ValueError, match=r"^top_n must be a whole number ≥ 1, not 0$"):
        count_cooccurrence(tokens, top_n=0)
    with pytest.raises(ValueError, match=r"^compound_min_frequency must be a whole number ≥ 1, not 0$"):
        compound_segments([], compounds="frequent", compound_min_frequency=0)
    with pytest.raises(ValueError, match=r"^iterations must be a whole number ≥ 1, not 0$"):
        network_layout(__import__("networkx").Graph(), iterations=0)
    utterances = pd.DataFrame({"doc_id": ["a"], "utterance_id": [0], "speaker": ["議長"], "text": ["予算議会"]})
    with pytest.raises(ValueError, match=r"^width must be a whole number ≥ 0, not -1$"):
        concordance(tokens, utterances, "予算", width=-1)
