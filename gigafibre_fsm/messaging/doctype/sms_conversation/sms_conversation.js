// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.ui.form.on("SMS Conversation", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frm.doc.channel === "WhatsApp") {
			frm.dashboard.set_headline(
				__("WhatsApp conversation: replies go back on WhatsApp."),
				"green"
			);
		}
		frm.add_custom_button(__("Reply"), () => reply(frm));
		if (frm.doc.unread_count) {
			frappe.call({
				method: "gigafibre_fsm.api.messaging.mark_read",
				args: { conversation: frm.doc.name },
			});
		}
	},
});

function reply(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Reply on {0}", [__(frm.doc.channel || "SMS")]),
		fields: [{ fieldname: "body", fieldtype: "Small Text", label: __("Message"), reqd: 1 }],
		primary_action_label: __("Send"),
		primary_action({ body }) {
			frappe
				.call({
					method: "gigafibre_fsm.api.messaging.reply",
					args: { conversation: frm.doc.name, body },
					freeze: true,
				})
				.then(() => {
					dialog.hide();
					frappe.show_alert({ message: __("Message queued"), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
