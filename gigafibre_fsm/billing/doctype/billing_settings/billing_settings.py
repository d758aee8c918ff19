# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from gigafibre_fsm.billing.preauthorised_payments import RetryPolicy
from gigafibre_fsm.billing.services import settings
from gigafibre_fsm.network.acs import check_tag
from gigafibre_fsm.services.core_errors import translated_errors


class BillingSettings(Document):
	def validate(self):
		self.public_base_url = (self.public_base_url or "").strip().rstrip("/")
		self.stripe_api_base_url = (self.stripe_api_base_url or "").strip().rstrip("/")
		# shown so that whoever configures Stripe copies the exact URL
		self.webhook_url = settings.webhook_url(self.public_base_url)
		with translated_errors():
			RetryPolicy(int(self.ppa_days_between_attempts or 0), int(self.ppa_max_attempts or 0))
			self.suspension_acs_tag = check_tag(self.suspension_acs_tag or "suspended")
