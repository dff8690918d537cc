"""Carry the user's saved language into the session at login (read by UserLanguageMiddleware)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import SESSION_LANGUAGE_KEY
from .models import UserProfile


@receiver(user_logged_in, dispatch_uid="accounts.remember_language")
def remember_language(sender, request, user, **kwargs):
    profile = UserProfile.objects.filter(user=user).only("language").first()
    if profile and request is not None and hasattr(request, "session"):
        request.session[SESSION_LANGUAGE_KEY] = profile.language
