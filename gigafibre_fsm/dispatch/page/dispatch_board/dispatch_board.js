// Dispatch Board: one timeline row per technician, the day's jobs as blocks, unassigned jobs aside.
// Plain desk JS loaded with the page (no bundle): moves go through gigafibre_fsm.api.dispatch.move_job
// with the job's `modified`, so a dispatcher who moves a job someone else just moved gets a conflict.

const DB_API = "gigafibre_fsm.api.dispatch.";
const DB_DAY_START = 7 * 60; // the timeline shows 07:00 to 20:00
const DB_DAY_END = 20 * 60;
const DB_PX_PER_MIN = 1.4;
const DB_SNAP_MIN = 15;

frappe.pages["dispatch-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Dispatch Board"),
		single_column: true,
	});
	wrapper.dispatch_board = new DispatchBoard(page);
};

frappe.pages["dispatch-board"].on_page_show = function (wrapper) {
	if (wrapper.dispatch_board) wrapper.dispatch_board.load();
};

class DispatchBoard {
	constructor(page) {
		this.page = page;
		this.jobs = {};
		this.technicians = [];
		add_board_style();
		this.date_field = page.add_field({
			fieldname: "date",
			label: __("Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			change: () => this.load(),
		});
		this.time_limit_field = page.add_field({
			fieldname: "time_limit",
			label: __("Solver time (s)"),
			fieldtype: "Int",
			description: __("Empty: the time set in Dispatch Settings; never more than its maximum"),
		});
		page.set_primary_action(__("Plan the day"), () => this.plan_day(), "calendar");
		page.set_secondary_action(__("Refresh"), () => this.load(), "refresh");
		page.add_inner_button(__("Previous day"), () => this.shift_day(-1));
		page.add_inner_button(__("Next day"), () => this.shift_day(1));
		this.$body = $(`<div class="dispatch-board">
			<div class="db-timeline"></div>
			<div class="db-side">
				<h5>${__("Unassigned jobs")}</h5>
				<div class="db-unassigned db-drop" data-technician=""></div>
				<p class="text-muted small">${__("Drag a job onto a technician's row, or click it for more.")}</p>
			</div>
		</div>`).appendTo(page.main);
		frappe.realtime.on("dispatch_job_changed", (data) => this.on_job_changed(data));
		// a day is planned in a background job: its progress and its plan arrive by realtime events
		frappe.realtime.on("day_plan_progress", (data) => this.on_plan_progress(data));
		frappe.realtime.on("day_plan_ready", (data) => this.on_plan_ready(data));
	}

	get date() {
		return this.date_field.get_value() || frappe.datetime.get_today();
	}

	shift_day(days) {
		this.date_field.set_value(frappe.datetime.add_days(this.date, days));
	}

	load() {
		return frappe
			.call({ method: "gigafibre_fsm.dispatch.page.dispatch_board.dispatch_board.get_board", args: { date: this.date } })
			.then((r) => {
				this.technicians = r.message.technicians;
				this.jobs = {};
				r.message.jobs.forEach((job) => (this.jobs[job.name] = job));
				this.render();
			});
	}

	// Live updates: another dispatcher, the planner, an accepted offer or a technician's phone.
	on_job_changed(data) {
		const known = this.jobs[data.job];
		if (data.scheduled_date !== this.date) {
			if (known) {
				delete this.jobs[data.job];
				this.render();
			}
			return;
		}
		if (!known) return this.load(); // a job new to this day: fetch its subject and the rest
		Object.assign(known, {
			technician: data.technician,
			start_time: data.start_time,
			duration_minutes: data.duration_minutes,
			status: data.status,
			modified: data.modified,
			assistants: data.assistants,
		});
		if (known.status === "Cancelled") delete this.jobs[data.job];
		this.render();
		this.$body.find(`.db-job[data-job="${CSS.escape(data.job)}"]`).addClass("db-flash");
	}

	render() {
		const $timeline = this.$body.find(".db-timeline").empty();
		const width = (DB_DAY_END - DB_DAY_START) * DB_PX_PER_MIN;
		const $hours = $(`<div class="db-row db-hours"><div class="db-name"></div><div class="db-track" style="width:${width}px"></div></div>`);
		for (let m = DB_DAY_START; m < DB_DAY_END; m += 60) {
			$hours.find(".db-track").append(
				`<span class="db-hour" style="left:${(m - DB_DAY_START) * DB_PX_PER_MIN}px">${String(m / 60).padStart(2, "0")}:00</span>`
			);
		}
		$timeline.append($hours);
		if (!this.technicians.length) {
			$timeline.append(`<p class="text-muted">${__("No active technicians.")}</p>`);
		}
		this.technicians.forEach((tech) => {
			const $row = $(`<div class="db-row" data-technician="${frappe.utils.escape_html(tech.name)}">
				<div class="db-name">${frappe.utils.escape_html(tech.technician_name || tech.name)}
					${tech.absent ? `<span class="indicator-pill orange">${__("Absent")}</span>` : ""}</div>
				<div class="db-track db-drop" data-technician="${frappe.utils.escape_html(tech.name)}" style="width:${width}px"></div>
			</div>`).appendTo($timeline);
			const $track = $row.find(".db-track");
			Object.values(this.jobs)
				.filter((job) => job.technician === tech.name || (job.assistants || []).includes(tech.name))
				.forEach((job) => $track.append(this.job_block(job, job.technician !== tech.name)));
		});
		const $unassigned = this.$body.find(".db-unassigned").empty();
		const open = Object.values(this.jobs).filter((job) => !job.technician);
		if (!open.length) $unassigned.append(`<p class="text-muted small">${__("No unassigned jobs.")}</p>`);
		open.forEach((job) => $unassigned.append(this.job_block(job, false, true)));
		this.bind_drag_and_drop();
	}

	job_block(job, assisting, in_list) {
		const start = to_minutes(job.start_time);
		const duration = job.duration_minutes || 60;
		const label = frappe.utils.escape_html(job.subject || job.name);
		const time = job.start_time ? `${job.start_time} · ` : "";
		const $block = $(`<div class="db-job db-status-${frappe.scrub(job.status)}" draggable="${!assisting}"
			data-job="${frappe.utils.escape_html(job.name)}" title="${label}">
			<div class="db-job-title">${assisting ? "+ " : ""}${job.recurring_series ? "↻ " : ""}${label}</div>
			<div class="db-job-meta">${time}${duration} min · ${__(job.status)}</div>
		</div>`);
		if (!in_list && start !== null) {
			const left = Math.max(0, start - DB_DAY_START) * DB_PX_PER_MIN;
			$block.css({ position: "absolute", left: left + "px", width: Math.max(40, duration * DB_PX_PER_MIN - 2) + "px" });
		}
		if (assisting) $block.addClass("db-assisting");
		$block.on("click", () => this.job_dialog(job.name));
		return $block;
	}

	bind_drag_and_drop() {
		this.$body.find(".db-job[draggable=true]").each((_, el) => {
			el.addEventListener("dragstart", (e) => {
				e.dataTransfer.setData("text/plain", el.dataset.job);
				e.dataTransfer.effectAllowed = "move";
			});
		});
		this.$body.find(".db-drop").each((_, el) => {
			el.addEventListener("dragover", (e) => {
				e.preventDefault();
				el.classList.add("db-over");
			});
			el.addEventListener("dragleave", () => el.classList.remove("db-over"));
			el.addEventListener("drop", (e) => {
				e.preventDefault();
				el.classList.remove("db-over");
				const job = this.jobs[e.dataTransfer.getData("text/plain")];
				if (!job) return;
				const technician = el.dataset.technician || "";
				let start_time = job.start_time;
				if (technician) {
					const x = e.clientX - el.getBoundingClientRect().left;
					const minutes = DB_DAY_START + Math.round(x / DB_PX_PER_MIN / DB_SNAP_MIN) * DB_SNAP_MIN;
					start_time = from_minutes(Math.min(Math.max(minutes, DB_DAY_START), DB_DAY_END - DB_SNAP_MIN));
				}
				this.move(job, { technician, start_time });
			});
		});
	}

	// The move carries the version the dispatcher saw; the server refuses it if the job changed since.
	move(job, changes) {
		return frappe
			.call({
				method: DB_API + "move_job",
				args: { job: job.name, expected_modified: job.modified, ...changes },
				freeze: true,
			})
			.then((r) => {
				frappe.show_alert({ message: __("Job {0} moved", [job.name]), indicator: "green" });
				Object.assign(job, changes, { modified: r.message.modified, status: r.message.status });
				job.technician = r.message.technician;
				if (changes.scheduled_date && changes.scheduled_date !== this.date) delete this.jobs[job.name];
				this.render();
			})
			.catch(() => this.load()); // the server's message (e.g. the conflict) is already shown
	}

	// "this and following" or "all": the server changes the series and keeps its jobs in step
	edit_series(job, scope, changes) {
		const changed = {};
		Object.keys(changes).forEach((key) => {
			if ((changes[key] || "") !== (job[key] || "")) changed[key] = changes[key];
		});
		return frappe
			.call({
				method: DB_API + "edit_recurring_job",
				args: { job: job.name, scope, changes: changed, expected_modified: job.modified },
				freeze: true,
			})
			.then(() => {
				frappe.show_alert({ message: __("The series was changed"), indicator: "green" });
				this.load();
			})
			.catch(() => this.load());
	}

	job_dialog(name) {
		const job = this.jobs[name];
		if (!job) return;
		const options = [{ label: __("Nobody (unassigned)"), value: "" }].concat(
			this.technicians.map((t) => ({ label: t.technician_name || t.name, value: t.name }))
		);
		const dialog = new frappe.ui.Dialog({
			title: __("Job {0}", [job.name]),
			fields: [
				{ fieldtype: "HTML", fieldname: "summary" },
				{ fieldtype: "Select", fieldname: "technician", label: __("Technician"), options, default: job.technician || "" },
				{ fieldtype: "Date", fieldname: "scheduled_date", label: __("Date"), default: job.scheduled_date },
				{ fieldtype: "Data", fieldname: "start_time", label: __("Start Time"), default: job.start_time || "", description: __("HH:MM") },
			].concat(
				job.recurring_series
					? [
							{
								fieldtype: "Select",
								fieldname: "scope",
								label: __("Apply to"),
								options: RECURRENCE_SCOPES(),
								default: "this",
								description: __("This job repeats (series {0})", [job.recurring_series]),
							},
					  ]
					: []
			),
			primary_action_label: __("Move"),
			primary_action: (values) => {
				dialog.hide();
				const changes = {
					technician: values.technician || "",
					scheduled_date: values.scheduled_date,
					start_time: values.start_time || job.start_time,
				};
				if (job.recurring_series && values.scope && values.scope !== "this") {
					this.edit_series(job, values.scope, changes);
				} else {
					this.move(job, changes);
				}
			},
			secondary_action_label: __("Best technicians"),
			secondary_action: () => {
				dialog.hide();
				this.best_technicians(job);
			},
		});
		const esc = frappe.utils.escape_html;
		dialog.fields_dict.summary.$wrapper.html(`<p><b>${esc(job.subject || "")}</b></p>
			<p>${__("Status")}: ${__(job.status)} · ${job.duration_minutes || 60} min
			${job.window_start ? ` · ${__("Window")}: ${esc(job.window_start)}–${esc(job.window_end || "")}` : ""}</p>
			<p><a href="/app/dispatch-job/${encodeURIComponent(job.name)}">${__("Open the job")}</a></p>`);
		dialog.show();
	}

	best_technicians(job) {
		frappe.call({ method: DB_API + "best_technicians", type: "GET", args: { job: job.name }, freeze: true }).then((r) => {
			const result = r.message;
			const esc = frappe.utils.escape_html;
			const dialog = new frappe.ui.Dialog({
				title: __("Best technicians for {0}", [job.name]),
				size: "large",
				fields: [{ fieldtype: "HTML", fieldname: "list" }],
				primary_action_label: __("Offer to these"),
				primary_action: () => {
					const technicians = result.ranked.map((c) => c.technician);
					frappe
						.call({ method: DB_API + "offer_job", args: { job: job.name, technicians }, freeze: true })
						.then((res) => {
							dialog.hide();
							frappe.show_alert({ message: __("Offered to {0} technicians", [res.message.length]), indicator: "green" });
						});
				},
			});
			const ranked = result.ranked
				.map(
					(c, i) => `<tr>
					<td>${i + 1}</td><td>${esc(c.technician_name)}</td>
					<td>${__("{0} min", [c.travel_minutes])}</td>
					<td>${__("{0} min", [c.workload_minutes])}</td>
					<td>${c.skill_surplus}</td>
					<td><button class="btn btn-xs btn-primary db-assign" data-technician="${esc(c.technician)}">${__("Assign")}</button></td>
				</tr>`
				)
				.join("");
			const excluded = result.excluded
				.map((e) => `<tr><td>${esc(e.technician_name)}</td><td>${esc(e.reason)}</td></tr>`)
				.join("");
			dialog.fields_dict.list.$wrapper.html(`
				<table class="table table-sm db-ranked">
					<thead><tr><th>#</th><th>${__("Technician")}</th><th>${__("Travel")}</th>
					<th>${__("Booked that day")}</th><th>${__("Skill surplus")}</th><th></th></tr></thead>
					<tbody>${ranked || `<tr><td colspan="6" class="text-muted">${__("No technician can take this job at that time")}</td></tr>`}</tbody>
				</table>
				<h6>${__("Cannot take it")}</h6>
				<table class="table table-sm db-excluded"><tbody>${excluded || `<tr><td class="text-muted">${__("Nobody")}</td></tr>`}</tbody></table>`);
			dialog.fields_dict.list.$wrapper.find(".db-assign").on("click", (e) => {
				dialog.hide();
				this.move(job, { technician: e.currentTarget.dataset.technician });
			});
			if (!result.ranked.length || job.technician) dialog.get_primary_btn().prop("disabled", true);
			dialog.show();
		});
	}

	plan_day() {
		const args = { date: this.date };
		const limit = this.time_limit_field.get_value();
		if (limit) args.time_limit = limit;
		this.planning = { date: this.date, started: Date.now() };
		this.show_plan_progress(2, __("Waiting for a worker…"));
		frappe
			.call({ method: DB_API + "preview_day_plan", args })
			.then((r) => {
				if (!r.message.queued) {
					frappe.show_alert({ message: __("This day is already being planned; its plan will show here"), indicator: "blue" });
				}
			})
			.catch(() => this.stop_plan_progress());
	}

	on_plan_progress(data) {
		if (!this.planning || data.date !== this.planning.date) return;
		this.planning.time_limit = data.time_limit;
		if (data.stage === "planning") {
			// the solver says nothing until it is done: advance the bar over its time limit
			const started = Date.now();
			clearInterval(this.planning.timer);
			this.planning.timer = setInterval(() => {
				const share = Math.min(1, (Date.now() - started) / 1000 / Math.max(1, data.time_limit || 10));
				this.show_plan_progress(data.percent + Math.round(share * (95 - data.percent)), data.message);
			}, 500);
		}
		this.show_plan_progress(data.percent, data.message);
	}

	on_plan_ready(data) {
		if (!this.planning || data.date !== this.planning.date) return;
		this.stop_plan_progress();
		if (data.error) {
			frappe.msgprint({ title: __("The day could not be planned"), message: frappe.utils.escape_html(data.error), indicator: "red" });
			return;
		}
		this.show_plan(data.plan);
	}

	show_plan_progress(percent, message) {
		frappe.show_progress(__("Planning {0}", [frappe.datetime.str_to_user(this.planning.date)]), percent, 100, message || "");
	}

	stop_plan_progress() {
		if (this.planning) clearInterval(this.planning.timer);
		this.planning = null;
		frappe.hide_progress();
	}

	show_plan(plan) {
		const esc = frappe.utils.escape_html;
		const subject = (name) => esc((this.jobs[name] && this.jobs[name].subject) || name);
		const time = (iso) => (iso || "").slice(11, 16);
		const routes = plan.routes
			.map(
				(route) => `<div class="db-plan-route">
				<b>${esc(route.technician_name)}</b>
				<span class="text-muted">${__("leaves {0}, back {1}, {2} min and {3} km on the road", [
					time(route.depart),
					time(route.return_home),
					route.travel_minutes,
					route.travel_km,
				])}</span>
				<ol>${route.stops
					.filter((s) => s.kind === "job" || s.kind === "assist")
					.map(
						(s) => `<li>${time(s.start)}–${time(s.end)} ${subject(s.job)}
						<span class="text-muted">(${s.kind === "assist" ? __("assists") + ", " : ""}${__("ETA {0}", [time(s.arrival)])}, ${__("{0} min drive", [s.travel_minutes])})</span></li>`
					)
					.join("")}</ol></div>`
			)
			.join("");
		const unassigned = plan.unassigned.map((u) => `<li>${subject(u.job)}: ${esc(u.reason)}</li>`).join("");
		const warnings = plan.warnings.map((w) => `<li>${esc(w)}</li>`).join("");
		const dialog = new frappe.ui.Dialog({
			title: __("Plan for {0}", [frappe.datetime.str_to_user(plan.date)]),
			size: "large",
			fields: [{ fieldtype: "HTML", fieldname: "plan" }],
			primary_action_label: __("Apply"),
			primary_action: () => {
				frappe.call({ method: DB_API + "apply_day_plan", args: { plan_id: plan.plan_id }, freeze: true }).then((r) => {
					dialog.hide();
					frappe.show_alert({ message: __("{0} jobs changed", [r.message.jobs_changed]), indicator: "green" });
					this.load();
				});
			},
		});
		dialog.fields_dict.plan.$wrapper.html(`<div class="db-plan">
			<p>${__("Total: {0} min and {1} km on the road", [plan.travel_minutes, plan.travel_km])}</p>
			${routes || `<p class="text-muted">${__("No routes.")}</p>`}
			<h6>${__("Unassigned")}</h6>${unassigned ? `<ul>${unassigned}</ul>` : `<p class="text-muted">${__("Nobody")}</p>`}
			${warnings ? `<h6>${__("Warnings")}</h6><ul>${warnings}</ul>` : ""}
		</div>`);
		dialog.show();
	}
}

// Choices when a change touches a job of a repeating series (values understood by edit_recurring_job).
function RECURRENCE_SCOPES() {
	return [
		{ label: __("This job only"), value: "this" },
		{ label: __("This and the following jobs"), value: "following" },
		{ label: __("All jobs of the series"), value: "all" },
	];
}

function to_minutes(hhmm) {
	if (!hhmm) return null;
	const [h, m] = String(hhmm).split(":").map(Number);
	return h * 60 + (m || 0);
}

function from_minutes(minutes) {
	return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function add_board_style() {
	if (document.getElementById("dispatch-board-style")) return;
	$(`<style id="dispatch-board-style">
		.dispatch-board { display: flex; gap: 16px; align-items: flex-start; }
		.db-timeline { flex: 1; overflow-x: auto; border: 1px solid var(--border-color); border-radius: 8px; background: var(--card-bg); }
		.db-side { width: 260px; flex-shrink: 0; }
		.db-row { display: flex; border-bottom: 1px solid var(--border-color); min-height: 56px; }
		.db-hours { min-height: 28px; position: sticky; top: 0; background: var(--subtle-fg); }
		.db-name { width: 160px; flex-shrink: 0; padding: 8px; font-weight: 600; border-right: 1px solid var(--border-color);
			position: sticky; left: 0; background: var(--card-bg); z-index: 2; }
		.db-track { position: relative; flex-shrink: 0;
			background-image: repeating-linear-gradient(to right, var(--border-color) 0 1px, transparent 1px ${60 * DB_PX_PER_MIN}px); }
		.db-hour { position: absolute; top: 6px; font-size: 11px; color: var(--text-muted); padding-left: 3px; }
		.db-job { top: 6px; bottom: 6px; border-radius: 6px; padding: 3px 6px; font-size: 12px; overflow: hidden;
			cursor: pointer; background: var(--blue-100); border-left: 4px solid var(--blue-500); margin-bottom: 6px; }
		.db-unassigned .db-job { position: static; }
		.db-unassigned { min-height: 80px; border: 1px dashed var(--border-color); border-radius: 8px; padding: 6px; }
		.db-job-title { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
		.db-job-meta { color: var(--text-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
		.db-status-open { background: var(--gray-100); border-left-color: var(--gray-500); }
		.db-status-en_route { background: var(--yellow-100); border-left-color: var(--yellow-500); }
		.db-status-in_progress { background: var(--orange-100); border-left-color: var(--orange-500); }
		.db-status-completed { background: var(--green-100); border-left-color: var(--green-500); }
		.db-assisting { opacity: 0.7; border-left-style: dashed; cursor: default; }
		.db-over { outline: 2px solid var(--primary); outline-offset: -2px; }
		.db-flash { animation: db-flash 1.2s ease-out; }
		@keyframes db-flash { from { box-shadow: 0 0 0 3px var(--primary); } to { box-shadow: none; } }
		.db-plan-route { margin-bottom: 12px; }
		@media (max-width: 768px) { .dispatch-board { flex-direction: column; } .db-side { width: 100%; } }
	</style>`).appendTo(document.head);
}
