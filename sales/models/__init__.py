"""The commercial front (issue 18): price lists per customer grade and currency, the discount rule,
quotations with their versions and lines (sales/models/quotes.py), and framework contracts with the
orders called off against them (sales/models/contracts.py)."""

from .contracts import Contract, ContractAction, ContractCallOff, ContractEvent, ContractLine, ContractStatus
from .quotes import (
    DiscountRule,
    PriceList,
    PriceListItem,
    Quotation,
    QuotationAction,
    QuotationEvent,
    QuotationLine,
    QuotationStatus,
)

__all__ = [
    "Contract", "ContractAction", "ContractCallOff", "ContractEvent", "ContractLine", "ContractStatus",
    "DiscountRule", "PriceList", "PriceListItem", "Quotation", "QuotationAction", "QuotationEvent",
    "QuotationLine", "QuotationStatus",
]
