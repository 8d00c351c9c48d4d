"""Train: fit the playground's model on a task, watch the loss fall, and see what it predicts per timestep."""

import streamlit as st

from ui import router

router.ensure_routed()

from ui import controls, train_view  # noqa: E402
from ui.terms import prose  # noqa: E402

parsed, settings, problems = train_view.load()
controls.model_controls(parsed.config)
controls.sync_url(parsed)
train_view.write_url(settings)

st.title("Train it")
prose("Fit the playground's model on a task, watch the loss fall, and see what it predicts at every timestep.",
      caption=True)
train_view.show(parsed, settings, problems)
