"""The invoice export for the accounting system (CSV or XLSX, written by exports.spreadsheets, which also
neutralises spreadsheet formulas). The column set is an interface: docs/settlement.md lists it, and the
header names are fixed (not translated) so an accounting import mapped once keeps working. Dates are
written YYYY-MM-DD and amounts as plain decimals with their currency in its own column."""

from exports.spreadsheets import EXPORT_LIMIT, export_response

EXPORT = "settlement.export_invoice"
COLUMNS = ["invoice_no", "invoice_date", "due_date", "status", "customer_code", "customer_name", "order_no",
           "customer_po", "shipment_no", "currency", "net_amount", "tax_rate_percent", "tax_amount",
           "gross_amount", "paid_amount", "outstanding", "payment_terms", "last_payment_date"]


def _rows(invoices):
    for invoice in invoices.iterator(chunk_size=2000):
        payments = [p.received_on for p in invoice.payments.all()]
        yield [invoice.number, invoice.invoice_date.isoformat(), invoice.due_date.isoformat(), invoice.status,
               invoice.customer.code, invoice.customer.name, invoice.order.number, invoice.order.customer_po,
               invoice.shipment.number, invoice.currency, invoice.net_amount, invoice.tax_rate, invoice.tax_amount,
               invoice.amount, invoice.paid_amount, invoice.outstanding, invoice.payment_terms,
               max(payments).isoformat() if payments else ""]


def invoices_export(invoices, fmt):
    """`invoices` (a queryset, at most EXPORT_LIMIT of them) as the download invoices-<time>.<fmt>."""
    invoices = invoices.select_related("customer", "order", "shipment").prefetch_related("payments")
    return export_response("invoices", COLUMNS, _rows(invoices[:EXPORT_LIMIT]), "invoices", fmt)
