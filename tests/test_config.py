"""The parameter table, TOML configs and the did-you-mean messages."""

import pytest

from cooccur.config import DEFAULTS, PARAMS, load_config, validate_params
from cooccur.errors import ConfigError


def test_kh_coder_defaults():
    assert DEFAULTS["unit"] == "paragraph"
    assert DEFAULTS["measure"] == "jaccard"
    assert DEFAULTS["top_n"] == 60
    assert DEFAULTS["min_frequency"] is None  # automatic: about 75 terms
    assert DEFAULTS["split_mode"] == "C"


def test_every_parameter_has_help_and_unique_name():
    names = [p.name for p in PARAMS]
    assert len(names) == len(set(names))
    for p in PARAMS:
        assert p.help.strip(), p.name


def test_toml_stage_tables_and_top_level(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('unit = "sentence"\n[cooccurrence]\ntop_n = 80\nthreshold = 0.2\n[tokenize]\nextra_stopwords = ["本日"]\n',
                   encoding="utf-8")
    got = load_config(cfg)
    assert got == {"unit": "sentence", "top_n": 80, "threshold": 0.2, "extra_stopwords": ("本日",)}


def test_unknown_key_suggests_the_right_one(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("top_m = 50\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown parameter 'top_m'\. Did you mean 'top_n'\?") as info:
        load_config(cfg)
    assert info.value.path == str(cfg)


def test_bad_choice_lists_valid_choices():
    with pytest.raises(ConfigError, match=r"did you mean 'jaccard'\?.*'dice'.*'log_likelihood'"):
        validate_params({"measure": "jacard"})


@pytest.mark.parametrize("key, value", [("top_n", "60"), ("top_n", True), ("pptx", "yes"), ("threshold", "0.2")])
def test_wrong_types_are_errors(key, value):
    with pytest.raises(ConfigError, match=key):
        validate_params({key: value})


def test_invalid_toml_names_the_file(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("unit = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(cfg)


def test_config_error_is_a_value_error_and_a_cooccur_error(tmp_path):
    from cooccur.errors import CooccurError
    from cooccur.pipeline import resolve_params

    assert issubclass(ConfigError, ValueError) and issubclass(ConfigError, CooccurError)
    # a misspelt library keyword: the ValueError that invalid arguments raise, with the fix
    with pytest.raises(ValueError, match=r"unknown parameter 'mesure'\. Did you mean 'measure'\?") as info:
        resolve_params(None, mesure="dice")
    assert isinstance(info.value, ConfigError)
    with pytest.raises(ValueError, match=r"unknown unit 'sentense'; did you mean 'sentence'\?"):
        validate_params({"unit": "sentense"})
