"""Property-based fuzzing of what learners and links feed in: the query-string codec, classroom settings and
the command line. Whatever comes in, the answer is a valid configuration with notices, or a clean exit with a
message; never an exception."""

from __future__ import annotations

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnlab import classroom
from rnnlab.params import PARAMS, parse, query_string, resolve, values
from tests.conftest import run_cli

EXAMPLES = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUMBERS = st.one_of(st.integers(), st.integers(-10, 600), st.floats(allow_nan=True, allow_infinity=True),
                    st.just(10**400))
TEXTS = st.one_of(st.text(max_size=50), st.text(min_size=200, max_size=5000),
                  NUMBERS.map(str), st.lists(NUMBERS.map(str), max_size=40).map(",".join),
                  st.sampled_from(["true", "FALSE", "on", "none", "nan", "-0", "1e9", "٣", "１２", "\x00", "%00",
                                   "<script>alert(1)</script>", "../../etc/passwd", "units=1&units=2"]))
KEYS = st.one_of(st.sampled_from(sorted(PARAMS) + list(classroom.KEYS) + ["lesson"]), st.text(max_size=30),
                 st.sampled_from(sorted(PARAMS)).map(str.upper))
PAIRS = st.lists(st.tuples(KEYS, TEXTS), max_size=30)  # repeated keys included


def assert_valid(parsed) -> None:
    """A parsed result is a configuration that is itself valid: read back, nothing is set aside."""
    again = resolve(values(parsed.config, parsed.view))
    assert again.notices == ()
    assert (again.config, again.view) == (parsed.config, parsed.view)


@EXAMPLES
@given(PAIRS)
def test_any_query_gives_a_valid_configuration_and_readable_notices(pairs):
    parsed = parse(urlencode(pairs))
    assert_valid(parsed)
    assert all(isinstance(n.problem, str) and len(n.problem) < 400 for n in parsed.notices)
    assert parse(query_string(parsed.config, parsed.view)).config == parsed.config  # a link survives the round trip


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
    if argv[:1] == ["describe"] and (len(argv) < 2 or not parse(argv[1]).notices):
        argv = ["describe", "units=-1"]  # a valid query would build a model: the engine tests cover those
    code, printed, said = run_cli(argv)
    assert code == 2, (argv, printed, said)
    assert "Traceback" not in said and said.strip()
