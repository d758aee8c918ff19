"""An Issue's dashboard lists the dispatch jobs opened for it."""

from frappe import _


def get_dashboard_data(data):
	data.setdefault("transactions", []).append({"label": _("Field Service"), "items": ["Dispatch Job"]})
	data.setdefault("non_standard_fieldnames", {})["Dispatch Job"] = "issue"
	data["fieldname"] = data.get("fieldname") or "issue"
	return data
