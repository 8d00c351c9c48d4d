"""From the article you read: the six examples of two popular articles, run live on Keras and put right."""

import streamlit as st

from ui import router

router.ensure_routed()

from ui import article_view  # noqa: E402
from ui.terms import prose  # noqa: E402

st.title("From the article you read")
prose("Many learners arrive here from one of two articles: **article 1**, “Why is the LSTM output predicting a "
            "different shape than expected?”, and **article 2**, “How can I obtain results at each time step using an "
            "LSTM Keras model?”. Each of their six examples runs here on the installed Keras: the article's code as "
            "written, what Keras does with it, the smallest fix where it fails, and every sentence it gets wrong or "
            "out of date next to the evidence, measured by this server.")
article_view.show(article_view.choose())
