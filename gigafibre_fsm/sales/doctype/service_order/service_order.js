// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.ui.form.on("Service Order", {
	refresh(frm) {
		if (frm.doc.status === "Needs Attention" && frm.doc.payment_intent) {
			frm.dashboard.set_headline_alert(
				`<div class="text-danger">${__("Paid, but not placed")}: ${frappe.utils.escape_html(frm.doc.failure || "")}</div>`
			);
			frm.add_custom_button(__("Finish"), () => {
				frappe.confirm(__("Place this order again from its recorded payment?"), () =>
					frappe
						.call({
							method: "gigafibre_fsm.api.sales.finish_order",
							args: { order: frm.doc.name },
							freeze: true,
						})
						.then(() => frm.reload_doc())
				);
			}).addClass("btn-primary");
		}
	},
});
