"""Customer notices (客户通知) and logistics delays (物流延误): the one outbox for messages to customers.

- Notification rules are data (NoticeRule): which kind of notice (confirmation with the promised date, a
  changed promised date, dispatch with carrier and tracking link, delay, delivery) goes out on which order
  events, by e-mail and/or SMS. A rule names the order event actions that trigger it, so an event another
  app records (e.g. a promised-date change) is picked up without code here knowing that app.
- CustomerMessage is the outbox: one row per contact, channel and event (a unique key, so an event is
  notified once however often it is seen), claimed with a committed conditional UPDATE, sent with no
  transaction open, and recorded after (notices.delivery). Retries with backoff; a beat sweep sends what a
  lost task left pending and reads the order events a hook did not see.
- Opt-out per contact (CustomerContact.receives_updates), also through a signed unsubscribe link in every
  message; the delivery message links a short satisfaction form (signed link, no login) whose answers
  feed the customer feedback report.
- ShipmentDelay: a logistics delay of a shipment (carrier, cause, new ETA), open → resolved; recording it
  notifies the customer. Compensation (退款、赠品、折扣券) against the order: proposed → approved / rejected
  by a manager.
"""
