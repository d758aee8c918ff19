// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.listview_settings["Service Order"] = {
	add_fields: ["status", "payment_intent"],
	get_indicator(doc) {
		const colors = {
			Draft: "gray",
			"Awaiting Payment": "orange",
			Paid: "blue",
			Provisioning: "blue",
			Scheduled: "purple",
			Completed: "green",
			"Needs Attention": "red",
			Cancelled: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", "status,=," + doc.status];
	},
};
