"""The parameter table and the query-string codec: untrusted text in, a valid Config out, always."""

import pytest

from rnnlab.params import (
    MAX_LAYER_STEPS, MAX_UNIT_WORK, MAX_WORK, MAX_SEQUENCE_VALUES, MODEL_PARAMS, PARAMS, VIEW_PARAMS, Config, View, parse, query_string, resolve,
)
from rnnlab.settings import ConfigError


def test_defaults_follow_the_classic_example():
    config = parse("").config
    assert (config.batch, config.timesteps, config.features, config.units) == (32, 10, 3, 64)
    assert not config.return_sequences and not config.return_state
    assert config.layer == "lstm" and config.input == "uniform"


@pytest.mark.parametrize("text, expected", [("true", True), ("1", True), ("false", False), ("0", False),
                                            ("TRUE", True)])
def test_booleans_accept_true_false_1_0(text, expected):
    parsed = parse(f"return_sequences={text}")
    assert parsed.config.return_sequences is expected and not parsed.notices


def test_the_documented_query_string_is_read_exactly():
    query = ("layer=lstm&units=64&timesteps=10&features=3&batch=32&return_sequences=true&return_state=true"
             "&input=uniform&seed=0")
    parsed = parse(query).strict()
    assert parsed.config == Config(return_sequences=True, return_state=True)


def test_a_link_round_trips_through_the_query_string():
    parsed = parse("units=7&timesteps=20&input=sine&seed=5&return_state=1&sample=3&step=4&unit=2&show=1,5")
    again = parse(query_string(parsed.config, parsed.view))
    assert (again.config, again.view) == (parsed.config, parsed.view)
    assert again.view.show == (1, 5)


def test_defaults_are_left_out_of_the_link():
    parsed = parse("units=64&return_state=true")
    assert query_string(parsed.config, parsed.view) == "return_state=true"


@pytest.mark.parametrize("query, named", [
    ("units=0", "units"),
    ("units=513", "units"),
    ("timesteps=-3", "timesteps"),
    ("features=abc", "features"),
    ("batch=1e9", "batch"),
    ("return_state=maybe", "return_state"),
    ("input=zigzag", "input"),
    ("seed=99999999999999999999", "seed"),
    ("colour=red", "colour"),
    ("units=" + "9" * 5000, "units"),
    ("show=x", "show"),
])
def test_bad_values_fall_back_to_defaults_with_a_notice_naming_them(query, named):
    parsed = parse(query)
    assert parsed.config == Config() and parsed.view == View()
    assert any(named in str(n) for n in parsed.notices)
    with pytest.raises(ConfigError) as err:
        parsed.strict()
    assert named in str(err.value)


def test_good_values_survive_next_to_bad_ones():
    parsed = parse("units=8&timesteps=oops&return_sequences=1")
    assert parsed.config.units == 8 and parsed.config.return_sequences
    assert parsed.config.timesteps == PARAMS["timesteps"].default
    assert [n.problem.split("=")[0] for n in parsed.notices] == ["timesteps"]


def test_a_repeated_key_uses_the_last_value_and_says_so():
    parsed = parse("units=8&units=9")
    assert parsed.config.units == 9 and "more than once" in str(parsed.notices[0])


@pytest.mark.parametrize("query", ["%", "&&&", "=", "a=b=c", "units", "?units=5", "\x00=\x00",
                                   "&".join(f"k{i}=1" for i in range(500))])
def test_malformed_query_strings_never_raise(query):
    parsed = parse(query)
    assert isinstance(parsed.config, Config)


def test_mappings_as_streamlit_gives_them_are_read_too():
    parsed = parse({"units": ["8"], "return_state": "true"})
    assert parsed.config.units == 8 and parsed.config.return_state


def test_batch_is_lowered_to_keep_runs_bounded():
    parsed = parse("batch=256&timesteps=300&units=512")
    config = parsed.config
    assert config.batch * config.timesteps * config.units <= MAX_SEQUENCE_VALUES
    assert (config.batch + 1) * config.timesteps * config.units > MAX_SEQUENCE_VALUES
    assert "batch" in str(parsed.notices[0])


def test_every_size_at_its_limit_alone_is_accepted():
    for param in MODEL_PARAMS:
        if param.kind is int:
            assert not parse(f"{param.name}={param.high}").notices, param.name


def test_view_indices_are_kept_inside_the_config():
    parsed = parse("batch=4&timesteps=5&units=3&sample=9&step=7&unit=3&show=0,2,3,2")
    view = parsed.view
    assert (view.sample, view.step, view.unit, view.show) == (3, 4, 2, (0, 2))
    assert len(parsed.notices) == 5  # sample, step, unit, show's repeated 2, show's unit 3


