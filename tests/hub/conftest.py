import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Public pages are cached; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
