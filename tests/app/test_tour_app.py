"""The playground's start-here tour in AppTest: from the first screen's button, step by step, each step's flip
setting what it names, to the hand-over to the first lesson."""

from __future__ import annotations

from rnnlab import lessons, tour
from tests.helpers import open_page, plain


def step_shown(at) -> tuple[str, str]:
    """The tour's heading and its text, as they read."""
    heading = next(h.value for h in at.subheader if h.value.startswith("Start here"))
    text = next(plain(m.value) for m in at.markdown if plain(m.value) in {s.text for s in tour.STEPS})
    return heading, text


def test_the_tour_walks_from_the_first_screen_to_the_first_lesson():
    at = open_page()
    at.button(key="tour-start").click().run()
    for number, step in enumerate(tour.STEPS, 1):
        assert not at.exception
        assert at.session_state["tour"] == number
        assert step_shown(at) == (f"Start here · step {number} of {len(tour.STEPS)}: {step.title}", step.text)
        assert not [b for b in at.button if b.key == "tour-start"]  # on the tour, no second way in
        if step.flip:
            at.button(key="tour-flip").click().run()
            for name, value in step.flip.items():
                assert str(at.session_state[name]).lower() == value, name
        if number < len(tour.STEPS):
            at.button(key="tour-next").click().run()
    first = lessons.all_lessons()[0]
    links = [e.proto for e in at.main.get("page_link")]
    assert any(p.label == f"Lesson {first.order}: {first.title}" and p.query_string == f"lesson={first.slug}"
               for p in links), [p.label for p in links]
    at.button(key="tour-back").click().run()
    assert at.session_state["tour"] == len(tour.STEPS) - 1
    at.button(key="tour-next").click().run()
    at.button(key="tour-end").click().run()
    assert not at.exception and at.session_state["tour"] == 0
    assert not [h for h in at.subheader if h.value.startswith("Start here")]


def test_the_way_in_is_offered_on_the_first_screen_only():
    assert [b.label for b in open_page().button if b.key == "tour-start"]
    for query in ({"units": "8"}, {"reveal": "true"}, {"tour": "2"}):
        at = open_page(query=query)
        assert not at.exception
        assert not [b for b in at.button if b.key == "tour-start"], query


def test_a_link_opens_the_tour_at_its_step():
    at = open_page(query={"tour": "3"})
    assert step_shown(at)[1] == tour.STEPS[2].text
