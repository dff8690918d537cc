"""Text the system writes for people (event notes, impact lines, review history, alert messages, escalation
chains), stored as a message id plus values and rendered in the reader's language when read.

- `Text(gettext_noop("Received by %(name)s on %(date)s."), name=..., date=...)` is what a service passes
  where it used to pass a translated string (a note=, reason=, ...). Values keep their type: dates, times,
  durations, quantities, roles and labels of choices are stored tagged and formatted for the reader.
- `StoredTextField` + `TextValuesField` (systemtext.fields) keep such a text in two columns: the message id
  in the text column (English, so admin and SQL still read it) and the values in a JSON column. A row
  without values is free text a person typed and is shown as typed.
- `render(message, values)` turns the stored pair back into text in the active language.

Alerts (alerts.models.Alert) store their subject and body the same way and render through this module.
Cross-cutting: imports no app of ours.
"""
