"""The API's JSON parser: refuses bodies that are not JSON, nested deeper than any order needs, or that hold
control characters in a key or string, with the API's JSON error format (400) instead of a 500. Python's
json module recurses once per nesting level, so a 10,000-level body would raise RecursionError; the depth is
measured on the raw text first, before json builds anything."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from inputs.validators import CONTROL_CHARACTER_MESSAGE, describe_character, find_control_character

# An order is {"lines": [{...}]}: three levels; room for a few more in future fields.
MAX_DEPTH = 10


def nesting_depth(text, limit):
    """The deepest nesting of [ and { outside strings, counting stops as soon as it passes `limit`."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def _control_character(value):
    """The first control character in any key or string of a parsed JSON value (iterative: no recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            char = find_control_character(item)
            if char:
                return char
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _reject_constant(name):
    raise ValueError(name)


def _finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):  # 1e309 overflows to infinity
        raise ValueError(text)
    return value


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The request body is not valid UTF-8 text.")) from None
        limit = getattr(settings, "API_JSON_MAX_DEPTH", MAX_DEPTH)
        if nesting_depth(text, limit) > limit:
            raise ParseError(_("The JSON is nested more than %(max)s levels deep.") % {"max": limit})
        try:
            # NaN and Infinity are not JSON: refused like any other malformed body.
            data = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
        except (ValueError, RecursionError):
            raise ParseError(_("The request body is not valid JSON.")) from None
        char = _control_character(data)
        if char:
            raise ParseError(str(CONTROL_CHARACTER_MESSAGE) % {"character": describe_character(char)})
        return data
