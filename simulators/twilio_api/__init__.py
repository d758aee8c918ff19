"""Local double of Twilio's Messages REST API and of Twilio's signed webhooks."""

from simulators.twilio_api.server import MAGIC_TO, Account, TwilioApiDouble, new_account_sid

__all__ = ["MAGIC_TO", "Account", "TwilioApiDouble", "new_account_sid"]
