"""The temporary drawings page of a rush order (临时图纸/工程资料): its drawings, each copy with its holder,
deadline and return, the form that issues a drawing, and the return and void buttons of each copy; the
permission-checked attachment download. Thin: parse, call rush.drawings, redirect or render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orders.selectors import orders_visible_to

from . import drawing_selectors, drawings
from .drawing_forms import IssueDrawingForm, ReturnCopyForm, VoidCopyForm


def _order(request, pk):
    return get_object_or_404(orders_visible_to(request.user).select_related("customer"), pk=pk)


def _copy(request, pk):
    copy = drawing_selectors.visible_copy(request.user, pk)
    if copy is None or not orders_visible_to(request.user).filter(pk=copy.drawing.order_id).exists():
        raise Http404
    return copy


@login_required
@permission_required(drawings.VIEW, raise_exception=True)
@drawings.uploads_limited
def order_drawings(request, order_pk):
    order = _order(request, order_pk)
    user = request.user
    can_issue = user.has_perm(drawings.ISSUE) and order.is_rush and order.status in drawings.ISSUABLE
    form = IssueDrawingForm()
    status = 200
    if request.method == "POST":
        if not user.has_perm(drawings.ISSUE):
            raise PermissionDenied(_("Your role may not do this."))
        form = IssueDrawingForm(request.POST, request.FILES)
        for name in request.drawing_size_limit.too_large:
            form.add_error("files", drawings.too_large(name))
        if form.is_valid():
            data = form.cleaned_data
            try:
                drawing = drawings.issue_drawing(actor=user, order=order, number=data["number"],
                                                 revision=data["revision"], title=data["title"],
                                                 copies=data["copies"], uploads=data["files"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Drawing %(number)s revision %(revision)s issued: %(count)s copies "
                                            "signed for.") % {"number": drawing.number, "revision": drawing.revision,
                                                              "count": len(data["copies"])})
                return redirect("rush:drawings", order_pk=order.pk)
        status = 400
        can_issue = True
    return render(request, "rush/drawings.html", {
        "order": order, "drawings": drawing_selectors.order_drawings(order), "form": form, "can_issue": can_issue,
        "can_return": user.has_perm(drawings.RETURN), "can_void": user.has_perm(drawings.VOID),
        "return_form": ReturnCopyForm(), "void_form": VoidCopyForm(), "now": timezone.now(),
    }, status=status)


def _act(request, pk, form_class, call, success):
    copy = _copy(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            call(copy, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, success % {"copy": copy.label})
    return redirect(reverse("rush:drawings", args=[copy.drawing.order_id]) + f"#copy-{copy.pk}")


@require_POST
@login_required
@permission_required(drawings.RETURN, raise_exception=True)
def copy_return(request, pk):
    return _act(request, pk, ReturnCopyForm,
                lambda copy, data: drawings.return_copy(actor=request.user, copy=copy, note=data["note"]),
                _("Copy %(copy)s is back: you received it."))


@require_POST
@login_required
@permission_required(drawings.VOID, raise_exception=True)
def copy_void(request, pk):
    return _act(request, pk, VoidCopyForm,
                lambda copy, data: drawings.void_copy(actor=request.user, copy=copy, reason=data["reason"]),
                _("Copy %(copy)s is voided."))


@login_required
def drawing_copy(request, pk):
    """A copy's address (alerts link here): its row on the order's drawings page (the holder's signing page
    for a holder who does not see the drawings pages)."""
    if not request.user.has_perm(drawings.VIEW):
        if drawing_selectors.copy_to_sign(request.user, pk) is None:
            raise PermissionDenied
        return redirect("rush:drawing_sign", pk=pk)
    copy = _copy(request, pk)
    return redirect(reverse("rush:drawings", args=[copy.drawing.order_id]) + f"#copy-{copy.pk}")


@login_required
def sign_copy(request, pk):
    """The holder's page for one copy: what it is, and "I received it" (POST signs)."""
    copy = drawing_selectors.copy_to_sign(request.user, pk)
    if copy is None:
        raise Http404(_("No such drawing copy of yours."))
    if request.method == "POST":
        try:
            drawings.sign_copy(actor=request.user, copy=copy)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("You signed for copy %(copy)s.") % {"copy": copy.label})
        return redirect("rush:drawing_sign", pk=copy.pk)
    return render(request, "rush/drawing_sign.html", {
        "copy": copy, "drawing": copy.drawing, "order": copy.drawing.order,
        "attachments": list(copy.drawing.attachments.all()),
        "can_see_order_drawings": request.user.has_perm(drawings.VIEW)})


@login_required
def drawing_attachment(request, pk):
    attachment = drawing_selectors.visible_attachment(request.user, pk)
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


@login_required
def home_drawings(request):
    """The home page's section: the temporary drawing copies the user holds (seed 003: back within 24 hours of
    the order's completion), the overdue ones marked; empty when they hold none. A fragment of its own, so the
    home page's cost does not grow with the rush app's sections."""
    now = timezone.now()
    copies = list(drawing_selectors.held_copies(request.user)[:20])
    return render(request, "rush/_home_drawings.html", {
        "to_sign": list(drawing_selectors.copies_to_sign(request.user)[:20]),
        "my_drawings": copies, "my_drawings_overdue": sum(1 for c in copies if c.is_overdue(now)), "now": now})
