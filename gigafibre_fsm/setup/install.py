"""What installing the app sets up beyond doctypes and fixtures."""

import frappe
from frappe import _

from gigafibre_fsm.setup.translations import compile_catalogues

# The skills a fibre ISP's dispatch starts with; the dispatcher adds their own.
DEFAULT_TAGS = (
	("Fibre Splicing", "Skill"),
	("ONT Installation", "Skill"),
	("Aerial Work", "Certification"),
	("Underground Work", "Skill"),
	("IPTV", "Skill"),
	("Wi-Fi and Mesh", "Skill"),
	("Business Services", "Skill"),
	("Troubleshooting", "Skill"),
)


def after_install():
	create_default_tags()
	create_sales_tax_templates()
	create_notification_templates()
	create_order_catalog()
	index_stripe_references()
	compile_catalogues()


def index_stripe_references():
	"""Payment Entries found by Stripe's id under a lock (billing/services/payments.py)."""
	from gigafibre_fsm.billing.services.payments import ensure_reference_index

	ensure_reference_index()


def create_order_catalog():
	"""The online order's item groups, and a small catalog when the site has no plan yet."""
	from gigafibre_fsm.sales.services.catalog import ensure_default_catalog

	ensure_default_catalog()


def create_notification_templates():
	"""The default customer notification templates, French and English (missing ones only)."""
	from gigafibre_fsm.messaging.services.notifications import install_default_templates

	install_default_templates()


def create_default_tags():
	for tag, category in DEFAULT_TAGS:
		if not frappe.db.exists("Dispatch Tag", tag):
			frappe.get_doc(
				{"doctype": "Dispatch Tag", "tag_name": tag, "category": category, "description": _(tag)}
			).insert(ignore_permissions=True)


def create_sales_tax_templates():
	"""GST and QST as a Sales Taxes and Charges Template for each company (rates from
	billing/data/quebec_sales_taxes.json)."""
	from gigafibre_fsm.billing.services.taxes import ensure_templates_for_all_companies

	ensure_templates_for_all_companies()
