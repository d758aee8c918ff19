import pytest

from simulators.stripe_api import StripeApiDouble


@pytest.fixture
def stripe_api():
	with StripeApiDouble() as double:
		yield double
