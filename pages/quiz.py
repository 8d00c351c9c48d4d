"""Quiz: predict the shape of everything a random recurrent layer returns, graded against Keras."""

import streamlit as st

from ui import router

router.ensure_routed()

from ui import quiz_view  # noqa: E402

st.title("Predict the shape")
quiz_view.show()
