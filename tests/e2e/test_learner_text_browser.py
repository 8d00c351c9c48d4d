"""Learner text is shown as typed on every page, in a real browser: every field a learner types into (class answers
and nicknames, the teacher's pasted settings, the Classroom page's boxes, lesson and quiz answers, the quiz's
link, the doctor's code, names and shapes, the Train page's and the playground's typed and linked settings) gets
an image, a link, HTML, maths, a Streamlit directive and a right-to-left override. Each page must ask no other host for anything, create no image, link, bold or styled
element from them, and show their characters as text (in the page's words and in the chart's SVG)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from rnnlab.learner_text import visible
from tests.e2e.conftest import LAPTOP, fetched, resized, settle
from tests.e2e.test_accessibility_browser import foreign, record_requests
from tests.e2e.test_live_browser import start_session

pytestmark = pytest.mark.browser

PAYLOADS = {
    "image": "![x](http://evil.example/p.png)",
    "link": "[vote here](http://evil.example)",
    "html": '<b>bold</b><span style="font-size:80px">big</span><a href="http://evil.example">a</a><br>x',
    "maths": r"$\huge X$",
    "directive": ":red-background[red] :material/home:",
    "bidi": "\u202e)46 ,23(",
}
# What of each payload is seen on the page whatever quotes it (a notice quotes an address's value by its repr,
# which writes a backslash twice and an invisible character as an escape; a chart's answer is lower-cased).
MARKERS = {"image": "![x](http://evil.example/p.png)", "link": "[vote here](http://evil.example)",
           "html": '<b>bold</b><span style="font-size:80px"', "maths": "huge x$", "directive": ":red-background[red]",
           "bidi": ")46"}
SETTINGS = urlencode(dict(zip(("layer", "activation", "head", "lengths", "colours", "show"), PAYLOADS.values())))
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PHONE = {"width": 390, "height": 844}
POLL_MS = 20_000


def main(page: Page):
    return page.locator("[data-testid=stMain]")


def shown(text: str) -> str:
    """What the page shows for a learner's text: its characters, an invisible control as [U+XXXX], one line."""
    return " ".join(visible(text).split())


