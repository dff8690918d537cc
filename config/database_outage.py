"""When the database does not answer (restarted, unreachable), people get a clear page, "try again in a
moment", with status 503 and Retry-After, instead of a server error; the next request connects anew
(CONN_MAX_AGE and CONN_HEALTH_CHECKS), so work resumes as soon as the database is back.

The middleware sits above every middleware that reads the database. A view's database error and one
raised inside another middleware (the session lookup of a signed-in user, the axes check, the session
save) all reach Django's got_request_exception signal before Django turns them into a 500 response; the
receiver marks the request and the middleware answers it with the outage page instead. The page is
rendered without the database, in the language of the request (the language cookie, which is kept in step
with a signed-in user's choice, or the browser's Accept-Language)."""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger("orderflow.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def _mark_database_outage(sender, request=None, **kwargs):
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_ERRORS):
        request.database_unavailable = exception


got_request_exception.connect(_mark_database_outage, dispatch_uid="orderflow-database-outage")


def outage_response(request):
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if request.path.startswith("/api/"):
            message = _("The database is not answering; try again in a moment.")
            response = JsonResponse({"errors": [{"field": "", "code": "unavailable", "message": message}]},
                                    status=503)
        else:
            # A page of its own: the usual layout reads the database (the navigation, the bell).
            response = HttpResponse(render_to_string("503.html", {"LANGUAGE_CODE": language}), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exception = getattr(request, "database_unavailable", None)
        if exception is None:
            return response
        log.error("Database unavailable: %s", exception)
        return outage_response(request)
