"""Work instruction pages: one routing operation's instruction (current version, earlier versions, and the
form writing a new version for planners and engineering), and the permission-checked attachment download
(uploads are never served from static). Views stay thin: planning.work_instructions reads and writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, work_instructions
from .instruction_forms import WorkInstructionForm


def _operation(item, sequence):
    active = selectors.active_routing(item)
    operation = next((op for op in (active.operations.all() if active else []) if op.sequence == sequence), None)
    if operation is None:
        raise Http404(_("No such operation in the active routing."))
    return operation


@login_required
@permission_required("planning.view_routing", raise_exception=True)
@work_instructions.attachment_uploads_limited
def instruction_edit(request, item_pk, sequence):
    user = request.user
    item = selectors.routing_item(user, item_pk)
    operation = _operation(item, sequence)
    versions = work_instructions.instruction_versions(item, sequence)
    current = next((v for v in versions if v.is_current), None)
    can_change = user.has_perm(work_instructions.CHANGE)
    form = WorkInstructionForm(current=current)
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Your role may not do this."))
        form = WorkInstructionForm(request.POST, request.FILES, current=current)
        for name in request.attachment_size_limit.too_large:
            form.add_error("files", work_instructions.too_large(name))
        if form.is_valid():
            try:
                saved = work_instructions.save_work_instruction(
                    actor=user, item=item, sequence=sequence, text=form.cleaned_data["text"],
                    change_note=form.cleaned_data["change_note"], uploads=form.cleaned_data["files"],
                    keep_attachments=form.cleaned_data.get("keep", []))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Version %(version)s of the work instruction is saved and current.")
                                 % {"version": saved.version})
                return redirect("planning:instruction_edit", item_pk=item.pk, sequence=sequence)
        status = 400
    return render(request, "planning/instruction_edit.html", {
        "item": item, "operation": operation, "current": current, "versions": versions, "form": form,
        "can_change": can_change}, status=status)


@login_required
@permission_required("planning.view_routing", raise_exception=True)
def instruction_attachment(request, pk):
    attachment = work_instructions.visible_attachment(request.user, pk)
    if attachment is None:
        raise Http404(_("No such attachment."))
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The attachment's file is missing.")) from None
    response = FileResponse(handle, content_type=attachment.content_type,
                            filename=attachment.original_name or None, as_attachment=False)
    response["X-Content-Type-Options"] = "nosniff"
    return response
