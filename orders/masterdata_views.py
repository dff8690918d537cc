"""Customer and product pages and imports (being written; placeholders refuse with 404)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


customer_list = customer_create = customer_edit = customer_import = _todo
product_list = product_create = product_edit = product_import = _todo
