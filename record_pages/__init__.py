"""Steps shared by the pages that list and edit master-data records (customers, products, items,
work centers, ...): pagination, service errors on forms, activate/deactivate, save with a message.
Cross-cutting: imports no stage app."""
