"""Finds what a Chinese reader should never see on a page: English UI words left untranslated, raw
codes (in_production, True), ISO timestamps and numbers written as exponents.

It reads what a person reads: the text of the rendered HTML outside script/style, and the attributes
that are shown or read out (placeholder, title, alt, aria-label, button values). Text people typed in
(names of customers, products, items, ...) may be in English: those words come from the data and are
passed in as `data_words`."""

import re
from html.parser import HTMLParser

# Reviewed allow-list: proper nouns, units, standard abbreviations and codes that stay in Latin letters
# in Chinese factory documents. Keep it short; a word is added only with a reason.
ALLOWED_WORDS = {
    # the product and the name of the other language in the language menu
    "OrderFlow", "English",
    # the rush badge reads "RUSH 急单"; standard abbreviations used as they are (GB/T 2828.1, ISO 2859-1)
    "RUSH", "AQL", "Ac", "Re", "NCR", "SPC", "PMC", "BOM", "QC", "PDF", "CSV", "XLSX", "Excel", "API", "GB", "ISO",
    "SKU", "PO", "ID", "QR", "URL", "SMS", "WeCom", "DingTalk", "OK", "pH", "UTC", "IANA", "HTTP", "HTTPS", "JSON",
    "CR", "UCL", "LCL", "Cp", "Cpk", "Ppk", "Pp", "CL", "USL", "LSL", "FEFO", "FIFO", "KPI", "OTD", "FPY", "Gantt",
    # electronic data interchange as Chinese factories say it: EDI, CRM, and the UN/EDIFACT message names
    # (订单 ORDERS, 订单回复 ORDRSP, 发货通知 DESADV), shown as the standard names them; SSCC is the GS1 pallet code
    "EDI", "CRM", "ORDERS", "ORDRSP", "DESADV", "EDIFACT", "SSCC", "GS1",
    # GB/T 2828.1's inspection levels (I, II, III; S-1 ... S-4 are codes)
    "II", "III",
    # file formats and sizes named on upload forms
    "GBK", "UTF", "MB", "KB", "csv", "xlsx", "JPEG", "PNG", "WebP",
    # units of measure (inventory units, time)
    "pcs", "kg", "g", "mm", "cm", "m", "L", "ml", "mL", "h", "min", "s", "pc", "set", "box", "roll", "ctn",
    # currencies
    "CNY", "USD", "EUR", "HKD", "JPY", "GBP", "RMB",
}

# Document numbers (SO-2026-00001, MP-2026-00003, NCR-2026-00001), SKUs and lot codes (RM-STEEL,
# GK-1, FG-P-100), e-mail addresses and URLs are data, not words: removed before looking for words.
NOT_WORDS = [
    re.compile(r"\b[A-Z][A-Z0-9]*(?:[-/.][A-Z0-9]+)+\b"),  # codes with a separator: SO-2026-00001, RM-STEEL
    re.compile(r"\b[A-Z]{1,4}\d[\w-]*\b"),  # codes starting with letters and a digit: A05, P100, WC1-CUT
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"https?://\S+"),
    re.compile(r"\b(?:Ø|M)\d\S*"),  # thread and diameter sizes: M4×12, Ø40
]
WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z_]*[A-Za-z](?![\w-])")
# A raw code: snake_case (in_production, awaiting_qc), or a Python/JSON literal.
RAW_CODE = re.compile(r"(?<![\w-])(?:[a-z]+_[a-z_]+|True|False|None|null|undefined|nan|NaN)(?![\w-])")
ISO_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
EXPONENT = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d")

SHOWN_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
HIDDEN_TAGS = {"script", "style", "noscript", "template"}
LITERAL_TAGS = {"code", "kbd", "samp"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden, self._stack = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Literal text shown on purpose (accepted column names, IANA time zones): <code> or translate="no".
        if tag in HIDDEN_TAGS or tag in LITERAL_TAGS or attrs.get("translate") == "no":
            self._stack.append(tag)
            self._hidden += 1
            return
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def findings(html, *, data_words=frozenset(), allowed=frozenset()):
    """[(kind, what, in which text)] of one page in Chinese; an empty list when it reads clean."""
    found = []
    for text in visible_text(html):
        for pattern, kind in ((ISO_TIMESTAMP, "ISO timestamp"), (ISO_DATE, "ISO date"), (EXPONENT, "exponent")):
            found += [(kind, match, text) for match in pattern.findall(text) if match not in allowed]
        if EXPONENT.search(text) or ISO_TIMESTAMP.search(text):
            continue
        stripped = text
        for pattern in NOT_WORDS:
            stripped = pattern.sub(" ", stripped)
        found += [("raw code", match, text) for match in RAW_CODE.findall(stripped)
                  if match not in data_words and match not in allowed]
        stripped = RAW_CODE.sub(" ", stripped)
        found += [("English", word, text) for word in WORD.findall(stripped)
                  if word not in ALLOWED_WORDS and word not in allowed and word not in data_words]
    return found
