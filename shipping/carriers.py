"""Choosing the transport (seed 003: "选择最快捷的运输方式"): every active carrier mode with the arrival it
gives from the ship date and whether that meets the order's date (promised, else requested); for a rush
order the shipment form proposes the fastest mode that meets the date (the fastest of all when none does,
flagged as late)."""

from dataclasses import dataclass
from datetime import date, timedelta

from .models import TransportMode


@dataclass(frozen=True)
class TransportOption:
    mode: TransportMode
    arrival: date
    meets_date: bool


def transport_options(order, ship_date):
    due = order.promised_date or order.requested_date
    modes = TransportMode.objects.filter(is_active=True, carrier__is_active=True).select_related("carrier")
    return [TransportOption(mode, ship_date + timedelta(days=mode.transit_days),
                            due is None or ship_date + timedelta(days=mode.transit_days) <= due)
            for mode in modes.order_by("transit_days", "carrier__name", "pk")]


def proposed_option(order, options):
    """The fastest option that meets the date (or the fastest of all), for a rush order; None otherwise."""
    if not order.is_rush or not options:
        return None
    meeting = [option for option in options if option.meets_date]
    return (meeting or options)[0]
