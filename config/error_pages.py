"""The CSRF failure page in the usual layout and the reader's language (Django's own is bare English with
technical detail). 400/403/404/500 need no view of ours: Django's handlers render templates/400.html ...
500.html, and server_error does so without a request, so the 500 page reads nothing from the database."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    # `reason` is for developers (which check failed); the page only says what to do.
    return render(request, "403.html", {"csrf_failure": True}, status=403)
