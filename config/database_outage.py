"""When the database does not answer (restarted, unreachable), people get a clear page, "try again in a
moment", with status 503 and Retry-After, instead of a server error; the next request connects anew
(CONN_MAX_AGE and CONN_HEALTH_CHECKS), so work resumes as soon as the database is back."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger("orderflow.database")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.error("Database unavailable: %s", exception)
        if request.path.startswith("/api/"):
            message = _("The database is not answering; try again in a moment.")
            response = JsonResponse({"errors": [{"field": "", "code": "unavailable", "message": message}]},
                                    status=503)
        else:
            # A page of its own: the usual layout reads the database (the navigation, the bell).
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
