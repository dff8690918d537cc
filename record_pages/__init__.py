"""Steps shared by the pages that list and edit master-data records (customers, products, items,
work centers, ...): the list page, pagination, service errors on forms, activate/deactivate, save with a
message, the version editors (BOMs, routings), a record's field checks and its admin form.
Cross-cutting: imports no stage app."""
