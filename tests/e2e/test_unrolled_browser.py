"""The unrolled picture in a real browser: it follows every flag, plays without the server, keeps its colours."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

import rnnlab
from rnnlab import colours
from tests.e2e.conftest import resized
from tests.e2e.test_playground_browser import assert_no_exception, flip

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}
PICTURE = "[...document.querySelectorAll('.js-plotly-plot')].find(e => e.layout.title.text.includes(' unrolled over '))"
# The picture's labels of returned tensors (name, shape, colour), and where play stands.
LABELS_JS = f"""() => {PICTURE}.layout.annotations.map(a => a.text.match(/^<b>([a-z_]+)<\\/b><br>(\\(.*\\))$/) ? 
    [a.text.replace(/<[^>]+>/g, ' ').trim().replace(/\\s+/g, ' '), a.font.color] : null).filter(Boolean)"""
NOW_JS = f"""() => {{ const el = {PICTURE};
    return {{active: el._fullLayout.sliders[0].active, text: el.data.find(t => t.name === 'now' && t.text).text
        .filter(Boolean)}}; }}"""
STOPPED_JS = f"""() => {{ const play = {PICTURE}._transitionData;
    return !play._animationRaf && !play._frameQueue.length; }}"""
OPTIONS = {
    "lstm": "return_sequences=true&return_state=true",
    "gru": "layer=gru&return_sequences=true&return_state=true",
    "simple_rnn": "layer=simple_rnn&return_state=true",
    "go_backwards": "go_backwards=true&return_sequences=true&return_state=true",
    "bidirectional": "bidirectional=true&return_sequences=true&return_state=true",
    "bidirectional-sum": "bidirectional=true&merge_mode=sum&return_state=true&timesteps=5",
    "stacked": "depth=3&return_state=true",
    "masked": "lengths=10,7,4&mask=true&return_sequences=true&sample=2",
    "head": "head=time_distributed&return_sequences=true&head_units=3",
    "head-last": "head=dense&head_units=2",
}


def picture_labels(page: Page) -> list[list[str]]:
    return sorted(page.evaluate(LABELS_JS))


def expected_labels(query: str) -> list[list[str]]:
    """What the installed Keras returns for query, as the picture should label it: name, shape, colour."""
    return sorted([f"{r['name']} {tuple(r['shape'])}", colours.tensor_colour(r["name"])]
                  for r in rnnlab.describe(query)["returns"])


def wait_for_query(page: Page, name: str, value: str) -> None:
    page.wait_for_url(re.compile(rf"[?&]{name}={value}(&|$)"))


def test_the_picture_follows_each_flag(open_app, settle):
    page = open_app()
    assert picture_labels(page) == expected_labels("")
    flip(page, "return_sequences")
    wait_for_query(page, "return_sequences", "true")
    settle(page)
    assert picture_labels(page) == expected_labels("return_sequences=true")
    flip(page, "return_state")
    wait_for_query(page, "return_state", "true")
    settle(page)
    assert picture_labels(page) == expected_labels("return_sequences=true&return_state=true")
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Stacks, directions, activation").click()
    for name, query in (("bidirectional", "return_sequences=true&return_state=true&bidirectional=true"),
                        ("go_backwards", "return_sequences=true&return_state=true&go_backwards=true")):
        before = picture_labels(page)
        flip(page, name)
        wait_for_query(page, name, "true")
        settle(page)
        if name == "go_backwards":  # the last one stays on: read order is the only change, said in the row
            assert picture_labels(page) == expected_labels(query)
            labels = page.evaluate(f"() => {PICTURE}.data.filter(t => t.name === 'labels').flatMap(t => t.text)")
            assert "← LSTM" in labels and "LSTM →" not in labels
        else:
            assert picture_labels(page) == expected_labels(query) != before
            flip(page, name)
            page.wait_for_url(lambda url: f"{name}=true" not in url)
            settle(page)
    assert_no_exception(page)


@pytest.mark.parametrize("option", OPTIONS)
def test_every_layer_option_is_drawn_with_what_keras_returns(open_app, artifacts, option):
    query = OPTIONS[option]
    page = open_app(query)
    assert picture_labels(page) == expected_labels(query)
    assert_no_exception(page)
    for size, (width, height) in SIZES.items():
        resized(page, width, height)
        page.screenshot(path=artifacts / f"unrolled-{option}-{size}-{width}x{height}.png")


def test_play_moves_the_timestep_in_the_browser_without_the_server(open_app, page: Page):
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_app("return_sequences=true&timesteps=12&play=true")  # the play controls, asked for by link
    assert page.evaluate(NOW_JS) == {"active": 0, "text": ["t=0"]}
    before = len(sent)
    button = page.locator(".updatemenu-button")
    button.filter(has_text="step ▶").click()
    button.filter(has_text="step ▶").click()
    page.wait_for_function(f"() => ({NOW_JS})().active === 2")
    button.filter(has_text="◀ step").click()
    page.wait_for_function(f"() => ({NOW_JS})().active === 1")
    button.filter(has_text="▶ 4×").click()
    page.wait_for_function(f"() => ({NOW_JS})().active >= 6")
    button.filter(has_text="❚❚ pause").click()
    page.wait_for_function(STOPPED_JS)  # Plotly has no frame queued and none scheduled: nothing will move it
    paused = page.evaluate(NOW_JS)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate(STOPPED_JS) and page.evaluate(NOW_JS) == paused and paused["text"] == [f"t={paused['active']}"]
    button.filter(has_text="▶ 4×").click()
    page.wait_for_function(f"() => ({NOW_JS})().active === 11")
    assert len(sent) == before, "playing sent messages to the server"


def test_the_colour_choice_survives_a_reload_by_link(open_app, settle, page: Page):
    open_app("return_sequences=true")
    page.locator(".st-key-colours").get_by_text("cividis").click()
    wait_for_query(page, "colours", "cividis")
    settle(page)
    scale = f"() => {PICTURE}.data.find(t => t.name === 'h in each cell').marker.colorscale.map(s => s[1])"
    assert page.evaluate(scale) == [s[1] for s in colours.SCHEMES["cividis"].diverging]
    page.reload()
    settle(page)
    expect(page.locator(".st-key-colours").get_by_role("radio", name="cividis")).to_be_checked()
    assert page.evaluate(scale) == [s[1] for s in colours.SCHEMES["cividis"].diverging]
    heatmaps = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(el => el.data.filter(t => t.type === 'heatmap').map(t => t.colorscale.map(s => s[1])))""")
    assert heatmaps and all(h == [s[1] for s in colours.SCHEMES["cividis"].diverging] for h in heatmaps)


