"""A live class session in real browsers: one teacher (controls on a laptop-sized screen, the projector's view in
a second tab), three students on phones, each a browser context of its own. The teacher poses, the students
answer without reloading, the projector shows how many answered but not what until the teacher shows it, the
teacher closes the vote, downloads the answers, reveals, asks for a second vote, makes every student's page
follow a configuration (held while a question is open) and ends the session. A reload keeps the teacher the
teacher; one browser is one student however many tabs it opens."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
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


def projector_view(teacher: Page, server_url: str, code: str) -> Page:
    """The projector's view, a second tab of the teacher's browser."""
    wall = teacher.context.new_page()
    wall.set_viewport_size(PROJECTOR)
    wall.set_default_timeout(30_000)
    wall.goto(f"{server_url}/class?code={code}&view=project")
    settle(wall, charts=False)
    return wall


def assert_no_controls(wall: Page) -> None:
    """Nothing on the projected screen to press or type into, and no key."""
    labels = main(wall).get_by_role("button").evaluate_all(
        "bs => bs.map(b => b.getAttribute('aria-label') || b.innerText)")
    assert all("fullscreen" in label.lower() for label in labels), labels  # only the picture's own zoom
    expect(main(wall).get_by_role("textbox")).to_have_count(0)
    expect(main(wall).get_by_role("switch")).to_have_count(0)
    assert "key=" not in main(wall).inner_text() and "key=" not in wall.url


def test_a_class_session_with_a_teacher_and_three_students(classroom, server_url, artifacts):
    teacher, students = classroom
    code = start_session(teacher, server_url)
    assert "key" not in teacher.url  # a projected address bar never shows the teacher's key
    expect(main(teacher).locator("h1")).to_have_text(f"Class session {code[:3]} {code[3:]}")
    expect(main(teacher).get_by_text("Scan to join")).to_be_visible()
    expect(main(teacher)).to_contain_text(f"/class?code={code}")
    assert_no_exception(teacher)
    wall = projector_view(teacher, server_url, code)
    expect(main(wall).get_by_text("Scan to join")).to_be_visible()
    assert_no_controls(wall)

    # Two students follow the join link; the third types the code (as read off the projector) on /class.
    for student in students[:2]:
        student.goto(f"{server_url}/class?code={code}")
    third = students[2]
    third.goto(f"{server_url}/class")
    settle(third, charts=False)
    expect(main(third).locator("h1")).to_have_text("Join a class")
    main(third).get_by_role("textbox", name="Join code").fill(f"{code[:3].lower()}-{code[3:].lower()}")
    main(third).get_by_role("textbox", name=re.compile("Nickname")).fill("Ada")
    main(third).get_by_role("button", name="Join", exact=True).click()
    third.wait_for_url(re.compile(rf"/class\?code={code}$"))  # no id of the student in the address
    for student in students:
        settle(student, charts=False)
        expect(main(student).locator("h1")).to_have_text(f"Class {code}")
        expect(main(student).get_by_text("Waiting for the teacher's first question")).to_be_visible()
        expect(main(student).get_by_role("button", name="Pose it to the class")).to_have_count(0)
        assert "me=" not in student.url
        mark_no_reload(student)
    expect(main(teacher).locator("[data-testid=stMetric]").filter(has_text="Students present")
           ).to_contain_text("3", timeout=POLL_MS)
    expect(main(wall).locator("[data-testid=stMetric]")).to_contain_text("3", timeout=POLL_MS)

    # The teacher poses a playground configuration.
    commit(teacher, "Playground settings (a playground link or its query string)", QUESTION)
    main(teacher).get_by_role("button", name="Pose it to the class").click()
    expect(main(teacher).get_by_role("heading", name="Question 1")).to_be_visible()
    expect(main(teacher).get_by_text("0 of 3 students present have answered")).to_be_visible(timeout=POLL_MS)
    right = keras_answer(QUESTION)
    wrong = right.split("), ")[0] + ")"  # the first tensor alone: the states forgotten
    assert right.count("(") == 3

    for student in students:  # the question arrives by itself
        expect(main(student).get_by_role("heading", name="Question 1")).to_be_visible(timeout=POLL_MS)
        expect(main(student)).to_contain_text("LSTM(16, return_sequences=True, return_state=True)")
        assert "(32" not in (main(student).get_by_role("textbox", name="Your answer").get_attribute("placeholder")
                             or "")
        assert_not_reloaded(student)
    for student, typed in zip(students, [right, " (32,10,16),(32,16) ,(32, 16)", wrong]):
        answer(student, typed)
    expect(main(teacher).get_by_text("3 of 3 students present have answered")).to_be_visible(timeout=POLL_MS)
    expect(caption(teacher)).to_have_text(f"Answers (3): {right}: 2; {wrong}: 1.", timeout=POLL_MS)
    expect(main(teacher).get_by_text("Not answered yet")).to_have_count(0)  # Ada answered
    assert "✓" not in caption(teacher).inner_text()  # right and wrong stay unmarked until the reveal

    # The projector: how many answered, never what, until the teacher shows it.
    expect(main(wall).get_by_text("3 of 3 students present have answered")).to_be_visible(timeout=POLL_MS)
    expect(main(wall).locator(".rnnlab-chart")).to_have_count(0)
    assert wrong not in main(wall).inner_text()
    wall.screenshot(path=artifacts / "live-projector-voting-hidden.png")
    main(teacher).get_by_text("Show the answers on the projector before the reveal").click()
    expect(main(wall).locator(".rnnlab-chart")).to_have_count(1, timeout=POLL_MS)
    expect(main(wall)).to_contain_text(f"Answers (3): {right}: 2; {wrong}: 1.")
    assert "✓" not in main(wall).inner_text()
    assert_no_controls(wall)

    # Before the reveal a student sees only their own answer, never whether it is right, never the others'.
    for student, mine, other in zip(students, [right, right, wrong], [wrong, wrong, right]):
        expect(main(student).get_by_text("Your answer is in:")).to_contain_text(mine)
        text = main(student).inner_text()
        assert other not in text.replace(mine, "")
        for telling in ("The answer:", "right.", "not this one", "What Keras returns", "of 3 students"):
            assert telling not in text, (telling, text)
        expect(main(student).locator(".rnnlab-chart")).to_have_count(0)
        assert_not_reloaded(student)
    teacher.screenshot(path=artifacts / "live-teacher-controls-answers.png")
    students[2].screenshot(path=artifacts / "live-student-phone-before-reveal.png")

    # The teacher closes the vote: the class discusses; nobody can answer meanwhile.
    main(teacher).get_by_role("button", name="Close voting", exact=True).click()
    for student in students:
        expect(main(student).get_by_text("Voting is closed")).to_be_visible(timeout=POLL_MS)
        expect(main(student).get_by_role("textbox", name="Your answer")).to_have_count(0)
    expect(main(wall)).to_contain_text("voting closed", timeout=POLL_MS)
    students[0].screenshot(path=artifacts / "live-student-phone-voting-closed.png")

    # The answers so far, as CSV.
    with teacher.expect_download() as download:
        main(teacher).get_by_role("button", name="Download the answers (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert sorted(r["answer"] for r in rows) == sorted([right, right, wrong])
    assert [r["nickname"] for r in rows if r["answer"] == wrong] == ["Ada"]

    # The reveal reaches every student, with why a wrong answer is wrong and the class's answers.
    main(teacher).get_by_role("button", name="Reveal to everyone").click()
    expect(main(teacher).get_by_text(f"Revealed. Keras returns: {right}")).to_be_visible(timeout=POLL_MS)
    expect(caption(teacher)).to_have_text(f"Answers (3): ✓ {right}: 2; ✗ {wrong}: 1.", timeout=POLL_MS)
    rows = expected_rows(QUESTION)
    for student, verdict in zip(students, ["right.", "right.", "not this one."]):
        expect(main(student).get_by_text("The answer:")).to_contain_text(right, timeout=POLL_MS)
        expect(main(student).get_by_role("heading", name="What Keras returns")).to_be_visible()
        expect(main(student).get_by_text("Your answer was")).to_contain_text(verdict)
        expect(main(student).locator("table tbody tr")).to_have_count(len(rows))
        expect(main(student).locator(".rnnlab-chart").first).to_be_visible()  # the class's answers
        assert returned_rows(student) == rows
        expect(main(student).get_by_role("textbox", name="Your answer")).to_have_count(0)
        assert_not_reloaded(student)
        assert_no_exception(student)
    expect(main(students[2]).get_by_text("Why:")).to_be_visible()
    expect(main(wall)).to_contain_text(f"Keras returns: {right}", timeout=POLL_MS)
    wall.screenshot(path=artifacts / "live-projector-revealed.png")
    students[2].screenshot(path=artifacts / "live-student-phone-after-reveal.png")

    # A second vote: a fresh box for everyone; the teacher's chart keeps the first vote beside the second.
    main(teacher).get_by_role("button", name="Vote again").click()
    expect(main(teacher).get_by_role("heading", name="Question 1 — second vote")).to_be_visible()
    for student in students:
        expect(main(student).get_by_role("heading", name="Question 1 — vote again")).to_be_visible(timeout=POLL_MS)
        expect(main(student).get_by_text("Your answer is in:")).to_have_count(0)
        expect(main(student).get_by_text("The answer:")).to_have_count(0)
    expect(main(wall).locator(".rnnlab-chart")).to_have_count(0, timeout=POLL_MS)  # hidden again
    for student in students:
        answer(student, right)
    expect(main(teacher).get_by_text("3 of 3 students present have answered the second vote")).to_be_visible(
        timeout=POLL_MS)
    expect(caption(teacher)).to_have_text(
        f"First vote (3): {right}: 2; {wrong}: 1. Second vote (3): {right}: 3.", timeout=POLL_MS)
    teacher.screenshot(path=artifacts / "live-teacher-controls-second-vote.png")

    # Follow while the second vote is open: held on the students' pages (it would show the answer).
    commit(teacher, "Configuration (a playground link or its query string)", f"{server_url}/?{QUESTION}")
    main(teacher).get_by_text("Every student's page shows this configuration, live").click()
    expect(main(teacher).get_by_text("students see this configuration only after the reveal")).to_be_visible()
    for student in students:
        expect(main(student).get_by_role("heading", name="Your teacher's configuration")).to_be_visible(
            timeout=POLL_MS)
        expect(main(student).get_by_text("Shown after the reveal")).to_be_visible()
        expect(main(student).locator("table")).to_have_count(0)

    # A timer closes the second vote by itself, on every page.
    main(teacher).get_by_role("spinbutton", name="Timer (seconds)").fill("5")
    main(teacher).get_by_role("spinbutton", name="Timer (seconds)").press("Enter")
    settle(teacher, charts=False)
    main(teacher).get_by_role("button", name="Close voting when the timer ends").click()
    expect(main(wall)).to_contain_text("Voting closes in", timeout=POLL_MS)
    wall.screenshot(path=artifacts / "live-projector-timer.png")
    for student in students:
        expect(main(student).get_by_text("Voting is closed")).to_be_visible(timeout=POLL_MS)
        expect(main(student).get_by_role("textbox", name="Your answer")).to_have_count(0)
        expect(main(student).locator("table")).to_have_count(0)  # still held: not revealed
    expect(main(teacher)).to_contain_text("Voting closed (timer)", timeout=POLL_MS)
    main(teacher).get_by_role("button", name="Reveal to everyone").click()
    for student in students:
        expect(main(student).locator("table tbody tr")).to_have_count(len(rows), timeout=POLL_MS)
        assert returned_rows(student) == rows
        assert_not_reloaded(student)
        assert_no_exception(student)
    students[0].screenshot(path=artifacts / "live-student-phone-follow.png")

    # The end: students are told, the projector says so, the teacher can still download the answers.
    main(teacher).get_by_role("button", name="End the session").click()
    teacher.get_by_role("button", name="End it now").click()  # in the popover, drawn above the page
    expect(main(teacher).get_by_text("This session has ended")).to_be_visible(timeout=POLL_MS)
    expect(main(teacher).get_by_role("button", name="Download the answers (CSV)")).to_be_visible()
    for student in students:
        expect(main(student).get_by_text("has ended")).to_be_visible(timeout=POLL_MS)
    expect(main(wall).get_by_text("This class session has ended")).to_be_visible(timeout=POLL_MS)
    teacher.screenshot(path=artifacts / "live-teacher-ended.png")
    assert_no_exception(teacher)
    wall.close()


def test_a_reload_keeps_the_teacher_and_one_browser_is_one_student(browser: Browser, server_url, artifacts):
    """F5 on the teacher's page keeps the teacher's controls (it used to make them a student of their own class,
    with no way back but the private link); two tabs of one browser are one student, a second browser another;
    the wrong key is refused and gives no controls."""
    teacher = open_context(browser, PROJECTOR)
    phone, other = open_context(browser, PHONE), open_context(browser, PHONE)
    try:
        code = start_session(teacher, server_url)
        teacher.reload()
        settle(teacher, charts=False)
        expect(main(teacher).locator("h1")).to_have_text(f"Class session {code[:3]} {code[3:]}")
        expect(main(teacher).get_by_role("button", name="Pose it to the class")).to_be_visible()
        expect(main(teacher).get_by_role("textbox", name="Your answer")).to_have_count(0)
        commit(teacher, "Playground settings (a playground link or its query string)", QUESTION)
        main(teacher).get_by_role("button", name="Pose it to the class").click()
        # the question is open before the reload (a reload sent before the click's rerun would undo the click)
        expect(main(teacher).get_by_role("button", name="Reveal to everyone")).to_be_visible(timeout=POLL_MS)
        teacher.reload()  # again, with a question open
        settle(teacher, charts=False)
        expect(main(teacher).get_by_role("button", name="Reveal to everyone")).to_be_visible()
        expect(main(teacher).get_by_text("0 of 0 students present have answered")).to_be_visible(timeout=POLL_MS)

        second_tab = phone.context.new_page()
        for page in (phone, second_tab, other):
            page.goto(f"{server_url}/class?code={code}")
            settle(page, charts=False)
            expect(main(page).get_by_role("heading", name="Question 1")).to_be_visible(timeout=POLL_MS)
        right = keras_answer(QUESTION)
        answer(phone, "(1, 2)")
        answer(second_tab, right)  # the same student changes their answer from another tab
        answer(other, right)
        expect(main(teacher).get_by_text("2 of 2 students present have answered")).to_be_visible(timeout=POLL_MS)
        expect(caption(teacher)).to_have_text(f"Answers (2): {right}: 2.", timeout=POLL_MS)

        for page in (phone, second_tab):  # a reload keeps the student (and their answer)
            page.reload()
            settle(page, charts=False)
            expect(main(page).get_by_text("Your answer is in:")).to_contain_text(right)
        phone.goto(f"{server_url}/class?code={code}&key=wrong")
        settle(phone, charts=False)
        expect(main(phone).locator("[data-testid=stAlertContentError]")).to_contain_text(
            "does not hold the teacher's key")
        for control in ("Pose it to the class", "Reveal to everyone", "Vote again", "Close voting"):
            expect(main(phone).get_by_role("button", name=control)).to_have_count(0)
        assert "key=" not in phone.url
        teacher.screenshot(path=artifacts / "live-teacher-after-reload.png")
        assert_no_exception(teacher)
    finally:
        for page in (teacher, phone, other):
            page.context.close()


LAPTOP = {"width": 1366, "height": 768}
# Each entry of the site's navigation in the sidebar: its label -> how it looks (background, label's weight)
NAV_LOOKS_JS = """() => Object.fromEntries([...document.querySelectorAll(
    '.st-key-site-nav [data-testid=stPageLink-NavLink]')].map(link => {
        const label = link.querySelector('p') ?? link;
        return [label.innerText.trim(), [getComputedStyle(link).backgroundColor, getComputedStyle(label).fontWeight]];
    }))"""


def nav_looks(page: Page) -> dict:
    page.wait_for_function(f"() => Object.keys(({NAV_LOOKS_JS})()).length === 8")
    return page.evaluate(NAV_LOOKS_JS)


def test_the_teachers_class_page_highlights_classroom_in_the_navigation_and_a_students_join_a_class(browser,
                                                                                                   server_url):
    """The teacher's page is the live class page that students join on, but the teacher started it from Classroom:
    the navigation highlights Classroom there, as Streamlit highlights the page that runs, and leaves "Join a
    class" plain; a student of the same session sees "Join a class" highlighted."""
    teacher, student = open_context(browser, LAPTOP), open_context(browser, LAPTOP)
    try:
        teacher.goto(f"{server_url}/classroom")
        settle(teacher, charts=False)
        own = nav_looks(teacher)  # Streamlit's own highlight, on the page that runs
        here, plain = own["Classroom"], own["Join a class"]
        assert here != plain and own["Playground"] == plain, own
        code = start_session(teacher, server_url)
        looks = nav_looks(teacher)
        assert looks["Classroom"] == here and looks["Join a class"] == plain, looks
        assert all(look == plain for name, look in looks.items() if name != "Classroom"), looks
        teacher.reload()  # the teacher's browser, from then on
        settle(teacher, charts=False)
        expect(main(teacher).get_by_role("button", name="Pose it to the class")).to_be_visible()
        assert nav_looks(teacher)["Classroom"] == here
        student.goto(f"{server_url}/class?code={code}")
        settle(student, charts=False)
        looks = nav_looks(student)
        assert looks["Join a class"] == here and looks["Classroom"] == plain, looks
    finally:
        for page in (teacher, student):
            page.context.close()
