import pytest

from .helpers import build_shop


@pytest.fixture
def shop(db):
    return build_shop()


@pytest.fixture
def operator(role_users):
    """The production user (operator and supervisor are one role)."""
    return role_users["production"]


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client
