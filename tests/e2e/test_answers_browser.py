"""What a new learner and a teacher see in a real browser: a lesson's two verdicts side by side, a link that
draws many units, the quiz's own link, the classroom builder on localhost, the doctor's plain headings.

Each page is also photographed at a laptop's, a projector's and a phone's size (tests/artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rnnlab import lessons, quiz
from rnnlab.doctor.examples import all_examples
from tests.e2e.conftest import resized, settle

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}


def photograph(page: Page, artifacts, name: str, focus=None) -> None:
    """The page at every viewport size, with `focus` (a locator) scrolled into view."""
    for size, (width, height) in VIEWPORTS.items():
        resized(page, width, height)  # laid out at that width (columns stack on a phone), charts redrawn
        if focus is not None:
            focus.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / f"{name}-{size}-{width}x{height}.png")
    page.set_viewport_size({"width": 1366, "height": 768})


def test_both_verdicts_of_a_lesson_stay_on_screen_with_their_explanations(page: Page, server_url, artifacts):
    lesson = lessons.find("return-sequences")
    first, second = lesson.questions
    page.goto(f"{server_url}/lessons?lesson={lesson.slug}")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    right = ", ".join(map(str, lessons.expected(lessons.answer_query(lesson, first))))
    page.get_by_role("textbox", name=first.ask).fill(right)
    page.get_by_role("button", name="Check").nth(0).click()
    settle(page)
    expect(main.locator("[data-testid=stAlertContentSuccess]")).to_have_count(1)
    page.get_by_role("textbox", name=second.ask).fill("(32, 10, 3)")  # wrong: the input's shape
    page.get_by_role("button", name="Check").nth(1).click()
    settle(page)
    expect(main.locator("[data-testid=stAlertContentSuccess]")).to_have_count(1)  # the first verdict is still there
    expect(main.locator("[data-testid=stAlertContentError]")).to_have_count(1)
    expect(main).to_contain_text("h at every timestep, (batch, timesteps, units)")  # first explanation
    expect(main).not_to_contain_text("only the last hidden state, (batch, units)")  # a second try first
    main.get_by_role("button", name="Show the answer").click()
    settle(page)
    expect(main).to_contain_text("only the last hidden state, (batch, units)")  # second explanation, on request
    success = main.locator("[data-testid=stAlertContentSuccess]")
    error = main.locator("[data-testid=stAlertContentError]")
    assert success.bounding_box()["y"] < error.bounding_box()["y"]
    for width in (1366, 390):  # a shape in the text is never broken across lines, in a column or on a phone
        resized(page, width, 768)
        spans = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stMain] p code')]
            .filter(c => /^\\(\\d+(, \\d+)*,?\\)$/.test(c.innerText))
            .map(c => ({text: c.innerText, lines: c.getClientRects().length}))""")
        assert len(spans) >= 4 and all(s["lines"] == 1 for s in spans), (width, spans)
    page.set_viewport_size({"width": 1366, "height": 768})
    photograph(page, artifacts, "lesson-two-verdicts", focus=success)


def test_a_link_drawing_sixteen_units_keeps_ten_and_every_chart(page: Page, server_url, artifacts):
    page.goto(f"{server_url}/?show={','.join(map(str, range(16)))}")
    settle(page)
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("[data-testid=stException]")).to_have_count(0)
    expect(main).not_to_contain_text("This app has encountered an error")
    expect(main.locator("[data-testid=stAlertContentWarning]").first).to_contain_text(
        "show: at most 10 entries, so 10, 11, 12 and 3 more were set aside")
    assert main.locator(".rnnlab-chart").count() == 4  # the unrolled layer, input, output, h and c
    photograph(page, artifacts, "playground-show-16")
    photograph(page, artifacts, "playground-show-16-states", focus=main.locator(".rnnlab-chart").nth(2))


def test_the_quiz_shows_a_link_that_replays_it(page: Page, server_url, artifacts):
    page.goto(f"{server_url}/quiz")
    settle(page, charts=False)
    main = page.locator("[data-testid=stMain]")
    expect(main).to_contain_text("Link to this quiz")
    link = main.locator("[data-testid=stCode]").last.inner_text().strip()
    seed = int(link.rsplit("quiz_seed=", 1)[1])
    expect(main.locator("[data-testid=stCode]").first).to_contain_text(quiz.question("easy", seed, 0).code.splitlines()[0])
    assert f"quiz_seed={seed}" in page.url
    photograph(page, artifacts, "quiz", focus=main.locator("[data-testid=stCode]").last)
    page.goto(f"{server_url}/quiz?quiz_seed=-3")
    settle(page, charts=False)
    expect(main.locator("[data-testid=stAlertContentWarning]")).to_contain_text("quiz_seed=-3 is outside")


def test_the_classroom_builder_on_localhost_says_students_cannot_open_its_links(page: Page, server_url, artifacts):
    page.goto(f"{server_url}/classroom")
    settle(page, charts=False)
    main = page.locator("[data-testid=stMain]")
    warning = main.locator("[data-testid=stAlertContentWarning]")
    expect(warning).to_contain_text("students cannot open it")
    photograph(page, artifacts, "classroom-localhost", focus=warning)
    address = page.get_by_role("textbox", name="The app's address for your class")
    address.fill("https://rnnlab.school.example")
    address.press("Enter")
    settle(page, charts=False)
    expect(warning).to_have_count(0)
    link = main.locator("[data-testid=stCode]").filter(has_text="/lessons?lesson=")  # the links tab's link
    expect(link).to_contain_text("https://rnnlab.school.example/lessons?lesson=")


def test_the_doctor_counts_what_it_lists_and_heads_it_in_words(page: Page, server_url, artifacts):
    example = all_examples()[0]
    page.goto(f"{server_url}/doctor")
    settle(page, charts=False)
    main = page.locator("[data-testid=stMain]")
    page.get_by_role("button", name="Diagnose").click()
    settle(page, charts=False)
    expect(main).to_contain_text("1 problem and 1 warning found.", timeout=90_000)
    expect(main).to_contain_text("2. The last layer returns a whole sequence")
    expect(main).not_to_contain_text("last_layer_returns_sequences")
    assert example.slug.startswith("01")
    photograph(page, artifacts, "doctor-problem", focus=main.locator("[data-testid=stAlertContentError]").first)
