"""The PDF document pipeline (filled in by the documents work)."""
