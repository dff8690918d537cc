"""Arrives with this stage's own issue; the app is registered so the layout is complete."""
