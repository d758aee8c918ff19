"""The app's declarative files pass the checks Frappe would otherwise fail on at install."""

import pytest

from tests.static.app_rules import ALL_CHECKS

from .conftest import APP


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
def test_app_passes(check):
	problems = check(APP)
	assert not problems, "\n".join(problems)
