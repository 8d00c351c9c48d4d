"""RNN Lab. Run by Streamlit as the page script, it runs the router (page settings and the list of pages live in
ui/router.py; each page in pages/). Imported by `streamlit run app.py`, it is the server: Streamlit's own, with
the app's one route of its own (plotly.js, ui/plot/script.py), and the first page's modules imported as it starts
(ui/warm.py)."""

import streamlit as st

if __name__ == "__main__":
    from ui import router

    router.run()
else:
    from ui import warm
    from ui.plot import script

    app = st.App(__file__, routes=script.routes(), lifespan=warm.lifespan)
