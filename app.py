"""RNN Lab: the router. Page settings and the list of pages; each page lives in pages/."""

import streamlit as st

st.set_page_config(page_title="RNN Lab: what a Keras LSTM returns", page_icon=":material/replay:", layout="wide")
st.navigation([
    st.Page("pages/playground.py", title="Playground", icon=":material/science:", default=True),
]).run()
