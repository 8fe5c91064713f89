"""The trainer dashboard (Solara): `solara run dashboards.app`, or `make dashboard`.

Every browser tab gets its own LiveSession (built inside the page, never at module
level), so tabs never share a simulation. A process-wide count of live sessions
refuses tabs beyond DASHBOARD_MAX_SESSIONS with a clear message instead of letting
memory grow without bound; a closed tab's session is dropped with its page.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import threading

import ipywidgets
import solara
import solara.lab

from .i18n import text
from .session import LiveSession, simulations_in_memory
from .ui_live import LeverPanel, LiveView, play_loop
from .ui_views import CompareView, LandscapeView, StoriesView
from .widgets import Css

log = logging.getLogger("dashboards")
log.setLevel(logging.INFO)
if not log.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("dashboard: %(message)s"))
    log.addHandler(_handler)
VIEWS = ("tab.live", "tab.landscape", "tab.compare", "tab.stories")


class SessionLimit:
    """Counts live tabs across the server; `acquire` fails once `limit` tabs are open."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()

    def acquire(self) -> bool:
        with self._lock:
            if self.open >= self.limit:
                log.warning("tab refused: %d of %d open", self.open, self.limit)
                return False
            self.open += 1
            log.info("tab opened: %d of %d open", self.open, self.limit)
            return True

    def release(self) -> None:
        with self._lock:
            self.open = max(0, self.open - 1)
        # The page's render context is dropped after this cleanup runs: collect a moment later.
        timer = threading.Timer(3.0, give_memory_back)
        timer.daemon = True
        timer.start()



def give_memory_back() -> None:
    """Collect the closed tab's cycles and hand freed heap pages back to the OS (glibc keeps them otherwise)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass
    log.info("%d tabs open, %d simulations in memory, %d widgets alive", SESSIONS.open, simulations_in_memory(),
             sum(1 for o in gc.get_objects() if isinstance(o, ipywidgets.Widget)))


def _limit_from_env() -> int:
    raw = os.environ.get("DASHBOARD_MAX_SESSIONS", "40")
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"DASHBOARD_MAX_SESSIONS = {raw!r} is not allowed: expected a positive integer") from None
    if value < 1:
        raise SystemExit(f"DASHBOARD_MAX_SESSIONS = {value} is not allowed: expected a positive integer")
    return value


SESSIONS = SessionLimit(_limit_from_env())


@solara.component
def Page():
    admitted = solara.use_memo(SESSIONS.acquire, [])
    solara.use_effect(lambda: (SESSIONS.release if admitted else None), [])
    Css()
    if not admitted:
        with solara.Div(classes=["dash-root"], style={"padding": "40px"}):
            solara.Error(f"This dashboard already serves {SESSIONS.limit} tabs, its limit. Close a tab and reload. "
                         f"/ Dit dashboard bedient al {SESSIONS.limit} tabbladen. Sluit er een en laad opnieuw.")
        return
    Dashboard()


@solara.component
def Dashboard():
    lang = solara.use_reactive("en")
    view = solara.use_reactive(0)
    session = solara.use_memo(LiveSession, [])
    solara.use_effect(lambda: session.close, [])  # the tab closed: free its simulation
    frame = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(60)

    def bump():
        frame.set(frame.value + 1)

    solara.use_thread(lambda cancel: play_loop(session, playing, speed.value, frame, cancel),
                      dependencies=[playing.value, speed.value], intrusive_cancel=False)
    with solara.Div(classes=["dash-root"]):
        with solara.Div(classes=["dash-header"]):
            solara.HTML(tag="h1", unsafe_innerHTML=text("title", lang.value))
            solara.ToggleButtonsSingle(value=lang, values=["en", "nl"], classes=["lang-toggle"])
        with solara.Row(gap="0px", style={"align-items": "stretch", "flex-wrap": "nowrap"}):
            with solara.Div(classes=["dash-side"]):
                LeverPanel(session, lang.value, bump, frame.value)
            with solara.Div(classes=["dash-main"]):
                with solara.lab.Tabs(value=view, lazy=True, align="left"):
                    for index, key in enumerate(VIEWS):
                        with solara.lab.Tab(text(key, lang.value), classes=[f"tab-{key.split('.')[1]}"]):
                            if view.value == index:
                                if index == 0:
                                    LiveView(session, lang.value, playing, speed, frame.value, bump)
                                elif index == 1:
                                    LandscapeView(session, lang.value)
                                elif index == 2:
                                    CompareView(session, lang.value)
                                else:
                                    StoriesView(lang.value, session.settings.seed)
