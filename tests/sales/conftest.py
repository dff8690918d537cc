from .setup import people, shop  # noqa: F401 (fixtures)
