"""The dashboard's components rendered without a browser (solara.render): controls drive the session."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara

from dashboards import app
from dashboards.app import Page


def widgets_with_class(rc, kind, class_name):
    return [w for w in rc.find(kind).widgets if class_name in (w.class_ or "").split()]


def click(rc, class_name):
    buttons = widgets_with_class(rc, v.Btn, class_name)
    assert buttons, f"no button .{class_name}"
    buttons[0].click()


def html_text(rc, class_name) -> str:
    """The inner HTML of the first solara.HTML element with that class."""
    found = [w for w in rc.find(solara.widgets.HTML).widgets
             if class_name in str(w.attributes.get("class", "")).split()]
    assert found, f"no element .{class_name}"
    return str(found[0].unsafe_innerHTML)


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setattr(app, "SESSIONS", app.SessionLimit(5))
    box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def slider(rc, label_start):
    matches = [s for s in rc.find(v.Slider).widgets if str(s.label).startswith(label_start)]
    assert matches, f"no slider {label_start!r}"
    return matches[0]


def test_step_buttons_advance_the_days_and_levers_show_their_values(page):
    assert 'class="day-value">0<' in html_text(page, "day-counter")
    click(page, "btn-week")
    assert 'class="day-value">7<' in html_text(page, "day-counter")
    click(page, "btn-day")
    assert 'class="day-value">8<' in html_text(page, "day-counter")
    pressure = slider(page, "Pressure")
    assert (pressure.min, pressure.max) == (0.0, 1.0)
    pressure.v_model = 0.8  # the trainer drags the slider on day 8
    assert slider(page, "Pressure").label.endswith("0.8")
    click(page, "btn-day")
    cards = [str(w.unsafe_innerHTML) for w in page.find(solara.widgets.HTML).widgets
             if "kpi-grid" in str(w.unsafe_innerHTML)]
    assert cards and 'data-kpi="loyalty"' in cards[0]


def test_language_switch_translates_levers_kpis_and_tabs(page):
    toggle = widgets_with_class(page, v.BtnToggle, "lang-toggle")[0]
    toggle.v_model = 1  # "nl"
    assert slider(page, "Werkdruk") is not None
    tabs = [str(t.children[-1]) for t in page.find(v.Tab).widgets]
    assert "Landschap" in tabs and "Verhalen" in tabs


def test_the_room_limit_shows_a_message_instead_of_a_simulation(monkeypatch):
    monkeypatch.setattr(app, "SESSIONS", app.SessionLimit(0))
    box, rc = solara.render(Page(), handle_error=False)
    assert not widgets_with_class(rc, v.Btn, "btn-play")
    rc.find(v.Alert).assert_single()
    rc.close()


def test_tabs_open_the_landscape_compare_and_stories_views(page):
    tabs = page.find(v.Tabs).widgets[0]
    tabs.v_model = 1
    assert widgets_with_class(page, v.Btn, "btn-landscape")
    tabs.v_model = 2
    assert widgets_with_class(page, v.Btn, "btn-compare")
    tabs.v_model = 3
    assert widgets_with_class(page, v.Btn, "btn-story")
