"""Text that is blank to a reader: white space and the invisible format characters around what a person typed
(a byte-order mark U+FEFF pasted from a file, zero-width spaces and joiners, direction marks, soft hyphens:
Unicode category Cf) and the few letters that draw nothing (Hangul fillers, the blank braille pattern).
`str.strip()` keeps them, so a reason made only of them looked filled in and was stored.

`visible_strip(text)` strips them from both ends (the text inside is kept as typed: a zero-width joiner
inside an emoji is part of it). Every form CharField that strips (Django's default) and every API
CharField that trims does it through inputs.apps, so "required" refuses such a text; services that take
a reason from elsewhere strip it with the same function before checking that it is not empty."""

import unicodedata

# Not Cf, but nothing shows: Hangul fillers and the blank braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_invisible(char):
    return char.isspace() or char in BLANK_LETTERS or unicodedata.category(char) == "Cf"


def visible_strip(text):
    """`text` without white space or invisible characters at either end (a non-string is returned as it is)."""
    if not isinstance(text, str):
        return text
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]
