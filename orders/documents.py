"""Registers the order confirmation with the document pipeline (filled in by the documents work)."""
