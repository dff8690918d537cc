"""CSV/XLSX import of customers and products: upload, preview with per-row errors, confirm, all or nothing.

The generic part (reading the file, mapping the header row, the preview → confirm flow) is the
`imports` app; this module says which columns customers and products have, with their English and
Chinese header names (`CUSTOMER_IMPORT`, `PRODUCT_IMPORT`), and checks every row with the same rules
as the forms (orders.masterdata_services). Rows are matched by code / SKU: a new one creates a
record, a known one updates it. Blank cells mean "not given": a new record gets the default, an
existing record keeps its value.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.columns import Column, parse_bool, parse_choice
from imports.columns import normalise as _normalise
from imports.previews import ModelImport

from . import masterdata_services, rules
from .models import Currency, Customer, PaymentTerms, Product, Unit

MAX_ROWS = 5000


def parse_money(text, column):
    return rules.parse_decimal(text, field_label=column.label)


def parse_days(text, column):
    number = rules.parse_decimal(text, field_label=column.label)
    if number != number.to_integral_value():
        raise ValidationError(_("%(field)s: enter a whole number of days.") % {"field": column.label})
    if abs(number) > 10**9:
        raise ValidationError(_("%(field)s: the number is too large.") % {"field": column.label})
    return int(number)


# Names people use for choice values, beyond the codes and the labels in each language.
CURRENCY_SYNONYMS = (("rmb", "CNY"), ("人民币", "CNY"), ("元", "CNY"), ("美元", "USD"), ("欧元", "EUR"),
                     ("港币", "HKD"), ("港元", "HKD"), ("日元", "JPY"))
PAYMENT_TERMS_SYNONYMS = (("预付", "prepaid"), ("预付款", "prepaid"), ("款到发货", "prepaid"), ("货到付款", "cod"),
                          ("30天", "net30"), ("60天", "net60"), ("90天", "net90"), ("月结", "monthly"))
LANGUAGE_SYNONYMS = (("zh", "zh-hans"), ("zhcn", "zh-hans"), ("cn", "zh-hans"), ("chinese", "zh-hans"),
                     ("中文", "zh-hans"), ("简体中文", "zh-hans"), ("english", "en"), ("英文", "en"), ("英语", "en"))
UNIT_SYNONYMS = (("pc", "pcs"), ("piece", "pcs"), ("个", "pcs"), ("件", "pcs"), ("只", "pcs"), ("套", "set"),
                 ("箱", "box"), ("千克", "kg"), ("公斤", "kg"), ("克", "g"), ("吨", "t"), ("升", "l"), ("米", "m"))


@dataclass(frozen=True, kw_only=True, eq=False)
class OrdersImport(ModelImport):
    def row_limit(self):
        return MAX_ROWS  # read at call time: tests lower it


_MONEY_FORMAT = gettext_lazy("A number with at most 2 decimals, e.g. 50000.00 (1,234.50 is fine, 12,5 is not).")
_BOOL_FORMAT = gettext_lazy("yes / no (是 / 否, 1 / 0).")
_CHOICE_FORMAT = gettext_lazy("The code or its name in English or Chinese.")
_ONCE_RULE = gettext_lazy("A code may appear only once in the file.")
_CHANGED = gettext_lazy("Customers or products were added or changed since the preview, so some rows would now do "
                        "something else. Nothing was imported; check the preview again.")

# Columns several imports have (the inventory and planning imports use them too).
UNIT_COLUMN = Column("unit", gettext_lazy("Unit"), ("unit", "uom", "unit of measure", "单位", "计量单位"),
                     parse=parse_choice, choices=tuple(Unit.choices), synonyms=UNIT_SYNONYMS, format=_CHOICE_FORMAT)
CURRENCY_COLUMN = Column("currency", gettext_lazy("Currency"), ("currency", "币种", "货币"), parse=parse_choice,
                         choices=tuple(Currency.choices), synonyms=CURRENCY_SYNONYMS, format=_CHOICE_FORMAT)
ACTIVE_COLUMN = Column("is_active", gettext_lazy("Active"), ("active", "is_active", "启用", "是否启用", "状态"),
                       parse=parse_bool, format=_BOOL_FORMAT)

CUSTOMER_IMPORT = OrdersImport(
    kind="customer", model=Customer, key="code", permission="orders.import_customer",
    field_errors=masterdata_services.customer_errors,
    changed_message=_CHANGED,
    rules=(gettext_lazy("Each row is matched by its code: a code that exists updates that customer, a new code "
                        "creates one."), _ONCE_RULE),
    columns=(
        Column("code", gettext_lazy("Code"), ("code", "customer code", "编码", "客户编码", "客户代码", "代码"),
               required=True, format=gettext_lazy("Unique, no spaces. An existing code updates that customer.")),
        Column("name", gettext_lazy("Name"), ("name", "customer name", "名称", "客户名称", "公司名称"),
               required=True),
        Column("name_en", gettext_lazy("English name"), ("name_en", "english name", "英文名称", "英文名")),
        Column("contact_name", gettext_lazy("Contact person"),
               ("contact_name", "contact", "contact person", "联系人")),
        Column("contact_phone", gettext_lazy("Phone"),
               ("contact_phone", "phone", "telephone", "tel", "电话", "联系电话", "手机")),
        Column("contact_email", gettext_lazy("E-mail"),
               ("contact_email", "email", "邮箱", "电子邮件", "电子邮箱")),
        Column("billing_address", gettext_lazy("Billing address"),
               ("billing_address", "invoice address", "开票地址", "账单地址")),
        Column("shipping_address", gettext_lazy("Shipping address"),
               ("shipping_address", "delivery address", "收货地址", "送货地址")),
        Column("credit_limit", gettext_lazy("Credit limit"), ("credit_limit", "信用额度"),
               parse=parse_money, format=_MONEY_FORMAT),
        Column("payment_terms", gettext_lazy("Payment terms"),
               ("payment_terms", "付款条件", "付款方式"), parse=parse_choice,
               choices=tuple(PaymentTerms.choices), synonyms=PAYMENT_TERMS_SYNONYMS, format=_CHOICE_FORMAT),
        CURRENCY_COLUMN,
        Column("language", gettext_lazy("Document language"),
               ("language", "document language", "语言", "单据语言"), parse=parse_choice,
               choices=tuple(settings.LANGUAGES), synonyms=LANGUAGE_SYNONYMS, format=_CHOICE_FORMAT),
        ACTIVE_COLUMN,
    ),
)

PRODUCT_IMPORT = OrdersImport(
    kind="product", model=Product, key="sku", permission="orders.import_product",
    field_errors=masterdata_services.product_errors,
    changed_message=_CHANGED,
    rules=(gettext_lazy("Each row is matched by its SKU: a SKU that exists updates that product, a new SKU "
                        "creates one."), _ONCE_RULE),
    columns=(
        Column("sku", gettext_lazy("SKU"),
               ("sku", "code", "product code", "item code", "part number", "编码", "产品编码", "物料编码", "料号",
                "品号"),
               required=True, format=gettext_lazy("Unique, no spaces. An existing SKU updates that product.")),
        Column("name", gettext_lazy("Name"), ("name", "product name", "名称", "产品名称", "品名"), required=True),
        Column("specification", gettext_lazy("Specification"),
               ("specification", "spec", "规格", "规格型号", "型号")),
        UNIT_COLUMN,
        Column("standard_lead_time_days", gettext_lazy("Standard lead time (days)"),
               ("lead_time_days", "lead time", "lead time (days)", "standard lead time", "standard lead time (days)",
                "standard_lead_time_days", "交期", "交期(天)", "标准交期", "标准交期(天)", "交货期"),
               parse=parse_days, format=gettext_lazy("A whole number of days, 0 or more.")),
        Column("list_price", gettext_lazy("List price"),
               ("list_price", "price", "unit price", "价格", "单价", "标准单价", "标价"),
               parse=parse_money, format=_MONEY_FORMAT),
        CURRENCY_COLUMN,
        ACTIVE_COLUMN,
    ),
)

IMPORTS = {spec.kind: spec for spec in (CUSTOMER_IMPORT, PRODUCT_IMPORT)}

__all__ = ["CUSTOMER_IMPORT", "IMPORTS", "MAX_ROWS", "PRODUCT_IMPORT", "_normalise"]
