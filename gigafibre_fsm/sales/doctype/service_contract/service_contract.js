// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.ui.form.on("Service Contract", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (["Draft", "Sent"].includes(frm.doc.status) && frm.perm[0].write) {
			const label = frm.doc.status === "Sent" ? __("Send Again") : __("Send for Acceptance");
			frm.add_custom_button(label, () => {
				frappe.confirm(__("Make the PDF and send the customer a link to accept it?"), () =>
					frappe
						.call({
							method: "gigafibre_fsm.api.sales.send_for_acceptance",
							args: { contract: frm.doc.name },
							freeze: true,
						})
						.then(() => {
							frappe.show_alert({ message: __("Contract sent"), indicator: "green" });
							frm.reload_doc();
						}),
				);
			});
		}
		if (frm.doc.status === "Accepted") {
			frm.add_custom_button(__("Download Accepted Contract"), () => {
				window.open(
					"/api/method/gigafibre_fsm.api.sales.download_accepted_contract?contract=" +
						encodeURIComponent(frm.doc.name),
				);
			});
			frm.set_intro(
				__("Accepted by {0} on {1}", [frappe.utils.escape_html(frm.doc.signer_name), frm.doc.accepted_at]),
				"green",
			);
		}
	},
});
