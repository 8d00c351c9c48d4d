"""Playground: flip return_sequences and return_state, and see what the real Keras layer returns."""

from ui import router

router.ensure_routed()

from ui import classroom_view, controls, panels, tour_view
from rnnlab.params import query_string
from ui.runs import get_run

@router.own_reruns
def playground() -> None:
    """The page: the sidebar's Keras arguments, then what the layer returns."""
    parsed = controls.load()
    controls.model_controls(parsed.config)
    controls.sync_url(parsed)

    corner = panels.title_row(parsed.config)
    panels.notices(parsed.notices)
    tour_view.start(parsed, corner)
    run = get_run(parsed.config)
    if run.refusal:
        panels.refusal(run)
    elif not classroom_view.answers_shown(query_string(parsed.config)):
        classroom_view.predict_first(parsed.config)
    else:
        panels.unrolled(run, parsed.view, corner, tour_view.show(parsed))
        panels.returns(run)
        if run.padding_effect:
            panels.padding(run)
        if run.stateful:
            panels.stateful(run)
        panels.inside(run, parsed.view)
        panels.code(run)


playground()
