// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt
// A failed or retrying change can be tried again at once by the NOC.

frappe.ui.form.on("Service Network Change", {
	refresh(frm) {
		const colour = {
			Done: "green",
			"Nothing to Change": "blue",
			Queued: "orange",
			Retrying: "orange",
			Failed: "red",
			Superseded: "gray",
		}[frm.doc.status];
		frm.page.set_indicator(__(frm.doc.status), colour);
		if (
			["Retrying", "Failed"].includes(frm.doc.status) &&
			frappe.user.has_role(["NOC Operator", "System Manager"])
		) {
			frm.add_custom_button(__("Try Again Now"), () =>
				frappe
					.call("gigafibre_fsm.api.network.retry_network_change", { change: frm.doc.name })
					.then(() => {
						frappe.show_alert({ message: __("Queued"), indicator: "blue" });
						setTimeout(() => frm.reload_doc(), 1500);
					})
			);
		}
	},
});
