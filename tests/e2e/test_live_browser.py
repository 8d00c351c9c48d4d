"""A live class session in real browsers: one teacher on a projector, three students on phones, each a browser
context of its own. The teacher poses, the students answer without reloading, the teacher sees the count and
the chart, reveals, asks for a second vote and makes every student's page follow a configuration."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

import rnnlab
from tests.e2e.conftest import settle
from tests.e2e.test_playground_browser import assert_no_exception, expected_rows, returned_rows

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
QUESTION = "units=16&return_sequences=true&return_state=true"  # three tensors: room for a half-right answer
FOLLOW = "units=4&timesteps=3&return_sequences=true"
POLL_MS = 20_000  # a student's page looks every 2 s, the teacher's counts every 1 s: ample


def keras_answer(query: str) -> str:
    """The shapes the installed Keras returns for this configuration, written as a student types them."""
    return ", ".join(str(tuple(r["shape"])) for r in rnnlab.describe(query)["returns"])


def main(page: Page):
    return page.locator("[data-testid=stMain]")


def open_context(browser: Browser, viewport: dict) -> Page:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(30_000)
    return page


def mark_no_reload(page: Page) -> None:
    """A flag on the window that a reload (or any navigation) would wipe."""
    page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the student's page was reloaded"


def answer(page: Page, text: str) -> None:
    box = main(page).get_by_role("textbox", name="Your answer")
    expect(box).to_have_value("")  # a fresh box for this round
    box.fill(text)
    main(page).get_by_role("button", name="Send my answer").click()
    expect(main(page).get_by_text("Your answer is in:")).to_be_visible()


def caption(teacher: Page):
    """The teacher's chart in words (the caption under the chart)."""
    captions = main(teacher).locator("[data-testid=stCaptionContainer]")
    return captions.filter(has_text=re.compile(r"^(Answers|First vote)"))


def commit(page: Page, name: str, text: str) -> None:
    """Type into a text box and press Enter, then wait until the rerun it starts has finished."""
    box = main(page).get_by_role("textbox", name=name)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value(text)
    settle(page, charts=False)


@pytest.fixture
def classroom(browser: Browser, server_url: str):
    """The teacher's page (projector) and three students' pages (phones), each in a context of its own."""
    teacher = open_context(browser, PROJECTOR)
    students = [open_context(browser, PHONE) for _ in range(3)]
    yield teacher, students
    for page in (teacher, *students):
        page.context.close()


def start_session(teacher: Page, server_url: str) -> str:
    """From the Classroom page, as a teacher does: -> the join code."""
    teacher.goto(f"{server_url}/classroom")
    settle(teacher, charts=False)
    main(teacher).get_by_role("tab", name="Live class session").click()
    main(teacher).get_by_role("button", name="Start a class session").click()
    teacher.wait_for_url(re.compile(r"/class\?code=[A-Z0-9]{6}$"))
    settle(teacher, charts=False)
    expect(main(teacher).locator("h1")).to_contain_text("Class session")
    return parse_qs(urlparse(teacher.url).query)["code"][0]


