"""The alert page's escalation chain names the roles told at each level in the reader's language and the
people by their names, never role codes ("manager") or user names; alert messages keep their dates as
dates, shown in each reader's format."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from alerts import services
from alerts.models import Alert
from tests.test_translations import compiled_catalog  # noqa: F401  (fixture)

from .test_rules_channels_escalation import rule_for

pytestmark = pytest.mark.django_db


def chain(client, user, language, alert):
    client.force_login(user)
    client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
    page = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    return re.search(r'data-testid="alert-escalations">(.*?)</ol>', page, re.S).group(1)


def test_the_chain_names_roles_and_people_in_the_readers_language(client, role_users, compiled_catalog):  # noqa: F811
    for role, (first, last) in {"manager": ("黄敏", ""), "planner": ("张伟", "")}.items():
        role_users[role].first_name, role_users[role].last_name = first, last
        role_users[role].save()
    manager = role_users["manager"]
    rule_for("machine_down", roles=["planner"], steps=[(1, 0, ["manager"])])
    alert = services.create_alert(kind="machine_down", subject=gettext_noop("Rush order %(order)s approved: needed "
                                                                            "by %(date)s"),
                                  params={"order": "SO-1", "date": date(2026, 12, 9)}, roles=["planner"])
    assert alert.level == 1

    chinese = chain(client, manager, "zh-hans", alert)
    assert "经理" in chinese and "计划员" in chinese and "黄敏" in chinese and "张伟" in chinese
    assert not re.search(r"\bmanager\b|\bplanner\b", chinese)
    english = chain(client, manager, "en", alert)
    assert "Manager" in english and "Planner (PMC)" in english
    assert not re.search(r"\bmanager\b|\bplanner\b", english)

    stored = Alert.objects.get(pk=alert.pk)
    assert stored.params["date"] == {"_": "date", "v": "2026-12-09"}
    with translation.override("zh-hans"):
        assert "2026年12月9日" in stored.rendered_subject()
    with translation.override("en"):
        assert stored.rendered_subject() == "Rush order SO-1 approved: needed by 2026-12-09"
