"""The Streamlit launcher (``ag2-sdlc ui``): start runs, watch the agents, approve, release.

Every page reads and writes through the Prefect API (``ui.runs``, ``ui.observe``,
``ui.launch``); no pipeline logic lives here. The API is the one in this process's
``PREFECT_API_URL``, which ``ag2-sdlc ui`` sets.
"""

from __future__ import annotations

import httpx
import streamlit as st

from core.errors import InvalidRequest
from ui import navigation
from ui.connection import follow_environment
from ui.page_lists import csv_analyses_page, recent_runs_page
from ui.page_new_run import new_run_page
from ui.page_run import run_page

PAGE_FUNCTIONS = {
    "New run": new_run_page,
    "Run": run_page,
    "Recent runs": recent_runs_page,
    "CSV analyses": csv_analyses_page,
}


def main() -> None:
    st.set_page_config(page_title="ag2-sdlc launcher", layout="wide")
    navigation.apply_pending()
    with st.sidebar:
        st.header("ag2-sdlc")
        page = st.radio("Page", navigation.PAGES, key="page", label_visibility="collapsed")
    try:
        with follow_environment() as api:
            st.sidebar.caption(f"Prefect API: {api}")
            PAGE_FUNCTIONS[page]()
    except InvalidRequest as exc:
        st.error(str(exc))
    except httpx.TransportError as exc:
        st.error(f"The Prefect API does not answer ({type(exc).__name__}); is the server up?")


main()
