// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.listview_settings["Service Equipment"] = {
	onload(listview) {
		if (!frappe.model.can_create("Service Equipment")) return;
		// a new form asks for the label photo at once (service_equipment.js), then opens the
		// equipment it matches, fills itself, or records the equipment in stock
		listview.page.add_inner_button(__("Read label photo"), () => {
			frappe.flags.read_equipment_label = true;
			frappe.new_doc("Service Equipment");
		});
	},
};
