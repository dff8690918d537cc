"""The import pages: upload → preview with per-row errors → confirm (all or nothing) or cancel.

A stage's view checks the permission and calls `import_page` with its TabularImport; this module
does the rest. The checked rows wait for their confirmation in the server-side session under a
random token, for the user who uploaded them, for at most IMPORT_PREVIEW_MAX_AGE seconds.
"""

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from inputs.uploads import size_limited

from .forms import ImportUploadForm
from .previews import ImportRejected, TabularImport
from .tables import ImportFileError

# How long a checked upload waits for its confirmation.
IMPORT_PREVIEW_MAX_AGE = 60 * 60


# Installs the upload size limit (inputs.uploads) of settings.IMPORT_MAX_BYTES as request.import_size_limit.
upload_size_limited = size_limited(lambda: settings.IMPORT_MAX_BYTES, "import_size_limit")


def _session_key(spec):
    return f"masterdata_import:{spec.kind}"


class ImportPage:
    """One request to an import page of `spec`; `list_url` is where "back" leads, `done_url` where a
    confirmed import goes, `import_url` the page itself."""

    def __init__(self, request, spec: TabularImport, *, list_url, import_url, done_url=None):
        self.request, self.spec = request, spec
        self.list_url, self.import_url, self.done_url = list_url, import_url, done_url or list_url

    def context(self, **extra):
        spec = self.spec
        columns = [{"column": c, "default": spec.default_display(c), "choices": c.choice_values()}
                   for c in spec.columns]
        return {"spec": spec, "kind": spec.kind, "columns": columns, "max_rows": spec.row_limit(),
                "max_bytes": settings.IMPORT_MAX_BYTES, "list_url": self.list_url, "import_url": self.import_url,
                **extra}

    def upload_page(self, form, *, error=""):
        return render(self.request, "imports/upload.html", self.context(form=form, error=error))

    def preview_page(self, preview, *, error=""):
        """Show the checked rows; keep them in the session (only when all are good) for the confirm step."""
        token = ""
        session = self.request.session
        if preview.is_valid:
            token = secrets.token_urlsafe(24)
            session[_session_key(self.spec)] = {"token": token, "user": self.request.user.pk, "saved": time.time(),
                                                "stash": preview.stash()}
        else:
            session.pop(_session_key(self.spec), None)
        return render(self.request, "imports/preview.html", self.context(preview=preview, token=token, error=error))

    def handle(self):
        request, spec = self.request, self.spec
        if request.method != "POST":
            if request.GET.get("template") == "csv":
                response = HttpResponse(spec.template_csv(), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="{spec.kind}-import-template.csv"'
                return response
            return self.upload_page(ImportUploadForm())
        step = request.POST.get("step")
        if step == "cancel":
            request.session.pop(_session_key(spec), None)
            messages.info(request, _("Import cancelled; nothing was written."))
            return redirect(self.import_url)
        if step == "confirm":
            return self.confirm()
        return self.upload()

    def upload(self):
        request = self.request
        limit = getattr(request, "import_size_limit", None)
        too_large = (limit is not None and limit.too_large) or any(
            f.size > settings.IMPORT_MAX_BYTES for f in request.FILES.values())
        if too_large:
            return self.upload_page(ImportUploadForm(), error=_(
                "The file is larger than %(max)s. Split it into smaller files; nothing was imported.")
                % {"max": filesizeformat(settings.IMPORT_MAX_BYTES)})
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.upload_page(form)
        upload = form.cleaned_data["file"]
        try:
            preview = self.spec.preview_upload(actor=request.user, data=upload.read(), filename=upload.name)
        except ImportFileError as exc:
            return self.upload_page(ImportUploadForm(), error=exc.message)
        return self.preview_page(preview)

    def confirm(self):
        request = self.request
        pending = request.session.get(_session_key(self.spec))
        token = request.POST.get("token", "")
        expired = not pending or time.time() - pending.get("saved", 0) > IMPORT_PREVIEW_MAX_AGE
        if (expired or not token or not constant_time_compare(pending.get("token", ""), token)
                or pending.get("user") != request.user.pk):
            messages.error(request, _("This preview has expired or was replaced by another upload. Nothing was "
                                      "imported; upload the file again."))
            return redirect(self.import_url)
        try:
            outcome = self.spec.apply(actor=request.user, stash=pending["stash"])
        except ImportRejected as exc:
            return self.preview_page(exc.preview, error=exc.message)
        request.session.pop(_session_key(self.spec), None)
        messages.success(request, _("Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s "
                                    "unchanged.") % {"file": pending["stash"].get("filename", ""),
                                                     "created": outcome.created, "updated": outcome.updated,
                                                     "unchanged": outcome.unchanged})
        return redirect(self.done_url)


def import_page(request, spec: TabularImport, *, list_url, import_url, done_url=None):
    """The whole import page of `spec` (the caller has checked the permission and wrapped the view
    in `upload_size_limited`)."""
    return ImportPage(request, spec, list_url=list_url, import_url=import_url, done_url=done_url).handle()