CALLS_JS = f"""() => {{ const el = {PICTURE};
    return {{second: el.layout.annotations.filter(a => a.text.startsWith('<b>call 2: '))
                 .map(a => a.text.replace(/<[^>]+>/g, ' ').trim().replace(/\\s+/g, ' ')),
             carried: el.data.filter(t => t.name === 'state carried into call 2').length,
             cells: el.data.filter(t => t.name === 'call 2: h in each cell').length}}; }}"""


def test_a_stateful_picture_shows_the_next_call_and_keeps_playing(open_app, page: Page):
    query = "stateful=true&return_sequences=true&return_state=true&play=true"
    page = open_app(query)
    assert picture_labels(page) == expected_labels(query)  # the first call, as before
    calls = page.evaluate(CALLS_JS)
    assert sorted(calls["second"]) == sorted(f"call 2: {r['name']} {tuple(r['shape'])}"
                                             for r in rnnlab.describe(query)["returns"])
    assert calls["carried"] == 1 and calls["cells"] == 1
    page.locator(".updatemenu-button").filter(has_text="▶ 8×").click()
    page.wait_for_function(f"() => ({NOW_JS})().active === 9")
    assert page.evaluate(CALLS_JS) == calls  # playing leaves the next call drawn
    assert_no_exception(page)
