"""Refusals of malformed requests before any view sees them, in the reader's language, writing nothing.

- Body size: a request whose declared Content-Length is above the limit for its URL is answered 413 before
  its body is read (Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cap files, and the views' own upload
  handlers only stop storing a file after it has been received).
- Control characters: NUL and the other C0/C1 control characters (tab, line feed and carriage return
  excepted) in a query-string or form value are refused with 400. A NUL reaching PostgreSQL in a query
  parameter is a 500 ("A string literal cannot contain NUL"); the others are invisible on a page or a
  printed document, so no person typed them. One check here covers every form, search box, live preview
  and lookup; inputs.validators.refuse_control_characters is the same rule as a field validator.

Form bodies (urlencoded and multipart) are checked when first read, after the views have installed their
upload handlers. The API (/api/) gets its JSON error format; pages get a short page with the message.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse, JsonResponse, QueryDict
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from inputs.validators import CONTROL_CHARACTER_MESSAGE, describe_character, find_control_character


def body_limit(path):
    """The largest request body accepted for `path`: the longest matching prefix in REQUEST_BODY_LIMITS,
    else REQUEST_BODY_MAX_BYTES."""
    best, limit = "", settings.REQUEST_BODY_MAX_BYTES
    for prefix, value in settings.REQUEST_BODY_LIMITS.items():
        if path.startswith(prefix) and len(prefix) > len(best):
            best, limit = prefix, value
    return limit


def _is_api(request):
    return request.path.startswith("/api/")


def _refusal(request, status, field, code, message):
    if _is_api(request):
        return JsonResponse({"errors": [{"field": field, "code": code, "message": message}]}, status=status)
    if getattr(request, "htmx", False):  # a live preview or lookup: a fragment, not a whole page
        body = render_to_string("request_refused_fragment.html", {"message": message})
    else:
        body = render_to_string("request_refused.html", {"message": message, "status": status}, request=request)
    return HttpResponse(body, status=status)


class ControlCharacterInBody(BadRequest):
    """Raised when the form body is first read (by the CSRF check or the view); the middleware answers."""


def _scan(sources):
    """(field, character) of the first control character in the keys and values of `sources`."""
    for source in sources:
        for key, values in source.lists():
            texts = [key, *(getattr(value, "name", value) for value in values)]  # uploads: their file names
            for text in texts:
                char = find_control_character(text) if isinstance(text, str) else None
                if char:
                    return (key if find_control_character(key) is None else ""), char
    return None


class InputGuardMiddleware:
    """Placed after the language is chosen (so the refusal is in the reader's language) and before anything
    reads the body (the CSRF check in process_view is the first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self.check_size(request) or self.check_query(request)
        if refusal is not None:
            return refusal
        if request.method == "POST":
            self.check_body_when_read(request)
        response = self.get_response(request)
        found = getattr(request, "_control_character_found", None)
        if found:
            field, char = found
            return _refusal(request, 400, field, "control_character",
                            str(CONTROL_CHARACTER_MESSAGE) % {"character": describe_character(char)})
        return response

    def check_size(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refusal(request, 400, "", "invalid_length", _("The request is malformed (its length is not a "
                                                                  "number)."))
        limit = body_limit(request.path)
        if length > limit:
            return _refusal(request, 413, "", "too_large",
                            _("What you sent is larger than %(max)s. Nothing was saved; send a smaller file.")
                            % {"max": filesizeformat(limit)})
        return None

    def check_query(self, request):
        found = _scan([request.GET])
        if found:
            field, char = found
            return _refusal(request, 400, field, "control_character",
                            str(CONTROL_CHARACTER_MESSAGE) % {"character": describe_character(char)})
        return None

    def check_body_when_read(self, request):
        """Form bodies are checked when something first reads them, not here: a view may still install its
        upload handlers (size limits) before that. On a refusal the request's data is emptied, so nothing
        that catches the error can save it, and the error ends the request with our 400."""
        load = request._load_post_and_files

        def load_and_check():
            load()
            found = _scan([request._post, request._files])
            if found:
                request._control_character_found = found
                request._post, request._files = QueryDict(), MultiValueDict()
                raise ControlCharacterInBody("control character in the request body")

        request._load_post_and_files = load_and_check
