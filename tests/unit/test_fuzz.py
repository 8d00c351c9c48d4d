"""Property-based fuzzing of what learners and links feed in: the query-string codec, classroom settings and
the command line. Whatever comes in, the answer is a valid configuration with notices, or a clean exit with a
message; never an exception."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab import classroom
from rnnlab.params import PARAMS, parse, query_string, resolve, values
from tests.helpers import cli

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUMBERS = st.one_of(st.integers(), st.integers(-10, 600), st.floats(allow_nan=True, allow_infinity=True),
                    st.just(10**400))
TEXTS = st.one_of(st.text(max_size=50), st.text(min_size=200, max_size=5000),
                  NUMBERS.map(str), st.lists(NUMBERS.map(str), max_size=40).map(",".join),
                  st.sampled_from(["true", "FALSE", "on", "none", "nan", "-0", "1e9", "٣", "１２", "\x00", "%00",
                                   "<script>alert(1)</script>", "../../etc/passwd", "units=1&units=2"]))
# Lists as links write them: long (past every widget's limit), repeated, negative, huge, mixed with junk.
ENTRIES = st.one_of(st.integers(-3, 600), st.integers(), st.just(10**30), st.sampled_from(["x", "", " ", "1e9", "-0"]))
LISTS = st.one_of(st.lists(ENTRIES, max_size=60), st.lists(st.integers(0, 20), min_size=11, max_size=40),
                  st.lists(st.sampled_from([0, 1, 1, 2]), min_size=2, max_size=30)).map(lambda xs: ",".join(map(str, xs)))
LIST_PAIRS = st.lists(st.tuples(st.sampled_from(["show", "lengths", "hide", "lock", "units", "timesteps", "stateful"]),
                                st.one_of(LISTS, st.sampled_from(["4", "500", "true", "units,return_state,units"]))),
                      max_size=8)
KEYS = st.one_of(st.sampled_from(sorted(PARAMS) + list(classroom.KEYS) + ["lesson"]), st.text(max_size=30),
                 st.sampled_from(sorted(PARAMS)).map(str.upper))
PAIRS = st.lists(st.tuples(KEYS, TEXTS), max_size=30)  # repeated keys included


def assert_valid(parsed) -> None:
    """A parsed result is a configuration that is itself valid: read back, nothing is set aside; every list
    fits the widget that shows it."""
    again = resolve(values(parsed.config, parsed.view))
    assert again.notices == ()
    assert (again.config, again.view) == (parsed.config, parsed.view)
    for name, value in values(parsed.config, parsed.view).items():
        param = PARAMS[name]
        if param.kind is tuple:
            assert len(value) <= param.most, (name, value)
            assert not param.distinct or len(set(value)) == len(value), (name, value)


@EXAMPLES
@given(PAIRS)
def test_any_query_gives_a_valid_configuration_and_readable_notices(pairs):
    parsed = parse(urlencode(pairs))
    assert_valid(parsed)
    assert all(isinstance(n.problem, str) and len(n.problem) < 400 for n in parsed.notices)
    assert parse(query_string(parsed.config, parsed.view)).config == parsed.config  # a link survives the round trip


@EXAMPLES
@given(LIST_PAIRS)
def test_any_list_in_a_link_is_bounded_and_what_is_set_aside_is_named(pairs):
    query = urlencode(pairs)
    parsed = parse(query)
    assert_valid(parsed)
    asked = {key: text for key, text in pairs}  # the last value of a repeated key is the one used
    for name in ("show", "lengths"):
        if name in asked and len([e for e in asked[name].split(",") if e.strip()]) > PARAMS[name].most:
            assert any(n.problem.startswith(f"{name}:") for n in parsed.notices), (query, parsed.notices)
    room, _, notices = classroom.split(query)
    for key in ("hide", "lock"):
        names = getattr(room, key)
        assert len(names) == len(set(names)) and set(names) <= set(classroom.CONTROLS)
        if key in asked:
            wanted = [n.strip().lower() for n in asked[key].split(",") if n.strip()]
            assert set(names) == {n for n in wanted if n in classroom.CONTROLS}  # no known name is lost
    assert all(len(n.problem) < 400 for n in (*parsed.notices, *notices))


@EXAMPLES
@given(st.one_of(st.text(max_size=3000), st.binary(max_size=500).map(lambda b: b.decode("latin-1"))))
def test_any_raw_text_as_a_query_string_is_read_without_an_exception(text):
    assert_valid(parse(text))
    room, rest, _ = classroom.split(text)
    assert set(room.hide) <= set(classroom.CONTROLS) and set(room.lock) <= set(classroom.CONTROLS)
    assert isinstance(rest, dict)


@EXAMPLES
@given(st.dictionaries(KEYS, st.one_of(TEXTS, st.lists(TEXTS, max_size=5)), max_size=20))
def test_any_mapping_as_streamlit_gives_it_is_read_without_an_exception(mapping):
    assert_valid(parse(mapping))
    classroom.split(mapping)


@EXAMPLES
@given(st.lists(st.one_of(st.sampled_from(["describe", "check-lessons", "--help", "-h", "--json", "--", "-"]),
                          TEXTS), max_size=4))
def test_any_command_line_exits_cleanly_with_a_message(argv):
    argv = [arg for arg in argv if arg not in ("check-lessons", "--help", "-h")]  # slow / prints usage only
    queries = [arg for arg in argv[1:] if arg not in ("--", "--json")]  # what the command reads as its query
    if argv[:1] == ["describe"] and (not queries or not parse(queries[0]).notices):
        argv = ["describe", "units=-1"]  # a valid query would build a model: the engine tests cover those
    done = cli(*argv, here=True)
    code, printed, said = done.returncode, done.stdout, done.stderr
    assert code == 2, (argv, printed, said)
    assert "Traceback" not in said and said.strip()
