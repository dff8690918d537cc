from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import UserProfile


def set_user_language(*, actor, language):
    """Save the interface language the user chose; it applies to every later session."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language: %(language)s") % {"language": language})
    with transaction.atomic():
        UserProfile.objects.update_or_create(user=actor, defaults={"language": language})
    return language
