"""What installing the app sets up beyond doctypes and fixtures."""

import frappe
from frappe import _

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


def create_default_tags():
	for tag, category in DEFAULT_TAGS:
		if not frappe.db.exists("Dispatch Tag", tag):
			frappe.get_doc(
				{"doctype": "Dispatch Tag", "tag_name": tag, "category": category, "description": _(tag)}
			).insert(ignore_permissions=True)
