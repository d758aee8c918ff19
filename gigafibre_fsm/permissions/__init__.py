"""The one permission layer: which records each user may see and change (see README.md).

`roles` names the roles and the role sets every caller uses; `policy` is the table of what a
customer and a field technician may do with each doctype; `services/` applies them in Frappe.
"""
