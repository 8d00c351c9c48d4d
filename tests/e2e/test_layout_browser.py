"""The playground's charts and shapes as they land on a screen: on a laptop, on a projector in the presenter view,
and on a phone, nothing is cut off, broken across lines, or drawn over something else."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import charts_fit, settle

pytestmark = pytest.mark.browser

SIZES = {"laptop": (1366, 768), "projector": (1920, 1080)}
PHONE = (390, 844)
EVERYTHING = "return_sequences=true&return_state=true"  # three returned tensors, a sequence among them
SLACK = 1  # px: rounding of fractional layout

# Every chart's own box, the box of what Plotly drew (its SVG, which may be wider than the box), and the main
# area's box, in the viewport's pixels.
BOXES_JS = """() => {
    const box = el => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const main = document.querySelector('[data-testid=stMain]');
    return [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
        title: el.layout.title.text,
        chart: box(el),
        drawn: box(el.querySelector('.main-svg')),
        holder: box(el.parentElement),
        main: box(main),
        font: el._fullLayout.font.size,
        width: innerWidth,
    }));
}"""


def open_at(browser, server_url: str, query: str, width: int, height: int) -> Page:
    """A fresh page of that size on the playground with that query, settled on Keras's own numbers and with
    every chart drawn at its final width."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server_url}/?{query}")
    settle(page)
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].every(el =>
        Math.abs(el.querySelector('.main-svg').getBoundingClientRect().width
                 - el.parentElement.getBoundingClientRect().width) < 2
        || el.querySelector('.main-svg').getBoundingClientRect().width > innerWidth)""")
    charts_fit(page)
    return page


def overflowing(page: Page) -> list[str]:
    """Charts whose box or drawing reaches past the main area or the screen, on either side."""
    wrong = []
    for c in page.evaluate(BOXES_JS):
        right = min(c["main"]["right"], c["width"]) + SLACK
        for what in ("chart", "drawn"):
            if c[what]["right"] > right or c[what]["left"] < c["main"]["left"] - SLACK:
                wrong.append(f"{c['title']!r}: {what} spans {c[what]['left']:.0f}-{c[what]['right']:.0f} px, "
                             f"the screen {c['main']['left']:.0f}-{right:.0f}")
        if c["drawn"]["bottom"] > c["holder"]["bottom"] + SLACK:  # drawn over whatever comes next
            wrong.append(f"{c['title']!r}: drawn down to {c['drawn']['bottom']:.0f} px, its place ends at "
                         f"{c['holder']['bottom']:.0f}")
    return wrong


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("present", [True, False], ids=["presenter", "plain"])
def test_every_chart_fits_the_screen_in_the_presenter_view_and_out_of_it(browser, server_url, artifacts, size,
                                                                         present):
    width, height = SIZES[size]
    for section in ("states", "gates", "step", "weights"):  # the page draws one section at a time
        query = f"section={section}" + ("&present=true" if present else "")
        page = open_at(browser, server_url, query, width, height)
        boxes = page.evaluate(BOXES_JS)
        # the unrolled layer, input, output, the section's chart (one timestep up close: and its cell)
        assert len(boxes) == 4 + (section == "step"), [b["title"] for b in boxes]
        assert not overflowing(page), (section, overflowing(page))
        if present:  # still larger than the plain view: the page zoomed, the charts larger by their own layout
            zoom = page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stMain]')).zoom")
            assert float(zoom) > 1.2
            assert all(b["font"] >= 1.4 * 15 - 0.01 for b in boxes), [b["font"] for b in boxes]
        page.screenshot(path=artifacts / f"layout-{'presenter' if present else 'plain'}-{size}-{section}.png")
        page.context.close()


@pytest.fixture(scope="module", params=["states", "gates", "step", "weights"])
def phone(browser, server_url, request):
    """The playground on a phone with three returned tensors, each section of the page in turn."""
    page = open_at(browser, server_url, f"{EVERYTHING}&section={request.param}", *PHONE)
    yield page
    page.context.close()


def test_on_a_phone_no_chart_reaches_past_the_screen(phone, artifacts):
    assert not overflowing(phone), overflowing(phone)
    phone.screenshot(path=artifacts / "layout-phone.png")


def test_on_a_phone_a_shape_is_never_broken_across_lines(phone):
    """An inline element broken across lines has one box per line."""
    shapes = phone.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const cells = [...main.querySelectorAll('table tbody tr td:nth-child(2) code')];
        const input = [...main.querySelectorAll('p code')].filter(c => /^\\(\\d+(, \\d+)*,?\\)$/.test(c.innerText));
        return [...cells, ...input].map(c => {
            const lines = c.getClientRects().length;
            const height = c.getBoundingClientRect().height;
            const line = parseFloat(getComputedStyle(c).lineHeight) || 1.6 * parseFloat(getComputedStyle(c).fontSize);
            return {text: c.innerText, lines, height, line};
        });
    }""")
    assert len(shapes) == 4, shapes  # whole_seq, state_h, state_c, and the input's shape
    for shape in shapes:
        assert shape["lines"] == 1 and shape["height"] <= 1.5 * shape["line"], shape
    table = phone.evaluate("""() => { const table = document.querySelector('[data-testid=stMain] table');
        const box = table.parentElement;
        return {right: table.getBoundingClientRect().right, room: box.getBoundingClientRect().right,
                scrolls: ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)}; }""")
    assert table["right"] <= table["room"] + SLACK or table["scrolls"], table  # the table is not cut off


