"""Fixtures for the search tests."""

import pytest

from tests.search.helpers import Visitor


@pytest.fixture
def visitor(app):
    """Someone who is not logged in, as `current_user` is for them."""
    return Visitor()
