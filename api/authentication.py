"""`Authorization: Api-Key <key>`: the request acts as the key's user (request.auth is the ApiKey)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiKey, hash_key
from .privileges import rights_beyond

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, raw = header.partition(" ")
        if keyword != KEYWORD or not raw.strip():
            return None
        key = (ApiKey.objects.select_related("user", "customer", "created_by")
               .filter(key_hash=hash_key(raw.strip())).first())
        if key is None or not key.is_active:
            raise exceptions.AuthenticationFailed(_("The API key is not valid or was revoked."))
        # Checked on every request too: the maker may have lost rights since, or the user gained some.
        problem = rights_beyond(key.created_by, key.user)
        if problem:
            raise exceptions.PermissionDenied(_("This key is refused: %(why)s") % {"why": problem})
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > timezone.timedelta(minutes=1):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)  # at most once a minute: no write per call
        return key.user, key

    def authenticate_header(self, request):
        return KEYWORD
