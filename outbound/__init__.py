"""Requests this server makes to addresses that people typed in (API webhooks, alert chat robots, the
SMS gateway): see outbound.http."""
