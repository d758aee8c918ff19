// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

// The saved body rendered with sample values (the controller's onload), so that staff see
// what a customer will read.
frappe.ui.form.on("Customer Notification Template", {
	refresh(frm) {
		const preview = frm.doc.__onload && frm.doc.__onload.preview;
		const wrapper = frm.get_field("placeholders_help").$wrapper;
		wrapper.empty();
		if (preview) {
			$(`<div class="text-muted small"></div>`).text(__("As a customer reads it, with sample values:")).appendTo(wrapper);
			$(`<pre style="white-space: pre-wrap"></pre>`).text(preview).appendTo(wrapper);
		}
	},
});
