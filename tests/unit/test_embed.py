"""The embed snippet: one escaped <iframe> whose address carries the settings, the classroom's and embed=true."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from rnnlab import embed
from rnnlab.classroom import Classroom, playground_settings, split
from rnnlab.params import parse

ROOM = Classroom(hide=("return_state", "units"), lock=("return_sequences",), reveal=True)


class _Frames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.frames: list[dict[str, str]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        (self.frames.append(dict(attrs)) if tag == "iframe" else self.other.append(tag))


def frames(html: str) -> _Frames:
    parser = _Frames()
    parser.feed(html)
    parser.close()
    return parser


def test_the_snippet_is_one_iframe_whose_address_has_the_settings_the_classroom_and_embed_true():
    src = embed.address("http://lab.example:8501/rnn/", {"units": "8", "return_state": "true"}, ROOM)
    html = embed.snippet(src, 700, "RNN Lab playground")
    read = frames(html)
    assert len(read.frames) == 1 and read.other == []
    frame = read.frames[0]
    assert frame["src"] == src and frame["width"] == "100%" and frame["height"] == "700"
    assert frame["style"] == "border:0" and frame["title"] == "RNN Lab playground"
    url = urlsplit(frame["src"])
    assert (url.scheme, url.netloc, url.path) == ("http", "lab.example:8501", "/rnn/")
    query = parse_qs(url.query)
    assert query["embed"] == ["true"]
    assert query["hide"] == ["return_state,units"] and query["lock"] == ["return_sequences"]
    room, rest, notices = split(url.query)
    assert room == ROOM and notices == ()
    assert parse(rest).notices == ()  # embed is Streamlit's: not an unknown playground parameter
    assert parse(rest).config.units == 8 and parse(rest).config.return_state


def test_without_settings_the_address_still_asks_for_embed():
    assert embed.address("http://host", {}, Classroom()) == "http://host/?embed=true"


def test_presenter_view_is_left_out_of_a_frame():
    assert "present" not in embed.address("http://host", {}, Classroom(present=True))


@pytest.mark.parametrize("title", ['"><script>alert(1)</script>', "a & b 'quoted' <i>", "\" onload=\"x()"])
def test_every_attribute_value_is_escaped_quotes_included(title):
    src = 'http://host/?units=8&x="><img src=y onerror=z>'
    html = embed.snippet(src, 800, title)
    read = frames(html)
    assert read.other == [] and len(read.frames) == 1  # nothing broke out of an attribute
    assert read.frames[0]["title"] == title and read.frames[0]["src"] == src
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert html.count('"') == 2 * len(read.frames[0])  # only the attributes' own quotes
    assert "&amp;" in html and "&quot;" in html


@pytest.mark.parametrize("asked, given", [(100, embed.MIN_HEIGHT), (10**9, embed.MAX_HEIGHT), (750, 750)])
def test_the_height_is_a_whole_number_of_pixels_within_bounds(asked, given):
    assert frames(embed.snippet("http://host/?embed=true", asked, "t")).frames[0]["height"] == str(given)


def test_a_pasted_embed_address_gives_back_its_settings_without_notices():
    src = embed.address("http://host", {"units": "8"}, ROOM)
    assert playground_settings(src) == ({"units": "8"}, ())


@pytest.mark.parametrize("pasted, problem", [
    ("http://[::1", "unknown parameter"),  # not an address: urlsplit itself refuses it
    ("&".join(["units=3"] * 150), "could not be read"),
    ("units=1000000", "outside"),
    ("<script>alert(1)</script>", "unknown parameter"),
    ("\x00\ud800", "unknown parameter"),
])
def test_garbage_pasted_gives_notices_and_defaults_never_an_exception(pasted, problem):
    settings, notices = playground_settings(pasted)
    assert settings == {} and any(problem in n.problem for n in notices)
