import pytest

from simulators.twilio_api import TwilioApiDouble


@pytest.fixture
def twilio():
	with TwilioApiDouble() as double:
		yield double
