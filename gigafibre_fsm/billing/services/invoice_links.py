"""Every Sales Invoice carries the link to pay it in the portal, and that link as a QR code.

The QR code is printed on paper invoices so a customer can pay from their phone.
"""

from base64 import b64encode
from io import BytesIO

from frappe.utils import get_url


def portal_link(invoice_name: str) -> str:
	# ERPNext's portal serves a customer's invoices at /invoices/<name>
	return get_url(f"/invoices/{invoice_name}")


def qr_code_data_uri(text: str) -> str:
	"""An SVG QR code of `text` as a data URI (pyqrcode ships with Frappe)."""
	from pyqrcode import create

	stream = BytesIO()
	create(text, error="M").svg(stream, scale=4, xmldecl=False, svgns=True)
	return "data:image/svg+xml;base64," + b64encode(stream.getvalue()).decode()


def set_portal_link_and_qr_code(doc, method=None):
	link = portal_link(doc.name)
	if doc.get("portal_link") != link or not doc.get("portal_qr_code"):
		doc.portal_link = link
		doc.portal_qr_code = qr_code_data_uri(link)
