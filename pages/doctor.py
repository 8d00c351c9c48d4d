"""Shape doctor: why is my output shape not what I expected? Paste the model (or assemble it with the app's
controls), give X and y, get the fix."""

import streamlit as st

from ui import router

router.ensure_routed()

from ui import doctor_view  # noqa: E402

st.title("Shape doctor")
st.caption("Paste your Keras model (or assemble one from the layers this app knows) and give the shapes of X and "
           "y. The doctor reads the code (it never runs it), builds the real Keras model, compares its output with y, "
           "runs one training step, and checks the fix it proposes.")
doctor_view.show()
