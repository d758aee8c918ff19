// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

// "Read label photo": upload or take a photo of the label, see what its barcodes and QR codes
// say (gigafibre_fsm.api.subscribers.read_equipment_label), then open the equipment it
// matches, fill this form, or record it in stock with the photo kept on it.
frappe.ui.form.on("Service Equipment", {
	refresh(frm) {
		// for whoever may record equipment (a technician scans from their job's page instead)
		if (!frappe.model.can_create("Service Equipment")) return;
		frm.add_custom_button(__("Read label photo"), () => read_label_photo(frm));
		// the list's button opens a new form and asks for the photo at once
		if (frm.is_new() && frappe.flags.read_equipment_label) {
			frappe.flags.read_equipment_label = false;
			read_label_photo(frm);
		}
	},
});

function read_label_photo(frm) {
	new frappe.ui.FileUploader({
		dialog_title: __("Photo of the label"),
		allow_multiple: false,
		allow_take_photo: true,
		allow_web_link: false,
		disable_file_browser: true,
		make_attachments_public: false,
		restrictions: { allowed_file_types: ["image/*"], max_number_of_files: 1 },
		on_success(file) {
			frappe
				.call({
					method: "gigafibre_fsm.api.subscribers.read_equipment_label",
					args: { file_url: file.file_url },
					freeze: true,
					freeze_message: __("Reading the label…"),
				})
				.then((r) => show_label_reading(frm, file.file_url, r.message));
		},
	});
}

const KIND_LABELS = {
	gpon_serial: __("GPON serial"),
	serial: __("Serial number"),
	mac: __("MAC address"),
	wifi_ssid: __("Wi-Fi network"),
	other: __("Other"),
};

function reading_html(answer) {
	const rows = answer.reading.identities
		.map(
			(i) => `<tr><td>${frappe.utils.escape_html(KIND_LABELS[i.kind] || i.kind)}</td>
				<td><code>${frappe.utils.escape_html(i.value)}</code></td>
				<td>${Math.round(i.confidence * 100)} %</td>
				<td>${frappe.utils.escape_html(i.symbologies.join(", "))}</td></tr>`
		)
		.join("");
	const table = rows
		? `<table class="table table-bordered table-sm"><thead><tr><th>${__("Read")}</th>
			<th>${__("Value")}</th><th>${__("Confidence")}</th><th>${__("Code")}</th></tr></thead>
			<tbody>${rows}</tbody></table>`
		: "";
	const matches = answer.matches
		.map(
			(m) => `<li><a href="${m.url}">${frappe.utils.escape_html(m.name)}</a> ·
				${frappe.utils.escape_html(__(m.equipment_type || ""))} ·
				${frappe.utils.escape_html(__(m.status || ""))} · ${frappe.utils.escape_html(m.serial_number || "")}</li>`
		)
		.join("");
	return `<p><b>${frappe.utils.escape_html(answer.message)}</b></p>${table}${
		matches ? `<ul>${matches}</ul>` : ""
	}`;
}

function show_label_reading(frm, file_url, answer) {
	const proposal = answer.proposal;
	const fields = [{ fieldname: "summary", fieldtype: "HTML", options: reading_html(answer) }];
	if (proposal) {
		fields.push(
			{
				fieldname: "equipment_type",
				fieldtype: "Select",
				label: __("Equipment Type"),
				options: frappe.meta.get_docfield("Service Equipment", "equipment_type").options,
				default: proposal.equipment_type,
				reqd: 1,
			},
			{
				fieldname: "manufacturer",
				fieldtype: "Data",
				label: __("Manufacturer"),
				default: proposal.manufacturer || "",
			},
			{ fieldname: "model", fieldtype: "Data", label: __("Model") }
		);
	}
	const dialog = new frappe.ui.Dialog({ title: __("Label photo"), fields });
	if (answer.match) {
		dialog.set_primary_action(__("Open {0}", [answer.match.name]), () => {
			dialog.hide();
			frappe.set_route("Form", "Service Equipment", answer.match.name);
		});
	} else if (proposal) {
		dialog.set_primary_action(__("Record in stock"), (values) => {
			frappe
				.call({
					method: "gigafibre_fsm.api.subscribers.create_equipment_from_label",
					args: { file_url, ...values },
					freeze: true,
				})
				.then((r) => {
					dialog.hide();
					frappe.show_alert({
						message: r.message.created
							? __("{0} recorded in stock", [r.message.equipment.name])
							: __("This is {0}", [r.message.equipment.name]),
						indicator: "green",
					});
					frappe.set_route("Form", "Service Equipment", r.message.equipment.name);
				});
		});
		if (frm && frm.is_new()) {
			dialog.set_secondary_action_label(__("Fill the form"));
			dialog.set_secondary_action(() => {
				const values = dialog.get_values(true);
				frm.set_value({
					serial_number: proposal.serial_number,
					mac_address: proposal.mac_address || "",
					status: proposal.status,
					equipment_type: values.equipment_type,
					manufacturer: values.manufacturer || "",
					model: values.model || "",
				});
				dialog.hide();
			});
		}
	}
	dialog.show();
}
