// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt
// The Service Subscription form says what its last suspension or reactivation did on the
// network (the ACS tag on its devices): done, nothing to change, retrying or failed, with the
// error; the NOC can try a failed change again from here.

frappe.ui.form.on("Service Subscription", {
	refresh(frm) {
		// dispatchers edit subscriptions but do not read network changes
		if (frm.is_new() || !frappe.model.can_read("Service Network Change")) {
			return;
		}
		frappe.realtime.off("service_network_change");
		frappe.realtime.on("service_network_change", (data) => {
			if (data.service_subscription === frm.doc.name) {
				frm.reload_doc();
			}
		});
		frappe.db
			.get_list("Service Network Change", {
				filters: { service_subscription: frm.doc.name, status: ["!=", "Superseded"] },
				fields: ["name", "action", "status", "tries", "last_error", "outcome", "next_try_at"],
				order_by: "creation desc",
				limit: 10,
			})
			.then((changes) => show_network_changes(frm, changes));
	},
});

function show_network_changes(frm, changes) {
	if (!changes.length) {
		return;
	}
	// the changes written by the last status change share its action
	const latest = changes.filter((c) => c.action === changes[0].action);
	const failed = latest.filter((c) => c.status === "Failed");
	const waiting = latest.filter((c) => ["Queued", "Retrying"].includes(c.status));
	const link = (c) => `<a href="/app/service-network-change/${c.name}">${c.name}</a>`;
	let colour = "green";
	let lines = latest.map((c) => `${link(c)}: ${__(c.status)} ${frappe.utils.escape_html(c.outcome || "")}`);
	if (failed.length) {
		colour = "red";
		lines = failed.map(
			(c) =>
				`${link(c)}: ${__("Failed after {0} tries", [c.tries])}: ${frappe.utils.escape_html(
					c.last_error || ""
				)}`
		);
	} else if (waiting.length) {
		colour = "orange";
		lines = waiting.map(
			(c) =>
				`${link(c)}: ${__(c.status)}` +
				(c.last_error ? ` (${frappe.utils.escape_html(c.last_error)})` : "")
		);
	}
	frm.dashboard.set_headline_alert(
		`<div><b>${__("Network")} (${__(changes[0].action)})</b><br>${lines.join("<br>")}</div>`,
		colour
	);
	if ((failed.length || waiting.length) && frappe.user.has_role(["NOC Operator", "System Manager"])) {
		frm.add_custom_button(__("Try Network Change Again"), () =>
			Promise.all(
				[...failed, ...waiting.filter((c) => c.status === "Retrying")].map((c) =>
					frappe.call("gigafibre_fsm.api.network.retry_network_change", { change: c.name })
				)
			).then(() => frappe.show_alert({ message: __("Queued"), indicator: "blue" }))
		);
	}
}
