"""Going back to a page the request names (a `next` field): only a path on this site is followed. Django's
redirect() would try a value without "/" as a view name, so a typed or forged `next` such as "=1+1" raised
NoReverseMatch (a 500); here it is a plain URL or the fallback."""

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def local_redirect(request, target, fallback="home"):
    """A redirect to `target` when it is a path on this site, else to `fallback` (a URL name or path)."""
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(resolve_url(fallback))