def page_text(page: Page) -> str:
    """The words of the main area and of its charts' SVG, spaces normalised (as a reader sees them)."""
    words = page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const svg = [...main.querySelectorAll('svg text')].map(t => t.textContent).join(' \\n ');
        return main.innerText + ' \\n ' + svg;
    }""")
    return " ".join(words.split())


def assert_no_markup_made(page: Page) -> None:
    """Nothing of the payloads became an element: no image or link to another host, no bold, no 80px span,
    no maths, no home icon, no coloured background, no <a>/<b> inside a chart."""
    area = main(page)
    expect(area.locator("img:not([src^='data:']):not([src^='/']):not([src^='blob:'])")).to_have_count(0)
    expect(area.locator("a[href*='evil.example']")).to_have_count(0)
    expect(area.locator("b, strong").filter(has_text=re.compile("^bold$"))).to_have_count(0)
    expect(area.locator("[style*='font-size:80px'], [style*='font-size: 80px']")).to_have_count(0)
    expect(area.locator(".katex, .katex-display, mjx-container")).to_have_count(0)
    expect(area.locator("[data-testid=stIconMaterial]").filter(has_text=re.compile("^home$"))).to_have_count(0)
    expect(area.locator("svg a, svg b, svg [style*='font-size:80px'], svg [style*='font-size: 80px']")).to_have_count(0)
    expect(area.locator("span[style*='background']").filter(has_text=re.compile("^red$"))).to_have_count(0)


def assert_shown_as_text(page: Page, texts=(), payloads=PAYLOADS) -> None:
    """Each of `texts` exactly as typed (see shown), and each payload's marker (case aside), are in the page's
    words; no bidirectional control is left in them to reorder what is read."""
    words = page_text(page)
    missing = [t for t in texts if shown(t) not in words]
    missing += [name for name in payloads if MARKERS[name] not in words.lower()]
    assert not missing, f"not shown as typed: {missing}\n---\n{words[:3000]}"
    assert not BIDI.search(words), "a bidirectional control reached the page's text"


def load(page: Page, address: str) -> None:
    """Open a page and wait until it has settled on Keras's own numbers (a page runs again once Keras has
    confirmed them)."""
    page.goto(address)
    settle(page, charts=False)


def finish(page: Page, urls: list[str], server_url: str) -> None:
    fetched(page)
    assert urls, "the recording saw nothing"
    assert not foreign(urls, server_url)


# The live class: the teacher's projector view must show every student's answer as text.

def join(browser: Browser, server_url: str, code: str, nickname: str) -> Page:
    """A student on a phone of their own: the join page, the code and a nickname."""
    student = browser.new_context(viewport=PHONE).new_page()
    student.set_default_timeout(30_000)
    student.goto(f"{server_url}/class")
    settle(student, charts=False)
    main(student).get_by_role("textbox", name="Join code").fill(code)
    main(student).get_by_role("textbox", name=re.compile("^Nickname")).fill(nickname)
    main(student).get_by_role("button", name="Join", exact=True).click()
    expect(main(student).locator("h1")).to_contain_text(f"Class {code}")
    return student


def test_class_answers_and_nicknames_are_text_on_the_projector(browser: Browser, server_url: str,
                                                               artifacts: Path):
    teacher = browser.new_context(viewport=LAPTOP).new_page()
    teacher.set_default_timeout(30_000)
    teacher_urls = record_requests(teacher)
    students, student_urls = [], []
    try:
        code = start_session(teacher, server_url)
        main(teacher).get_by_role("button", name="Pose it to the class").click()
        expect(main(teacher).get_by_role("heading", name="Question 1")).to_be_visible()
        answers = []
        for payload in PAYLOADS.values():
            student = join(browser, server_url, code, payload[:30])  # a nickname has at most 30 characters
            students.append(student)
            student_urls.append(record_requests(student))
            expect(main(student).get_by_role("heading", name="Question 1")).to_be_visible(timeout=POLL_MS)
            main(student).get_by_role("textbox", name="Your answer").fill(payload)
            main(student).get_by_role("button", name="Send my answer").click()
            expect(main(student).get_by_text("Your answer is in:")).to_be_visible()
            answer = " ".join(payload.split()).lower()[:60]  # as the chart groups it (question.canonical)
            answers.append(answer)
            assert_shown_as_text(student, [answer, payload[:30]], payloads=())  # their answer and nickname
            assert_no_markup_made(student)
        expect(main(teacher).get_by_text(f"{len(PAYLOADS)} of {len(PAYLOADS)} students present have answered")
               ).to_be_visible(timeout=POLL_MS)
        chart = main(teacher).locator(".rnnlab-chart")
        expect(chart.locator("svg .ytick text")).to_have_count(len(PAYLOADS))
        ticks = " ".join(" ".join(t.split()) for t in chart.locator("svg .ytick text").all_text_contents())
        assert all(shown(a) in ticks for a in answers), ticks  # the bars' labels, as typed
        html = answers[list(PAYLOADS).index("html")]  # bars in the order of sorted answers (each given once)
        bar = chart.locator("svg .bars .point path").nth(sorted(answers).index(html))  # hover: "%{y}: %{x}"
        bar.scroll_into_view_if_needed()
        place = bar.bounding_box()
        teacher.mouse.move(place["x"] + place["width"] / 2, place["y"] + place["height"] / 2)
        hover = chart.locator(".hoverlayer .hovertext")
        expect(hover).to_contain_text(f"{html}: 1")
        expect(hover.locator("a, b, [style*='80px']")).to_have_count(0)
        assert_shown_as_text(teacher, answers, payloads=())
        assert_no_markup_made(teacher)
        teacher.screenshot(path=str(artifacts / "learner-text-teacher-1366.png"), full_page=True)
        resized(teacher, **PHONE)  # the chart redraws at its new width
        assert_no_markup_made(teacher)
        teacher.screenshot(path=str(artifacts / "learner-text-teacher-390.png"), full_page=True)
        teacher.set_viewport_size(LAPTOP)
        # The teacher's own boxes take pasted settings too: the configuration every student follows, a question
        follow = main(teacher).get_by_role("textbox", name="Configuration (a playground link or its query string)")
        follow.fill(SETTINGS)
        follow.press("Enter")
        expect(main(teacher).locator("[data-testid=stAlert]").filter(has_text="is not one of")).to_have_count(4)
        main(teacher).get_by_text("Pose a question").click()
        main(teacher).get_by_role("textbox", name=re.compile("^Playground settings")).fill(SETTINGS)
        main(teacher).get_by_role("button", name="Pose it to the class").click()
        expect(main(teacher).get_by_text("That question cannot be posed")).to_be_visible()
        assert_shown_as_text(teacher)
        assert_no_markup_made(teacher)
        finish(teacher, teacher_urls, server_url)
        for student, urls in zip(students, student_urls):
            assert not foreign(urls, server_url)
    finally:
        for page in (teacher, *students):
            page.context.close()


# The Classroom page: a playground link pasted into the link builder, and the class's address.

def test_classroom_boxes_are_text(page: Page, server_url: str):
    urls = record_requests(page)
    load(page, f"{server_url}/classroom")
    page.get_by_role("tab", name="Links for slides").click()
    page.get_by_text("the playground", exact=True).click()
    settle(page, charts=False)
    box = main(page).get_by_role("textbox", name=re.compile("^Playground settings"))
    box.fill(SETTINGS)
    box.press("Enter")
    expect(main(page).locator("[data-testid=stAlert]").filter(has_text="is not one of")).to_have_count(4)
    assert_shown_as_text(page)
    assert_no_markup_made(page)
    address = main(page).get_by_role("textbox", name="The app's address for your class")
    for payload in PAYLOADS.values():  # a wrong address is refused and never quoted back
        address.fill(payload)
        address.press("Enter")
        expect(main(page).get_by_text("That address cannot be used")).to_be_visible()
        settle(page, charts=False)
        assert_no_markup_made(page)
    finish(page, urls, server_url)


# Lessons and the quiz: typed answers, and the quiz's link.

def check_each(page: Page, texts) -> None:
    """Type each text into the page's first answer box and press Check (one rerun each, no reload)."""
    box = main(page).locator("[data-testid=stForm]").filter(has=page.get_by_role("button", name="Check")).first
    for text in texts:
        box.get_by_role("textbox").fill(text)
        box.get_by_role("button", name="Check").click()
        settle(page, charts=False)
        expect(box.get_by_role("textbox")).to_have_value(text)  # the box keeps the text, as typed
        assert_no_markup_made(page)


