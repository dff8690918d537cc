"""Pages name people through the `person` filter where the person may be missing. Django resolves a filter's
argument strictly, so `x.decided_by.get_full_name|default:x.decided_by.username` is a server error when
nobody decided yet (the revisions page failed so with an undecided change request)."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import engines

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CHAIN = re.compile(r"([\w.]+)\.get_full_name\|default:\1\.username")


def _nullable_person_fields():
    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.many_to_one and field.null and field.related_model._meta.label == settings.AUTH_USER_MODEL:
                names.add(field.name)
    return names


def test_no_template_names_a_possibly_missing_person_through_a_strict_filter_argument():
    nullable = _nullable_person_fields()
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in CHAIN.finditer(line):
                person = match.group(1)
                guarded = re.search(r"\{%\s*if\s+" + re.escape(person) + r"\s*%\}", line[:match.start()])
                if person.rsplit(".", 1)[-1] in nullable and not guarded:
                    offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}")
    assert offenders == [], "\n".join(offenders)


def test_the_person_filter_names_someone_or_shows_a_dash(django_user_model):
    template = engines["django"].from_string("{% load people %}[{{ who|person }}]")
    assert template.render({"who": None}) == "[—]"
    someone = django_user_model(username="li", first_name="Lei", last_name="Li")
    assert template.render({"who": someone}) == f"[{someone.get_full_name()}]"
    assert template.render({"who": django_user_model(username="wang")}) == "[wang]"
