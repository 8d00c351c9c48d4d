"""Streamlit glue shared by the pages: widgets from the parameter table, cached runs, panels."""
