"""The calendar page: name and time zone, the weekly shift grid, and the exceptions (add / remove)."""

from datetime import date, time

import pytest
from django.urls import reverse

from planning.models import CalendarException, WorkCalendar
from tests.inventory.masterdata import make_calendar, make_work_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


def grid_post(shifts):
    """shifts: {(weekday, slot): ("HH:MM", "HH:MM")}; every other cell empty."""
    data = {"action": "shifts"}
    for day in range(7):
        for slot in range(4):
            start, end = shifts.get((day, slot), ("", ""))
            data[f"d{day}_s{slot}_start"], data[f"d{day}_s{slot}_end"] = start, end
    return data


def test_create_a_calendar_then_fill_its_grid(client, planner, settings):
    client.force_login(planner)
    response = client.post(reverse("planning:calendar_create"), {"name": "两班倒", "time_zone": settings.TIME_ZONE,
                                                                 "note": ""})
    calendar = WorkCalendar.objects.get(name="两班倒")
    url = reverse("planning:calendar_edit", args=[calendar.pk])
    assert response["Location"] == url
    assert "No working time" in client.get(url).content.decode()

    shifts = {(day, 0): ("06:00", "14:00") for day in range(5)}
    shifts.update({(day, 1): ("14:00", "22:00") for day in range(5)})
    shifts[(4, 2)] = ("22:00", "06:00")  # Friday night into Saturday
    assert client.post(url, grid_post(shifts)).status_code == 302
    saved = [(s.weekday, s.start, s.end) for s in calendar.shifts.all()]
    assert len(saved) == 11 and (4, time(22), time(6)) in saved
    page = client.get(url)
    assert page.context["grid"]["d4_s2_start"].value() == time(22)
    assert "88 h per week" in page.content.decode()


def test_grid_errors_are_shown_and_nothing_is_saved(client, planner):
    calendar = make_calendar("Day")
    client.force_login(planner)
    url = reverse("planning:calendar_edit", args=[calendar.pk])
    response = client.post(url, grid_post({(0, 0): ("08:00", "12:00"), (0, 1): ("11:30", "15:00")}))
    assert [str(e) for e in response.context["grid"].non_field_errors()] == [
        "Shifts Monday 08:00–12:00 and Monday 11:30–15:00 overlap."]
    response = client.post(url, grid_post({(2, 0): ("08:00", "")}))
    assert response.context["grid"].errors["d2_s0_end"] == ["Give both a start and an end time, or neither."]
    response = client.post(url, grid_post({(2, 0): ("8 o'clock", "12:00")}))
    assert response.context["grid"].errors["d2_s0_start"] == ["Enter a time as HH:MM."]
    assert calendar.shifts.count() == 10


def test_a_calendar_in_use_cannot_lose_all_its_shifts(client, planner):
    calendar = make_calendar("Day")
    make_work_center("PRESS", calendar=calendar)
    client.force_login(planner)
    response = client.post(reverse("planning:calendar_edit", args=[calendar.pk]), grid_post({}))
    assert [str(e) for e in response.context["grid"].non_field_errors()] == [
        "Calendar Day would have no working time, but work centers PRESS use it: keep at least one shift."]
    assert calendar.shifts.count() == 10


def test_rename_and_time_zone(client, planner):
    calendar = make_calendar("Day")
    make_calendar("Night")
    client.force_login(planner)
    url = reverse("planning:calendar_edit", args=[calendar.pk])
    response = client.post(url, {"action": "header", "name": "Night", "time_zone": "Asia/Shanghai", "note": ""})
    assert response.context["header"].errors["name"] == ["A calendar with this name already exists."]
    response = client.post(url, {"action": "header", "name": "Day shift", "time_zone": "Europe/Berlin", "note": ""})
    assert response.status_code == 302
    calendar.refresh_from_db()
    assert (calendar.name, calendar.time_zone) == ("Day shift", "Europe/Berlin")


def test_exceptions_are_added_listed_and_removed(client, planner):
    calendar = make_calendar("Day")
    client.force_login(planner)
    url = reverse("planning:calendar_edit", args=[calendar.pk])
    year = date.today().year + 1  # typed dates are refused beyond DATE_INPUT_MAX_DAYS_AHEAD (two years)
    client.post(url, {"action": "add_exception", "date": f"{year}-10-01", "kind": "holiday", "start": "", "end": "",
                      "note": "国庆节"})
    client.post(url, {"action": "add_exception", "date": f"{year}-10-10", "kind": "overtime", "start": "08:00",
                      "end": "12:00", "note": "Rush order"})
    response = client.post(url, {"action": "add_exception", "date": f"{year}-10-11", "kind": "overtime", "start": "",
                                 "end": "", "note": ""})
    assert [str(e) for e in response.context["exception_form"].non_field_errors()] == [
        "Overtime needs a start and an end time."]
    page = client.get(url)
    assert [(e.date, e.kind) for e in page.context["calendar"].exceptions.all()] == [
        (date(year, 10, 1), "holiday"), (date(year, 10, 10), "overtime")]
    html = page.content.decode()
    assert "国庆节" in html and "08:00–12:00" in html

    holiday = CalendarException.objects.get(kind="holiday")
    remove = reverse("planning:calendar_exception_remove", args=[calendar.pk, holiday.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert list(CalendarException.objects.values_list("kind", flat=True)) == ["overtime"]


def test_an_exception_of_another_calendar_cannot_be_removed_through_this_one(client, planner):
    mine, other = make_calendar("Mine"), make_calendar("Other")
    exception = CalendarException.objects.create(calendar=other, date=date(2099, 1, 1), kind="holiday")
    client.force_login(planner)
    assert client.post(reverse("planning:calendar_exception_remove", args=[mine.pk, exception.pk])).status_code == 404
    assert CalendarException.objects.filter(pk=exception.pk).exists()


def test_viewers_see_the_calendar_without_forms(client, role_users):
    calendar = make_calendar("Day")
    CalendarException.objects.create(calendar=calendar, date=date(2099, 1, 1), kind="holiday")
    client.force_login(role_users["production"])
    page = client.get(reverse("planning:calendar_edit", args=[calendar.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "08:00–12:00" in html
    assert "save-shifts" not in html and "exception-form" not in html and "remove-exception" not in html
    exception = CalendarException.objects.get()
    assert client.post(reverse("planning:calendar_exception_remove", args=[calendar.pk, exception.pk])
                       ).status_code == 403
