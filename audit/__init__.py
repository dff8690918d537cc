"""The master-data change log: `record_change` / `snapshot` write it, `audit.history` reads it."""
