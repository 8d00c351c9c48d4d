"""The Playground in a real browser: what a learner sees is what the installed Keras returns."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, WebSocket, expect
from streamlit.proto.BackMsg_pb2 import BackMsg

import rnnlab
from rnnlab import figures
from rnnlab.params import parse
from rnnlab.run import run
from tests.e2e.conftest import fetched, resized, settle as settle_page

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "projector": (1920, 1080)}
TALL = 4000  # the main area scrolls inside its own container: a tall viewport shows the whole page
LINK = "return_sequences=true&return_state=true&units=8&timesteps=5"
BAD_LINK = "units=99999&foo=1&return_state=maybe"

# Every chart as {title, types, z}: z flattened (Plotly may hold it as a typed-array spec) with its shape.
CHARTS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => {
    const z = el.data[0].z;
    let values = null, shape = null;
    if (z && z._inputArray) { values = Array.from(z._inputArray); shape = String(z.shape).split(',').map(Number); }
    else if (Array.isArray(z)) { values = z.flat(); shape = [z.length, z[0].length]; }
    return {title: el.layout.title.text, types: el.data.map(t => t.type), z: values, shape: shape};
})"""


@functools.cache
def expected(query: str) -> dict:
    """What the installed Keras returns for this query, computed in the test process."""
    return rnnlab.describe(query)


def expected_rows(query: str) -> list[tuple[str, str]]:
    return [(r["name"], str(tuple(r["shape"]))) for r in expected(query)["returns"]]


def unpack_line(page: Page) -> Locator:
    return page.locator("[data-testid=stMain] [data-testid=stCode]").first