def test_widget_values_of_the_wrong_type_fall_back():
    parsed = resolve({"units": "64", "return_state": 1, "batch": True})
    assert parsed.config == Config()
    assert len(parsed.notices) == 3


def test_the_budget_counts_every_recurrent_layer():
    parsed = parse("batch=256&timesteps=100&units=128&depth=3&bidirectional=1")
    config = parsed.config
    assert config.batch * config.timesteps * config.units * 6 <= MAX_SEQUENCE_VALUES
    assert "recurrent layers (6)" in str(parsed.notices[0])


def test_lengths_cannot_exceed_timesteps_and_stateful_chunks_are_not_padded():
    parsed = parse("timesteps=5&lengths=9,3")
    assert parsed.config.lengths == (5, 3) and "timesteps=5" in str(parsed.notices[0])
    parsed = parse("stateful=1&lengths=4")
    assert parsed.config.lengths == () and "lengths" in str(parsed.notices[0])


def test_the_part_looked_at_exists():
    assert parse("depth=2&bidirectional=1&part=3").view.part == 3
    assert parse("depth=2&part=3").view.part == 1


@pytest.mark.parametrize("value, on", [(True, True), (False, False), ((), False), ((3,), True), ("none", False),
                                       ("dense", True), (1, False), (2, True)])
def test_is_on(value, on):
    from rnnlab.settings import is_on
    assert is_on(value) is on


def test_every_dependent_parameter_names_an_existing_one():
    assert all(p.needs in PARAMS for p in MODEL_PARAMS if p.needs)


@pytest.mark.parametrize("query", ["units=512&timesteps=500&depth=3&bidirectional=1",
                                   "units=512&timesteps=500&stateful=1&depth=3&bidirectional=1",
                                   "units=300&timesteps=400&lengths=400,300,200,100&mask=1&depth=2"])
def test_the_sequential_work_of_a_run_is_bounded(query):
    parsed = parse(query)
    c = parsed.config
    runs = c.layers * c.passes
    assert c.units * runs <= MAX_UNIT_WORK
    assert c.timesteps * runs <= MAX_LAYER_STEPS and c.timesteps * c.units * runs <= MAX_WORK
    assert parsed.notices and all(n.outcome.startswith("using ") for n in parsed.notices)


def test_every_option_works_at_default_sizes():
    for query in ["depth=3&bidirectional=1&stateful=1", "depth=3&bidirectional=1&lengths=10,9,8,7,6,5,4&mask=1"]:
        assert not parse(query).notices, query


@pytest.mark.parametrize("query, kept, named", [
    ("show=" + ",".join(map(str, range(16))), tuple(range(10)), "10, 11, 12 and 3 more were set aside"),
    ("show=1,x,2", (1, 2), "'x' is not a whole number"),
    ("show=5,5,5,6", (5, 6), "5 listed more than once"),
    ("show=-1,3", (3,), "-1 is not a whole number in 0..511"),
    ("show=99999999999999999999999999,2", (2,), "is not a whole number in 0..511"),
    ("lengths=" + ",".join(["9"] * 20), (9,) * 16, "at most 16 entries"),
    ("lengths=-1,7,0,abc,4", (7, 4), "-1, 0, 'abc' are not whole numbers in 1..500"),
    ("lengths=" + ",".join(["4"] * 5000), (4,) * 16, "and the rest were set aside"),
])
def test_a_list_keeps_its_first_allowed_entries_and_names_what_was_set_aside(query, kept, named):
    parsed = parse(query)
    name = query.split("=")[0]
    assert getattr(parsed.config if name == "lengths" else parsed.view, name) == kept
    notice = next(n for n in parsed.notices if n.problem.startswith(f"{name}:"))
    assert named in notice.problem and len(notice.problem) < 400
    assert notice.outcome == f"using {name}={PARAMS[name].format(kept)}"
    with pytest.raises(ConfigError):
        parsed.strict()


def test_every_list_in_the_table_is_bounded_where_its_widget_is():
    """The widgets allow no more entries than the table: a link cannot ask for more than a widget holds."""
    assert PARAMS["show"].most == 10 and PARAMS["show"].distinct
    for param in PARAMS.values():
        if param.kind is tuple:
            too_many = ",".join(str(param.low + k % 2) for k in range(param.most + 1))
            value = getattr(parse(f"{param.name}={too_many}&units=512&timesteps=500").view
                            if param in VIEW_PARAMS else parse(f"{param.name}={too_many}").config, param.name)
            assert len(value) <= param.most, param.name
            with pytest.raises(ValueError):
                param.check(tuple(range(param.low, param.low + param.most + 1)))


def test_widget_values_that_are_lists_are_fitted_too():
    parsed = resolve({"show": list(range(12)), "lengths": "10,7,abc"})
    assert parsed.view.show == tuple(range(10)) and parsed.config.lengths == (10, 7)
    assert len(parsed.notices) == 2