def test_lesson_answers_are_text(page: Page, server_url: str):
    urls = record_requests(page)
    load(page, f"{server_url}/lessons")
    check_each(page, PAYLOADS.values())
    verdict = main(page).locator("[data-testid=stAlert]").last
    expect(verdict).to_be_visible()
    assert_shown_as_text(page, ["Could not read"], payloads=())  # the grader quotes a sanitised part, as text
    finish(page, urls, server_url)


def test_quiz_answers_and_link_values_are_text(page: Page, server_url: str):
    urls = record_requests(page)
    query = urlencode([(key, p) for p in PAYLOADS.values() for key in ("level", "quiz_seed")])
    load(page, f"{server_url}/quiz?{query}")
    notices = main(page).locator("[data-testid=stAlert]").filter(has_text="The link's quiz could not be used")
    expect(notices).to_have_count(2 * len(PAYLOADS))
    assert_shown_as_text(page)
    assert_no_markup_made(page)
    check_each(page, PAYLOADS.values())
    finish(page, urls, server_url)


# The shape doctor: names in the pasted code, a line it cannot read, and the typed shapes.

def test_doctor_code_names_and_shapes_are_text(page: Page, server_url: str):
    urls = record_requests(page)
    load(page, f"{server_url}/doctor")
    # Keras takes a layer name without "/": those two are names; the others are in a line the doctor cannot read
    names = ", ".join(f"keras.layers.Dense(2, name={PAYLOADS[k]!r})" for k in ("maths", "bidi"))
    unread = "".join(f"model.add(helper({PAYLOADS[k]!r}))\n" for k in ("image", "link", "html", "directive"))
    code = (f"import keras\nmodel = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(8), {names}])\n"
            + unread)
    page.get_by_role("textbox", name="Your Keras model code (read, never run)").fill(code)
    page.get_by_role("textbox", name="X shape", exact=True).fill("32,5,3")
    page.get_by_role("textbox", name="y shape (optional)").fill("32,2")
    page.get_by_role("button", name="Diagnose").click()
    settle(page, charts=False)
    expect(main(page).get_by_role("heading", name="What Keras builds, layer by layer")).to_be_visible(timeout=90_000)
    assert_shown_as_text(page)
    assert_no_markup_made(page)
    for payload in (PAYLOADS["image"], PAYLOADS["bidi"]):  # a typed shape is quoted back in the doctor's message
        page.get_by_role("textbox", name="X shape", exact=True).fill(payload)
        page.get_by_role("button", name="Diagnose").click()
        settle(page, charts=False)
        expect(main(page).locator("[data-testid=stAlert]").filter(has_text="cannot diagnose")).to_be_visible()
        assert_shown_as_text(page, [payload], payloads=())
        assert_no_markup_made(page)
    finish(page, urls, server_url)


# The Train page and the playground: the typed setting (lengths) and settings in the address.

@pytest.mark.parametrize("path", ["train", ""], ids=["train", "playground"])
def test_typed_settings_are_text(page: Page, server_url: str, path: str):
    urls = record_requests(page)
    load(page, f"{server_url}/{path}?{SETTINGS}")
    assert_shown_as_text(page)
    assert_no_markup_made(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    box = sidebar.get_by_role("textbox", name=re.compile("lengths"))
    if not box.is_visible():
        sidebar.get_by_text(re.compile("^Data: pattern")).click()
    for payload in PAYLOADS.values():  # the notice quotes the typed value by its repr, cut short
        box.fill(payload)
        box.press("Enter")
        expect(main(page).locator("[data-testid=stAlert]").first).to_contain_text(repr(payload)[:10])
        settle(page, charts=False)
        assert_no_markup_made(page)
    finish(page, urls, server_url)