def returned_rows(page: Page) -> list[tuple[str, str]]:
    """(name, shape) for every row of the table of returned tensors."""
    rows = page.locator("[data-testid=stMain] table tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()[:2]) for i in range(rows.count())]


def output_chart(page: Page) -> dict:
    """The chart of the first returned tensor for one sample: title, trace types, z and its shape."""
    every = page.evaluate(CHARTS_JS)
    charts = [c for c in every if re.match(r"(output|whole_seq)\[", c["title"])]
    assert len(charts) == 1, f"expected one output chart among {[c['title'] for c in every]}"
    return charts[0]


def switch(page: Page, name: str) -> Locator:
    return page.locator("[data-testid=stSidebar]").get_by_role("switch", name=name)


def flip(page: Page, name: str) -> None:
    """Click a sidebar toggle by its label text, as a learner would."""
    page.locator("[data-testid=stSidebar]").get_by_text(name, exact=True).click()


def slider_value(page: Page, name: str) -> Locator:
    return page.locator(f"[data-testid=stSidebar] .st-key-{name} [data-testid=stSliderThumbValue]")


def assert_no_exception(page: Page) -> None:
    expect(page.locator("[data-testid=stException]")).to_have_count(0)


def shoot(page: Page, artifacts: Path, name: str) -> None:
    """Screenshots at laptop and projector size: the first screen, and the whole page in a tall viewport."""
    for size, (width, height) in SIZES.items():
        resized(page, width, height)
        fetched(page)  # the fonts too
        page.screenshot(path=artifacts / f"{name}-{size}.png")
        resized(page, width, TALL)
        bottom = page.evaluate("""() => Math.ceil(document.querySelector('[data-testid=stMainBlockContainer]')
            .getBoundingClientRect().bottom)""")
        if bottom > TALL:  # still taller: grow the viewport to the whole page
            resized(page, width, bottom)
        page.screenshot(path=artifacts / f"{name}-{size}-full.png",
                        clip={"x": 0, "y": 0, "width": width, "height": max(bottom, height)})
    width, height = SIZES["laptop"]
    page.set_viewport_size({"width": width, "height": height})


def test_defaults_show_the_output_keras_returns(page, open_app, artifacts):
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    open_app()
    expect(unpack_line(page)).to_have_text("output = lstm(x)")
    assert returned_rows(page) == expected_rows("")
    expect(switch(page, "return_sequences")).not_to_be_checked()
    expect(switch(page, "return_state")).not_to_be_checked()
    assert output_chart(page)["title"].startswith("output[0]")
    assert_no_exception(page)
    shoot(page, artifacts, "default")
    assert not errors, errors


def test_plotly_js_comes_gzipped_once_and_a_reload_takes_it_from_the_browser_cache(page, open_app, settle, server_url):
    import plotly

    seen = []
    page.on("response", lambda response: seen.append(response) if "plotly" in response.url else None)
    open_app()
    (response,) = seen
    assert response.url == f"{server_url}/rnnlab/plotly-{plotly.__version__}.min.js"
    headers = response.all_headers()
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip"
    page.reload()
    settle(page)
    # transferSize 0: taken from the cache without asking the server, not even for a 304
    sizes = page.evaluate("() => performance.getEntriesByType('resource')"
                          ".filter(e => e.name.includes('plotly')).map(e => e.transferSize)")
    assert sizes == [0]


def test_return_sequences_returns_the_whole_sequence(open_app, settle, artifacts):
    page = open_app()
    before = output_chart(page)
    assert before["title"].startswith("output[0]:") and before["types"] == ["bar"]

    flip(page, "return_sequences")
    expect(unpack_line(page)).to_have_text("whole_seq = lstm(x)")
    settle(page)
    expect(switch(page, "return_sequences")).to_be_checked()
    assert returned_rows(page) == expected_rows("return_sequences=true")
    after = output_chart(page)
    shape = expected("return_sequences=true")["returns"][0]["shape"]
    assert after["title"].startswith("whole_seq[0]:") and after["title"].endswith(str(tuple(shape[1:])))
    assert after["types"] == ["heatmap"]
    assert after["shape"] == [shape[2], shape[1]]  # drawn as (units, timesteps): time runs left to right
    expect(page).to_have_url(re.compile(r"[?&]return_sequences=true(&|$)"))
    assert_no_exception(page)
    shoot(page, artifacts, "flipped")


def test_a_flip_updates_the_charts_in_place(open_app, settle):
    """A changed figure is applied to the chart already on the page (Plotly.react), not drawn in a new one: the
    charts' nodes are marked before the flip and are still the same nodes, showing the new tensor, after it."""
    page = open_app()
    marked = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map((el, k) => el.mark = k)")
    assert len(marked) == 4
    flip(page, "return_sequences")
    expect(unpack_line(page)).to_have_text("whole_seq = lstm(x)")
    settle(page)
    assert output_chart(page)["title"].startswith("whole_seq[0]:")
    assert page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map(el => el.mark)") == marked


def test_return_state_adds_the_final_states(open_app, settle):
    page = open_app()
    flip(page, "return_state")
    expect(unpack_line(page)).to_have_text("output, state_h, state_c = lstm(x)")
    settle(page)
    rows = returned_rows(page)
    assert rows == expected_rows("return_state=true") and len(rows) == 3
    checks = expected("return_state=true")["checks"]
    assert "output == state_h" in {c["claim"] for c in checks}
    for check in checks:  # each identity check is shown, marked as Keras's numbers say
        line = page.locator("[data-testid=stMain] [data-testid=stMarkdown]").filter(
            has=page.locator("code", has_text=check["claim"]))
        expect(line).to_have_count(1)
        expect(line).to_contain_text("✓ holds" if check["holds"] else "✗ fails")
    expect(page).to_have_url(re.compile(r"[?&]return_state=true(&|$)"))
    assert_no_exception(page)


def test_a_shared_link_restores_the_view_and_the_numbers(open_app):
    config = expected(LINK)["config"]
    page = open_app(LINK)
    expect(switch(page, "return_sequences")).to_be_checked()
    expect(switch(page, "return_state")).to_be_checked()
    for name in ("units", "timesteps", "features", "batch"):
        expect(slider_value(page, name)).to_have_text(str(config[name]))
    assert returned_rows(page) == expected_rows(LINK)
    assert parse_qs(urlparse(page.url).query) == parse_qs(LINK)
    first = output_chart(page)
    assert first["title"].startswith("whole_seq[0]:") and first["types"] == ["heatmap"]

    second = output_chart(open_app(LINK))
    assert second["z"] == first["z"] and second["shape"] == first["shape"]
    # ... and they are the numbers Keras gives for this link in another process.
    keras_seq = run(parse(LINK).config).returns[0].value[0].T
    assert first["shape"] == list(keras_seq.shape)
    np.testing.assert_allclose(np.reshape(first["z"], keras_seq.shape), keras_seq, rtol=0, atol=1e-6)
    assert_no_exception(page)


def test_a_bad_link_names_what_it_ignored_and_falls_back(open_app, artifacts):
    page = open_app(BAD_LINK)
    notice = page.locator("[data-testid=stMain] [data-testid=stAlert]")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Some of the settings could not be used")
    for item in parse(BAD_LINK).notices:
        expect(notice).to_contain_text(str(item))
    for name in ("units", "foo", "return_state"):
        expect(notice).to_contain_text(name)
    expect(unpack_line(page)).to_have_text("output = lstm(x)")
    assert returned_rows(page) == expected_rows("")
    expect(switch(page, "return_state")).not_to_be_checked()
    expect(slider_value(page, "units")).to_have_text(str(expected("")["config"]["units"]))
    expect(page).to_have_url(re.compile(r"/$"))  # the bad settings are gone from the address bar
    assert_no_exception(page)
    page.screenshot(path=artifacts / "bad-link-laptop.png")


def test_a_combination_keras_refuses_is_explained_and_fixed_in_one_click(open_app, settle, artifacts):
    refused = "depth=2&inner_return_sequences=false"
    page = open_app(refused)
    alert = page.locator("[data-testid=stMain] [data-testid=stAlertContentError]")
    expect(alert).to_contain_text("expected ndim=3, found ndim=2")
    assert expected(refused)["refusal"]["fix"] == {"inner_return_sequences": "true"}
    shoot(page, artifacts, "refused")
    page.get_by_role("button", name="Fix it: inner_return_sequences=true").click()
    expect(alert).to_have_count(0)  # the fixed run has begun: the page held the refusal until then
    settle(page)
    assert returned_rows(page) == expected_rows("depth=2")
    assert parse_qs(urlparse(page.url).query) == {"depth": ["2"]}
    assert_no_exception(page)


def test_bidirectional_gru_shows_both_directions_and_their_states(open_app, settle, artifacts):
    link = "layer=gru&bidirectional=true&return_sequences=true&return_state=true&units=8"
    page = open_app(link)
    assert returned_rows(page) == expected_rows(link)
    expect(unpack_line(page)).to_contain_text("whole_seq, forward_h, backward_h = bi_gru(x)")
    page.locator("[data-testid=stMain]").get_by_role("combobox", name="look inside").click()
    page.keyboard.press("ArrowDown")  # opens the list, as a keyboard user would
    page.get_by_role("option", name="backward").click()
    page.wait_for_url(re.compile(r"part=1"))  # the choice has reached the server: the rerun is under way
    settle(page)
    page.wait_for_function(f"() => ({CHARTS_JS})().some(c => c.title.startsWith('h_t at every timestep (backward)'))")
    shoot(page, artifacts, "bidirectional-gru")
    assert_no_exception(page)


OPTION_LINKS = [
    "layer=simple_rnn&return_state=true",
    "go_backwards=true&return_sequences=true",
    "depth=3&return_state=true",
    "head=time_distributed&return_sequences=true&head_units=3",
    "lengths=10,7,4&mask=true&return_sequences=true",
    "stateful=true&return_state=true",
    "activation=relu",
    "bidirectional=true&merge_mode=none&return_state=true",
]


@pytest.mark.parametrize("link", OPTION_LINKS)
def test_every_option_shows_what_keras_returns(open_app, link):
    page = open_app(link)
    assert returned_rows(page) == expected_rows(link)
    names = [r["name"] for r in expected(link)["returns"] if r["name"] != "prediction"]
    expect(unpack_line(page)).to_contain_text(f"{', '.join(names)} = ")
    assert_no_exception(page)


def test_a_configuration_nobody_asked_for_is_confirmed_by_keras_on_the_page(open_app, page: Page):
    """Answered first from Keras's built model and the NumPy trace (said so on the page), then Keras's own pass."""
    open_app("units=37&seed=91&return_state=true")
    said = page.locator("[data-testid=stMain]").get_by_text(re.compile(
        "values are the NumPy recomputation|agrees with Keras|Keras's own forward pass has run"))
    expect(said.first).to_be_visible()
    confirmed = page.locator("[data-testid=stMain]").get_by_text(re.compile(
        r"(agrees with Keras: max \|difference\| =|agree with these within max \|difference\| =)"))
    expect(confirmed.first).to_be_visible(timeout=30_000)
    assert returned_rows(page) == expected_rows("units=37&seed=91&return_state=true")


def reruns_asked(page: Page) -> list:
    """Every rerun the page's browser asks the server for from now on (ClientState), timed reruns left out."""
    asked: list = []

    def watch(socket: WebSocket) -> None:
        def sent(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                msg = BackMsg.FromString(payload)
                if msg.WhichOneof("type") == "rerun_script" and not msg.rerun_script.is_auto_rerun:
                    asked.append(msg.rerun_script)
        socket.on("framesent", sent)

    page.on("websocket", watch)
    return asked


def test_a_change_reruns_the_playground_alone_and_keras_confirms_what_it_shows(open_app, page: Page):
    """A sidebar control reruns the playground's own body (one fragment), not the site's links and the app's CSS
    around it: those stay as drawn, and the new configuration's numbers are confirmed by Keras on the page."""
    asked = reruns_asked(page)
    open_app("units=29&seed=57&return_state=true")
    links = page.locator("[data-testid=stSidebar] [data-testid=stPageLink-NavLink]")
    count = links.count()
    assert count >= 8
    before = len(asked)
    page.locator("[data-testid=stSidebar]").get_by_role("button", name="New random data").click()
    expect(page).to_have_url(re.compile(r"[?&]seed=58(&|$)"))
    confirmed = page.locator("[data-testid=stMain]").get_by_text(re.compile(
        r"(agrees with Keras: max \|difference\| =|agree with these within max \|difference\| =)"))
    expect(confirmed.first).to_be_visible(timeout=30_000)
    query = urlparse(page.url).query
    assert parse_qs(query)["seed"] == ["58"] and parse_qs(query)["units"] == ["29"]
    assert returned_rows(page) == expected_rows(query)
    change = asked[before]
    assert change.fragment_id, "the change asked for the whole app's rerun"
    expect(links).to_have_count(count)  # the site's links, kept, neither lost nor drawn twice
    table = page.locator(".st-key-shapes [data-testid=stMarkdownContainer]:has(> table)").first
    assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"  # the table's own style still applies
    assert_no_exception(page)


def test_choosing_a_section_reruns_that_section_alone_and_draws_its_numbers(open_app, page: Page):
    """The section chosen under "Inside the layer" reruns its own block (not the page the sidebar's controls
    rerun), and draws the gates of the layer built, as the recomputation checked against Keras gives them."""
    asked = reruns_asked(page)
    open_app("section=states&units=6&timesteps=4")
    flip(page, "return_state")
    expect(page).to_have_url(re.compile(r"[?&]return_state=true(&|$)"))
    settle_page(page)
    page_run = asked[-1].fragment_id
    page.locator("[data-testid=stMain]").get_by_text("the gates", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]section=gates(&|$)"))
    gates = page.locator(".js-plotly-plot").filter(has_text="gates at every step")
    expect(gates).to_have_count(1)
    assert asked[-1].fragment_id and page_run and asked[-1].fragment_id != page_run
    query = urlparse(page.url).query
    config = parse(parse_qs(query)).config
    shown = [c for c in page.evaluate(CHARTS_JS) if c["title"].startswith("gates at every step")]
    keras_run = run(config)
    z = figures.gates_figure(keras_run, keras_run.parts[0], 0)["data"][0]["z"]
    assert shown[0]["shape"] == list(z.shape)
    np.testing.assert_allclose(np.reshape(shown[0]["z"], -1), z.ravel(), atol=1e-5)
    assert_no_exception(page)
