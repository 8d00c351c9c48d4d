"""Lesson links in a real browser, including the first visit to a fresh server by a lesson's own address."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from benchmarks.server import StreamlitServer
from rnnlab import lessons
from tests.e2e.conftest import settle

pytestmark = pytest.mark.browser


def test_a_lesson_link_to_a_fresh_server_opens_the_lesson_in_the_app(browser, artifacts):
    lesson = lessons.all_lessons()[2]
    with StreamlitServer(log_path=artifacts / "streamlit-lessons-server.log") as server:
        server.wait_healthy(timeout=120)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{server.url}/lessons?lesson={lesson.slug}")
        settle(page)
        nav = page.locator("[data-testid=stSidebar] .st-key-site-nav")
        expect(nav).to_contain_text("Playground")
        expect(nav).to_contain_text("Lessons")
        expect(page.locator("[data-testid=stMain] h2").first).to_contain_text(lesson.title)
        first_shape = str(lessons.shapes_of(lesson.preset)[0])
        expect(page.locator("[data-testid=stMain]")).to_contain_text(first_shape)
        page.get_by_role("link", name="Open this in the playground").click()
        settle(page)
        expect(page.locator("[data-testid=stMain] h1").first).to_contain_text("What does a Keras LSTM return?")
        page.screenshot(path=artifacts / "lesson-then-playground.png")
        page.close()
