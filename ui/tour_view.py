"""The playground's start-here tour on screen (rnnlab.tour): a button on the first screen, then one step at a
time above the picture, with the step's flip, back and next, and at the end the way to the first lesson. The
step is a setting like any other (?tour=N), so a link opens the tour where it was. Off the tour, the part of the
picture a lesson opening the playground is about (?focus=...) is outlined the same way."""

from __future__ import annotations

from typing import Any

import streamlit as st

from rnnlab import lessons, tour
from rnnlab.params import Parsed, to_query
from ui.controls import apply, classroom
from ui.terms import prose


def start(parsed: Parsed, corner: Any = st) -> None:
    """On the playground's first screen (nothing set, no tour, no classroom settings), the way into the tour, in
    `corner` (beside the title, where it takes no room from the picture)."""
    if to_query(parsed.config, parsed.view) or classroom().to_query() or st.context.is_embedded:
        return
    corner.button("Start here", icon=":material/explore:", type="primary", on_click=apply, args=({"tour": "1"},),
                  key="tour-start", help=f"A {len(tour.STEPS)}-step tour of the picture, from x_t entering to what "
                                         "Keras returns")


def show(parsed: Parsed) -> str:
    """The tour's current step above the picture, in the words of the layer built; returns the part of the picture
    it outlines, off the tour the part a lesson asked for (`focus`), "" for none."""
    number = parsed.view.tour
    step = tour.step_at(number, parsed.config.layer, tour.leftwards(parsed.config))
    if step is None:
        return focus(parsed)
    last = number == len(tour.STEPS)
    with st.container(border=True, key="tour"):
        st.subheader(f"Start here · step {number:d} of {len(tour.STEPS)}: {step.title}")
        prose(step.text)
        back, flip, ahead = st.columns(3, vertical_alignment="center")
        if number > 1:
            back.button("Back", icon=":material/arrow_back:", on_click=apply, args=({"tour": str(number - 1)},),
                        key="tour-back")
        if step.flip:
            flip.button(step.flip_label, on_click=apply, args=(step.flip,), key="tour-flip")
        if last:
            first = lessons.all_lessons()[0]
            flip.page_link("pages/lessons.py", label=f"Lesson {first.order}: {first.title}",
                           icon=":material/school:", query_params={"lesson": first.slug})
            ahead.button("End the tour", on_click=apply, args=({"tour": "0"},), key="tour-end")
        else:
            ahead.button("Next", icon=":material/arrow_forward:", icon_position="right", type="primary",
                         on_click=apply, args=({"tour": str(number + 1)},), key="tour-next")
    return step.region


def focus(parsed: Parsed) -> str:
    """The part of the picture a lesson asked to be outlined (?focus=...), said above the picture with a way to
    take the outline off; returns it ("" for none)."""
    region = parsed.view.focus
    if region == "none":
        return ""
    said, off = st.columns([5, 1], vertical_alignment="center")
    prose(f"Outlined in the picture: {tour.REGIONS[region]}, what the lesson you came from is about.", caption=True,
          container=said)
    off.button("Hide the outline", type="tertiary", on_click=apply, args=({"focus": "none"},), key="focus-off")
    return region
