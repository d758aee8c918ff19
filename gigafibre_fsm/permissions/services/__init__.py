"""The permission layer inside Frappe: who the user is, the hooks, and the checks of methods."""
