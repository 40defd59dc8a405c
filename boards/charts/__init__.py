"""Chart functions: tidy DataFrames in, Plotly figures out. No Streamlit here."""
