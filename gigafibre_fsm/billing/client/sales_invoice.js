// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt
// Stripe on a submitted Sales Invoice, for billing staff: a Checkout link to send the customer,
// and a refund of (part of) its Stripe payment, recorded against the invoice; the disputes of
// its payments, with their status.

frappe.ui.form.on("Sales Invoice", {
	refresh(frm) {
		if (frm.doc.docstatus !== 1 || !frappe.user.has_role(["Billing Agent", "System Manager"])) {
			return;
		}
		show_disputes(frm);
		if (frm.doc.outstanding_amount > 0) {
			frm.add_custom_button(
				__("Stripe Payment Link"),
				() =>
					frappe
						.call("gigafibre_fsm.api.billing.pay_invoice", { invoice: frm.doc.name })
						.then((r) => {
							frappe.msgprint({
								title: __("Stripe Payment Link"),
								message: `<a href="${r.message.url}" target="_blank" rel="noopener">${r.message.url}</a>`,
							});
						}),
				__("Stripe")
			);
		}
		frm.add_custom_button(
			__("Refund Stripe Payment"),
			() =>
				frappe.prompt(
					[
						{
							fieldname: "amount",
							fieldtype: "Currency",
							label: __("Amount"),
							description: __("Leave empty to refund all that is left"),
						},
						{
							fieldname: "reason",
							fieldtype: "Select",
							label: __("Reason"),
							options: ["", "requested_by_customer", "duplicate", "fraudulent"],
						},
					],
					(values) =>
						frappe
							.call("gigafibre_fsm.api.billing.refund", {
								invoice: frm.doc.name,
								amount: values.amount ? String(values.amount) : null,
								reason: values.reason || null,
							})
							.then(() => frm.reload_doc()),
					__("Refund Stripe Payment"),
					__("Refund")
				),
			__("Stripe")
		);
	},
});

function show_disputes(frm) {
	frappe.db
		.get_list("Stripe Dispute", {
			filters: { sales_invoice: frm.doc.name },
			fields: ["name", "status", "amount", "currency", "evidence_due_by", "loss_payment_entry"],
			order_by: "creation desc",
		})
		.then((disputes) => {
			if (!disputes.length) {
				return;
			}
			const open = disputes.some((d) => !["Won", "Lost", "Warning Closed"].includes(d.status));
			const lines = disputes.map((d) => {
				let line = `<a href="/app/stripe-dispute/${encodeURIComponent(d.name)}">${d.name}</a>: ${__(
					d.status
				)}, ${format_currency(d.amount, d.currency)}`;
				if (d.evidence_due_by && open) {
					line += ` (${__("evidence due by {0}", [frappe.datetime.str_to_user(d.evidence_due_by)])})`;
				}
				return line;
			});
			frm.dashboard.set_headline_alert(
				`<div><b>${__("Disputed")}</b><br>${lines.join("<br>")}</div>`,
				open ? "red" : disputes.some((d) => d.status === "Lost") ? "orange" : "green"
			);
		});
}
