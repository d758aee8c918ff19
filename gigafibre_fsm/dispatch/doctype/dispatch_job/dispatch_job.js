// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

// A job of a repeating series: saving a change asks whether it is for this job only, for this
// and the following jobs, or for all jobs of the series (gigafibre_fsm.api.dispatch.edit_recurring_job).
const DJ_SERIES_FIELDS = [
	"subject", "job_type", "priority", "technician", "needs_assistant", "customer", "service_location",
	"latitude", "longitude", "window_start", "window_end", "notes",
	"scheduled_date", "start_time", "duration_minutes", "recurrence_rule", "recurrence_exceptions",
];
// The rule and the skipped dates are the series': they cannot change for one job alone.
const DJ_SERIES_ONLY = ["recurrence_rule", "recurrence_exceptions"];

frappe.ui.form.on("Dispatch Job", {
	refresh(frm) {
		frm.__dj_saved = dj_snapshot(frm.doc);
		frm.__dj_scope = null;
		if (frm.doc.recurring_series) {
			frm.set_intro(
				__("This job repeats: it is the {0} job of series {1}.", [
					frappe.datetime.str_to_user(frm.doc.occurrence_date),
					frm.doc.recurring_series,
				]),
				"blue"
			);
		}
	},

	validate(frm) {
		if (frm.is_new() || !frm.doc.recurring_series || frm.__dj_scope) return;
		const changes = dj_changes(frm);
		if (!Object.keys(changes).length) return;
		frappe.validated = false;
		dj_ask_scope(frm, changes);
	},
});

function dj_snapshot(doc) {
	const values = {};
	DJ_SERIES_FIELDS.forEach((field) => (values[field] = doc[field] == null ? "" : String(doc[field])));
	return values;
}

function dj_changes(frm) {
	const now = dj_snapshot(frm.doc);
	const changes = {};
	DJ_SERIES_FIELDS.forEach((field) => {
		if (now[field] !== (frm.__dj_saved || {})[field]) changes[field] = frm.doc[field] == null ? "" : frm.doc[field];
	});
	return changes;
}

function dj_ask_scope(frm, changes) {
	const series_only = DJ_SERIES_ONLY.some((field) => field in changes);
	const options = [
		{ label: __("This job only"), value: "this" },
		{ label: __("This and the following jobs"), value: "following" },
		{ label: __("All jobs of the series"), value: "all" },
	].filter((option) => !(series_only && option.value === "this"));
	const dialog = new frappe.ui.Dialog({
		title: __("Change a repeating job"),
		fields: [
			{
				fieldtype: "Select",
				fieldname: "scope",
				label: __("Apply to"),
				options,
				default: options[0].value,
				reqd: 1,
			},
		],
		primary_action_label: __("Save"),
		primary_action: ({ scope }) => {
			dialog.hide();
			if (scope === "this") {
				frm.__dj_scope = "this";
				frm.save();
				return;
			}
			frappe
				.call({
					method: "gigafibre_fsm.api.dispatch.edit_recurring_job",
					args: { job: frm.doc.name, scope, changes, expected_modified: frm.doc.modified },
					freeze: true,
				})
				.then(() => {
					frappe.show_alert({ message: __("The series was changed"), indicator: "green" });
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
