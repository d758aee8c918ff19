// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.listview_settings["Service Network Change"] = {
	get_indicator(doc) {
		const colour = {
			Done: "green",
			"Nothing to Change": "blue",
			Queued: "orange",
			Retrying: "orange",
			Failed: "red",
			Superseded: "gray",
		}[doc.status];
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
};