def test_on_a_phone_titles_and_labels_are_whole_and_apart(phone):
    charts = phone.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(el => {
        const box = e => { const r = e.getBoundingClientRect();
                           return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent}; };
        return {
            title: el.layout.title.text,
            chart: box(el),
            titles: [...el.querySelectorAll('.gtitle, .gtitle-subtitle')].map(box),
            labels: [...el.querySelectorAll('.annotation-text')].map(box),
        };
    })""")
    if "section=gates" in phone.url:
        assert any(c["title"].startswith("gates at every step") for c in charts)
    for chart in charts:
        assert chart["titles"], chart["title"]
        for text in chart["titles"] + chart["labels"]:  # not cut at either side
            assert chart["chart"]["left"] - SLACK <= text["left"], (chart["title"], text)
            assert text["right"] <= min(chart["chart"]["right"], PHONE[0]) + SLACK, (chart["title"], text)
        labels = chart["labels"]
        for k, one in enumerate(labels):  # the gate titles (and every other label) never print over each other
            for other in labels[k + 1:]:
                apart = (one["right"] <= other["left"] + SLACK or other["right"] <= one["left"] + SLACK
                         or one["bottom"] <= other["top"] + SLACK or other["bottom"] <= one["top"] + SLACK)
                assert apart, (chart["title"], one, other)


def test_on_a_phone_no_toolbar_covers_a_title(phone):
    charts = phone.locator(".js-plotly-plot")
    for k in range(charts.count()):
        chart = charts.nth(k)
        chart.scroll_into_view_if_needed()
        chart.hover(position={"x": 30, "y": 20}, force=True)  # near the title: Plotly shows its toolbar on hover
        covered = chart.evaluate("""(el) => {
            const t = el.querySelector('.gtitle').getBoundingClientRect();
            return [...el.querySelectorAll('.modebar')].map(m => m.getBoundingClientRect()).filter(m =>
                m.width > 0 && m.height > 0 && m.left < t.right && t.left < m.right && m.top < t.bottom
                && t.top < m.bottom).length;
        }""")
        assert covered == 0, chart.evaluate("el => el.layout.title.text")


def test_on_a_phone_the_unit_update_is_wrapped_not_cut(phone):
    update = phone.locator("[data-testid=stMain] [data-testid=stCode]").filter(has_text="c_t = f_t * c_(t-1)")
    assert update.count() == ("section=step" in phone.url)  # drawn in the one-timestep section only
    if not update.count():
        return
    update.scroll_into_view_if_needed()
    box = update.evaluate("""(el) => { const pre = el.querySelector('pre');
        return {scroll: pre.scrollWidth, client: pre.clientWidth, right: el.getBoundingClientRect().right}; }""")
    assert box["scroll"] <= box["client"] + SLACK and box["right"] <= PHONE[0] + SLACK, box


def test_index_axes_show_whole_numbers_and_a_sine_looks_like_one(browser, server_url):
    page = open_at(browser, server_url, "input=sine&features=2", *SIZES["laptop"])
    drawn = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
        title: el.layout.title.text, types: el.data.map(t => t.type)}))""")
    sine = next(c for c in drawn if c["title"].startswith("input x[0]"))
    assert sine["types"] == ["scatter", "scatter"]
    page.goto(page.url.split("?")[0] + "?features=2")
    settle(page)
    heat = page.evaluate("""() => { const el = [...document.querySelectorAll('.js-plotly-plot')]
        .find(e => e.layout.title.text.startsWith('input x[0]'));
        const ticks = axis => [...el.querySelectorAll(`.${axis}axislayer-above text`)].map(t => t.textContent);
        return {types: el.data.map(t => t.type), feature: ticks('y'), time: ticks('x')}; }""")
    assert heat["types"] == ["heatmap"]
    assert sorted(heat["feature"]) == ["0", "1"] and sorted(heat["time"], key=int) == [str(t) for t in range(10)], heat
    page.context.close()
