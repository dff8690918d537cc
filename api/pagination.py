"""The API's list pages by keyset (record_pages.keyset): `?cursor=` from the previous answer's next/previous
link, `page_size` up to 200, `count` exact up to the cap (then `count_is_capped` is true). A page deep in
a long list costs what the first costs; a damaged cursor is a 400 with a message."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from record_pages.keyset import FIRST, LAST, keyset_page


class KeysetPages(BasePagination):
    page_size = 50
    max_page_size = 200

    def _size(self, request):
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            raise serializers.ValidationError({"page_size": _("A whole number from 1 to 200.")}) from None
        if not 1 <= size <= self.max_page_size:
            raise serializers.ValidationError({"page_size": _("A whole number from 1 to 200.")})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        cursor = request.query_params.get("cursor", "")
        self.request = request
        self.page = keyset_page(queryset, cursor=cursor, per_page=self._size(request))
        if self.page.problem:
            raise serializers.ValidationError({"cursor": self.page.problem})
        return self.page.rows

    def _link(self, cursor):
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", cursor) if cursor else None

    def get_paginated_response(self, data):
        return Response({"count": self.page.count, "count_is_capped": self.page.count_is_capped,
                         "next": self._link(self.page.next_cursor),
                         "previous": self._link(self.page.previous_cursor),
                         "first": remove_query_param(self.request.build_absolute_uri(), "cursor"),
                         "last": self._link(LAST), "results": data})

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {"type": "object", "required": ["count", "results"], "properties": {
            "count": {"type": "integer", "description": "exact up to 1000; see count_is_capped"},
            "count_is_capped": {"type": "boolean"}, "next": link, "previous": link,
            "first": {"type": "string", "format": "uri"}, "last": {"type": "string", "format": "uri"},
            "results": schema}}

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "cursor", "required": False, "in": "query", "schema": {"type": "string"},
             "description": f"from a previous page's next/previous link; '{FIRST}' or '{LAST}'"},
            {"name": "page_size", "required": False, "in": "query", "schema": {"type": "integer"},
             "description": "rows per page, 1 to 200 (default 50)"},
        ]
