from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imports.tables import ImportFileError
from inputs.uploads import size_limited
from record_pages.views import paginate

from . import channels, inbound, selectors
from .forms import ChannelImportForm, InboxFilterForm, MappingForm
from .models import PROCESS_PERMISSION, Direction, EdiMessage, MessageStatus

VIEW = "edi.view_edimessage"


def _message(pk):
    try:
        return selectors.message_for_page(pk)
    except EdiMessage.DoesNotExist:
        raise Http404 from None


@login_required
@permission_required(VIEW, raise_exception=True)
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    direction = Direction.OUTBOUND if request.GET.get("direction") == Direction.OUTBOUND else Direction.INBOUND
    rows = selectors.inbox_messages(direction=direction, status=values.get("status", ""), q=values.get("q", ""))
    failed = selectors.failed_inbound_count()
    return render(request, "edi/inbox.html", {**paginate(request, rows), "form": form, "direction": direction,
                                              "failed_count": failed})


def _detail_context(request, message, mapping_form=None):
    can_fix = request.user.has_perm(PROCESS_PERMISSION) and message.status == MessageStatus.FAILED
    codes = inbound.unmapped_codes(message) if can_fix else []
    return {"message": message, "events": message.events.select_related("actor"), "can_fix": can_fix,
            "codes": codes, "mapping_form": mapping_form or (MappingForm(codes=codes) if codes else None)}


@login_required
@permission_required(VIEW, raise_exception=True)
def message_detail(request, pk):
    return render(request, "edi/message_detail.html", _detail_context(request, _message(pk)))


@require_POST
@login_required
@permission_required(PROCESS_PERMISSION, raise_exception=True)
def map_product(request, pk):
    message = _message(pk)
    if message.partner is None or message.status != MessageStatus.FAILED:
        messages.error(request, _("Only a failed message of a known partner can be fixed here."))
        return redirect("edi:message_detail", pk=pk)
    codes = inbound.unmapped_codes(message)
    form = MappingForm(request.POST, codes=codes)
    if form.is_valid():
        try:
            mapping = inbound.map_product(actor=request.user, partner=message.partner,
                                          partner_code=form.cleaned_data["partner_code"],
                                          product=form.cleaned_data["product"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(code)s of %(partner)s is now our %(sku)s.")
                             % {"code": mapping.partner_code, "partner": message.partner.name,
                                "sku": mapping.product.sku})
            return redirect("edi:message_detail", pk=pk)
    return render(request, "edi/message_detail.html", _detail_context(request, message, mapping_form=form),
                  status=400)


@require_POST
@login_required
@permission_required(PROCESS_PERMISSION, raise_exception=True)
def reprocess(request, pk):
    message = _message(pk)
    try:
        created = inbound.reprocess_message(actor=request.user, message=message)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("edi:message_detail", pk=pk)
    message.refresh_from_db()
    if created:
        messages.success(request, _("Order %(number)s was created from message %(ref)s and is waiting for review.")
                         % {"number": message.order.number, "ref": message.message_ref})
    else:
        messages.error(request, _("Message %(ref)s failed again: %(reason)s")
                       % {"ref": message.message_ref, "reason": message.get_error_display()})
    return redirect("edi:message_detail", pk=pk)


upload_size_limited = size_limited(lambda: settings.IMPORT_MAX_BYTES, "import_size_limit")


@upload_size_limited
@login_required
@permission_required(channels.IMPORT_PERMISSION, raise_exception=True)
def channel_import(request):
    form = ChannelImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "result": None, "error": ""}
    if request.method == "POST":
        limit = getattr(request, "import_size_limit", None)
        if (limit is not None and limit.too_large) or any(
                f.size > settings.IMPORT_MAX_BYTES for f in request.FILES.values()):
            context["error"] = _("The file is too large; nothing was imported.")
            form = context["form"] = ChannelImportForm(request.POST)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                context["result"] = channels.import_channel_file(
                    actor=request.user, profile=form.cleaned_data["profile"], data=upload.read(),
                    filename=upload.name)
            except ImportFileError as exc:
                context["error"] = exc.message
            except ValidationError as exc:
                context["error"] = " ".join(exc.messages)
    status = 400 if request.method == "POST" and (context["error"] or not form.is_valid()
                                                    or (context["result"] and context["result"].errors)) else 200
    return render(request, "edi/channel_import.html", context, status=status)