def test_a_class_session_with_a_teacher_and_three_students(classroom, server_url, artifacts):
    teacher, students = classroom
    code = start_session(teacher, server_url)
    assert "key" not in teacher.url  # a projected address bar never shows the teacher's key
    expect(main(teacher).locator("h1")).to_have_text(f"Class session {code[:3]} {code[3:]}")
    expect(main(teacher).get_by_text("Scan to join")).to_be_visible()
    expect(main(teacher).locator("[data-testid=stImage]").first).to_be_visible()
    expect(main(teacher)).to_contain_text(f"/class?code={code}")
    assert_no_exception(teacher)

    # Two students follow the join link; the third types the code (as read off the projector) on /class.
    for student in students[:2]:
        student.goto(f"{server_url}/class?code={code}")
    third = students[2]
    third.goto(f"{server_url}/class")
    settle(third, charts=False)
    expect(main(third).locator("h1")).to_have_text("Join a class")
    main(third).get_by_role("textbox", name="Join code").fill(f"{code[:3].lower()}-{code[3:].lower()}")
    main(third).get_by_role("button", name="Join", exact=True).click()
    third.wait_for_url(re.compile(rf"/class\?code={code}(&me=[\w-]+)?$"))  # with its own anonymous id
    for student in students:
        settle(student, charts=False)
        expect(main(student).locator("h1")).to_have_text(f"Class {code}")
        expect(main(student).get_by_text("Waiting for the teacher's first question")).to_be_visible()
        expect(main(student).get_by_role("button", name="Pose it to the class")).to_have_count(0)
        mark_no_reload(student)
    expect(main(teacher).locator("[data-testid=stMetric]").filter(has_text="Students joined")
           ).to_contain_text("3", timeout=POLL_MS)

    # The teacher poses a playground configuration.
    commit(teacher, "Playground settings (a playground link or its query string)", QUESTION)
    main(teacher).get_by_role("button", name="Pose it to the class").click()
    expect(main(teacher).get_by_role("heading", name="Question 1")).to_be_visible()
    expect(main(teacher).get_by_text("0 of 3 students have answered")).to_be_visible(timeout=POLL_MS)
    right = keras_answer(QUESTION)
    wrong = right.split("), ")[0] + ")"  # the first tensor alone: the states forgotten
    assert right.count("(") == 3

    for student in students:  # the question arrives by itself
        expect(main(student).get_by_role("heading", name="Question 1")).to_be_visible(timeout=POLL_MS)
        expect(main(student)).to_contain_text("LSTM(16, return_sequences=True, return_state=True)")
        assert_not_reloaded(student)
    for student, typed in zip(students, [right, " (32,10,16),(32,16) ,(32, 16)", wrong]):
        answer(student, typed)
    expect(main(teacher).get_by_text("3 of 3 students have answered")).to_be_visible(timeout=POLL_MS)
    expect(caption(teacher)).to_have_text(f"Answers (3): {right}: 2; {wrong}: 1.", timeout=POLL_MS)
    expect(main(teacher).locator(".rnnlab-chart")).to_have_count(1)
    assert "✓" not in caption(teacher).inner_text()  # right and wrong stay unmarked until the reveal

    # Before the reveal a student sees only their own answer, never whether it is right, never the others'.
    for student, mine, other in zip(students, [right, right, wrong], [wrong, wrong, right]):
        expect(main(student).get_by_text("Your answer is in:")).to_contain_text(mine)
        text = main(student).inner_text()
        assert other not in text.replace(mine, "")
        for telling in ("The answer:", "right.", "not this one", "What Keras returns", "of 3 students"):
            assert telling not in text, (telling, text)
        expect(main(student).locator(".rnnlab-chart")).to_have_count(0)
        assert_not_reloaded(student)
    teacher.screenshot(path=artifacts / "live-teacher-projector-answers.png")
    main(teacher).locator(".rnnlab-chart").scroll_into_view_if_needed()
    teacher.screenshot(path=artifacts / "live-teacher-projector-chart.png")
    students[2].screenshot(path=artifacts / "live-student-phone-before-reveal.png")

    # The reveal reaches every student.
    main(teacher).get_by_role("button", name="Reveal to everyone").click()
    expect(main(teacher).get_by_text(f"Revealed. Keras returns: {right}")).to_be_visible(timeout=POLL_MS)
    expect(caption(teacher)).to_have_text(f"Answers (3): ✓ {right}: 2; ✗ {wrong}: 1.", timeout=POLL_MS)
    rows = expected_rows(QUESTION)
    for student, verdict in zip(students, ["right.", "right.", "not this one."]):
        expect(main(student).get_by_text("The answer:")).to_contain_text(right, timeout=POLL_MS)
        expect(main(student).get_by_role("heading", name="What Keras returns")).to_be_visible()
        expect(main(student).get_by_text("Your answer was")).to_contain_text(verdict)
        expect(main(student).locator("table tbody tr")).to_have_count(len(rows))
        assert returned_rows(student) == rows
        expect(main(student).get_by_role("textbox", name="Your answer")).to_have_count(0)
        assert_not_reloaded(student)
        assert_no_exception(student)
    students[2].screenshot(path=artifacts / "live-student-phone-after-reveal.png")
    main(students[2]).locator("table").scroll_into_view_if_needed()
    students[2].screenshot(path=artifacts / "live-student-phone-after-reveal-tensors.png")

    # A second vote: a fresh box for everyone; the teacher's chart keeps the first vote beside the second.
    main(teacher).get_by_role("button", name="Vote again").click()
    expect(main(teacher).get_by_role("heading", name="Question 1 — second vote")).to_be_visible()
    for student in students:
        expect(main(student).get_by_role("heading", name="Question 1 — vote again")).to_be_visible(timeout=POLL_MS)
        expect(main(student).get_by_text("Your answer is in:")).to_have_count(0)
        expect(main(student).get_by_text("The answer:")).to_have_count(0)
    for student in students:
        answer(student, right)
    expect(main(teacher).get_by_text("3 of 3 students have answered the second vote")).to_be_visible(timeout=POLL_MS)
    expect(caption(teacher)).to_have_text(
        f"First vote (3): {right}: 2; {wrong}: 1. Second vote (3): {right}: 3.", timeout=POLL_MS)
    teacher_chart = teacher.evaluate("""() => document.querySelector('[data-testid=stMain] .js-plotly-plot')
        .data.map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}))""")
    assert teacher_chart == [{"name": "First vote", "x": [2, 1], "y": [right, wrong]},
                             {"name": "Second vote", "x": [3, 0], "y": [right, wrong]}]
    teacher.screenshot(path=artifacts / "live-teacher-projector-second-vote.png")

    # Follow: every student's page shows the teacher's configuration, live.
    commit(teacher, "Configuration (a playground link or its query string)", f"{server_url}/?{FOLLOW}")
    main(teacher).get_by_text("Every student's page shows this configuration, live").click()
    expect(main(teacher).get_by_role("switch", name="Every student's page shows this configuration, live")
           ).to_be_checked()
    followed = expected_rows(FOLLOW)
    for student in students:
        expect(main(student).get_by_role("heading", name="Your teacher's configuration")).to_be_visible(
            timeout=POLL_MS)
        expect(main(student).locator("table tbody tr")).to_have_count(len(followed))
        expect(main(student).locator("table tbody tr").first).to_contain_text(followed[0][1])
        assert returned_rows(student) == followed
        assert_not_reloaded(student)
        assert_no_exception(student)
    students[0].screenshot(path=artifacts / "live-student-phone-follow.png")
    assert_no_exception(teacher)

    # The teacher's link without its key, or with a wrong one: a student's page or a plain refusal.
    intruder = students[0]
    intruder.goto(f"{server_url}/class?code={code}&key=wrong")
    settle(intruder, charts=False)
    expect(main(intruder).locator("[data-testid=stAlertContentError]")).to_contain_text(
        "does not hold the teacher's key")
    for control in ("Pose it to the class", "Reveal to everyone", "Vote again"):
        expect(main(intruder).get_by_role("button", name=control)).to_have_count(0)
    expect(main(intruder).get_by_role("switch")).to_have_count(0)
    assert "key=" not in intruder.url
    intruder.goto(f"{server_url}/class?code={code}")
    settle(intruder, charts=False)
    expect(main(intruder).locator("h1")).to_have_text(f"Class {code}")
    for control in ("Pose it to the class", "Reveal to everyone", "Vote again"):
        expect(main(intruder).get_by_role("button", name=control)).to_have_count(0)
    assert_no_exception(intruder)
