"""Which launcher page and run are shown: session state, mirrored in the URL (``?run=ID``)."""

from __future__ import annotations

from uuid import UUID

import streamlit as st

PAGES = ("New run", "Run", "Recent runs", "CSV analyses")
_GOTO = "_goto"


def apply_pending() -> None:
    """Switch page before the page selector is drawn (a drawn widget's value is fixed)."""
    target = st.session_state.pop(_GOTO, None)
    if target is not None:
        page, run_id = target
        st.session_state["page"] = page
        if run_id is not None:
            st.session_state["run_id"] = run_id
            st.query_params["run"] = run_id
    elif "page" not in st.session_state and current_run() is not None:
        st.session_state["page"] = "Run"  # a deep link to a run opens it


def goto(page: str, run_id: UUID | str | None = None) -> None:
    """Show ``page`` (and ``run_id``) on the next rerun, and rerun now."""
    st.session_state[_GOTO] = (page, str(run_id) if run_id is not None else None)
    st.rerun()


def current_run() -> UUID | None:
    """The run the Run page shows: the one chosen here, else the URL's ``?run=``."""
    text = st.session_state.get("run_id") or st.query_params.get("run")
    try:
        return UUID(str(text)) if text else None
    except ValueError:
        return None


def flash(kind: str, text: str) -> None:
    """A message shown once, at the top of the next rendering."""
    st.session_state["_flash"] = (kind, text)


def show_flash() -> None:
    """The pending message, in a slot that is there with or without one: the elements after
    it keep their places across reruns, so the live view never draws twice."""
    slot = st.empty()
    kind, text = st.session_state.pop("_flash", (None, None))
    if kind == "success":
        slot.success(text)
    elif kind == "error":
        slot.error(text)
    elif kind == "info":
        slot.info(text)
