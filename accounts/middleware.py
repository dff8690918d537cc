from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers

SESSION_LANGUAGE_KEY = "orderflow_language"


class UserLanguageMiddleware:
    """Activate the signed-in user's chosen language (kept in the session: no query per request).
    Anonymous visitors keep what LocaleMiddleware chose from the cookie or the browser. The language cookie
    follows the user's choice, so pages made without the database (the outage page) are in it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(SESSION_LANGUAGE_KEY) if hasattr(request, "session") else None
        if language and not request.user.is_authenticated:
            language = None
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                                samesite="Lax")
        return response


class NoStoreWhenSignedInMiddleware:
    """Pages for a signed-in person (and API answers to a key) hold orders, prices and names: no browser
    or proxy keeps a copy (Cache-Control: no-store), so the back button after logging out on a shared
    shop-floor terminal shows nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META
        response = self.get_response(request)
        if signed_in:
            add_never_cache_headers(response)
        return response
