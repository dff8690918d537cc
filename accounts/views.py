from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inputs.redirects import local_redirect

from .forms import LanguageForm
from .middleware import SESSION_LANGUAGE_KEY
from .services import set_user_language


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_success_url(self):
        return "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_POST
def switch_language(request):
    """Switch the interface language; remembered on the user's profile when signed in."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown language."))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        set_user_language(actor=request.user, language=language)
        request.session[SESSION_LANGUAGE_KEY] = language
    response = local_redirect(request, form.cleaned_data["next"], "/")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        samesite="Lax")
    return response


@login_required
def profile(request):
    return redirect("accounts:password_change")
