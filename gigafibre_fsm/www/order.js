// The online order page (/order): each step calls api.sales or api.customer_portal through
// frappe.call (the session's CSRF token); the order's secret token stays in sessionStorage.
frappe.ready(function () {
	const T = JSON.parse(document.getElementById("order-messages").textContent);
	const lang = JSON.parse(document.getElementById("order-lang").textContent);
	const SALES = "gigafibre_fsm.api.sales.";
	const PORTAL = "gigafibre_fsm.api.customer_portal.";
	const $ = (id) => document.getElementById(id);
	const message = $("order-message");
	const state = { address: null, catalog: null, plan: null, options: {}, order: null, token: null };
	let countdown = null;

	function say(text, problem) {
		message.textContent = text || "";
		message.className = text ? (problem ? "alert alert-danger" : "alert alert-info") : "";
	}
	function format(text, ...values) {
		return values.reduce((t, v, i) => t.replace("{" + i + "}", v), text);
	}
	function money(cents, currency) {
		return new Intl.NumberFormat(lang === "fr" ? "fr-CA" : "en-CA", {
			style: "currency",
			currency: currency || "CAD",
		}).format(cents / 100);
	}
	function serverMessage(data) {
		try {
			return JSON.parse(data._server_messages || "[]")
				.map((m) => {
					try {
						return JSON.parse(m).message;
					} catch (e) {
						return m;
					}
				})
				.join(" ");
		} catch (e) {
			return "";
		}
	}
	function call(method, args, done, button, type) {
		frappe.call({
			method: method,
			type: type || "POST",
			args: Object.assign({ _lang: lang }, args),
			btn: button,
			error_msg: "#order-scratch",
			statusCode: {},
			always: function (data) {
				if (data && !data.exc && data.message !== undefined) {
					say("");
					done(data.message);
				} else {
					say(serverMessage(data || {}) || T.error, true);
				}
			},
		});
	}
	function withOrder(args) {
		return Object.assign({ order: state.order, token: state.token }, args);
	}
	function show(id) {
		$(id).hidden = false;
		$(id).scrollIntoView({ behavior: "smooth", block: "start" });
	}

	// --- back from Stripe Checkout: the order's status until it is placed --------------------
	const statusStep = $("order-status-step");
	if (statusStep) {
		const order = statusStep.dataset.order;
		const token = sessionStorage.getItem("gf-order-token:" + order) || "";
		const text = $("order-status-text");
		const poll = (tries) => {
			call(
				SALES + "order_status",
				{ order: order, token: token },
				(s) => {
					if (s.needs_attention) {
						text.textContent = format(T.attention, s.order);
					} else if (["Provisioning", "Scheduled", "Completed"].includes(s.status)) {
						text.textContent = format(T.thanks, s.order, s.slot_date, s.window_start, s.window_end);
					} else if (statusStep.dataset.paid === "1" && tries < 40) {
						text.textContent = T.waiting;
						setTimeout(() => poll(tries + 1), 3000);
					} else {
						text.textContent = format(T.status, s.status_label);
					}
				},
				null,
				"GET"
			);
		};
		poll(0);
		return;
	}

	// --- 1. the address ---------------------------------------------------------------------
	$("address-form").addEventListener("submit", (e) => {
		e.preventDefault();
		call(
			SALES + "search_addresses",
			{ query: $("address-query").value, limit: 6 },
			(found) => {
				const list = $("address-results");
				list.innerHTML = "";
				if (!found.candidates.length) {
					say(found.message || T.no_match, true);
					return;
				}
				found.candidates.forEach((c) => {
					const li = document.createElement("li");
					const b = document.createElement("button");
					b.className = "btn btn-default btn-block text-left";
					b.style.whiteSpace = "normal";
					b.textContent = c.label + " — " + c.status_label;
					b.addEventListener("click", () => chooseAddress(c));
					li.appendChild(b);
					list.appendChild(li);
				});
			},
			e.target.querySelector("button"),
			"GET"
		);
	});
	function chooseAddress(candidate) {
		if (!candidate.eligible) {
			say(candidate.message || T.not_served, true);
			return;
		}
		state.address = candidate.name;
		$("address-results").innerHTML = "";
		$("address-chosen").textContent = candidate.label;
		$("address-chosen").hidden = false;
		call(
			SALES + "order_catalog",
			{},
			(catalog) => {
				state.catalog = catalog;
				renderCatalog();
				show("step-plan");
				$("step-contact").hidden = false;
			},
			null,
			"GET"
		);
	}

	// --- 2. plan and options ----------------------------------------------------------------
	function renderCatalog() {
		const c = state.catalog;
		const plans = $("plans");
		plans.innerHTML = "";
		c.plans.forEach((p, i) => {
			const label = document.createElement("label");
			label.className = "btn btn-default btn-block text-left";
			label.innerHTML = `<input type="radio" name="plan" value="${frappe.utils.escape_html(p.item_code)}"> `;
			label.append(p.item_name + " — " + format(T.per_month, money(p.price_with_taxes_cents, c.currency)));
			label.querySelector("input").checked = i === 0;
			plans.appendChild(label);
		});
		state.plan = c.plans.length ? c.plans[0].item_code : null;
		plans.addEventListener("change", (e) => {
			state.plan = e.target.value;
			repriceIfStarted();
		});
		const options = $("options");
		options.innerHTML = "";
		c.options.forEach((o) => {
			const label = document.createElement("label");
			label.className = "btn btn-default btn-block text-left";
			label.innerHTML = `<input type="checkbox" value="${frappe.utils.escape_html(o.item_code)}"> `;
			label.append(o.item_name + " — " + format(T.per_month, money(o.price_with_taxes_cents, c.currency)));
			label.querySelector("input").addEventListener("change", (e) => {
				if (e.target.checked) state.options[o.item_code] = 1;
				else delete state.options[o.item_code];
				repriceIfStarted();
			});
			options.appendChild(label);
		});
		$("fees").textContent = c.fees
			.map((f) => f.item_name + ": " + format(T.once, money(f.price_with_taxes_cents, c.currency)))
			.join(" · ");
	}
	$("promotion-code").addEventListener("change", repriceIfStarted);

	// --- 3. contact details, verified by a code ---------------------------------------------
	$("contact-form").addEventListener("submit", (e) => {
		e.preventDefault();
		call(
			PORTAL + "request_code",
			{ phone: $("contact-phone").value },
			(answer) => {
				$("code-form").hidden = false;
				$("code-sent").textContent = format(T.code_sent, answer.sent_to, answer.expires_in_minutes);
				$("code").focus();
			},
			e.target.querySelector("button")
		);
	});
	$("code-form").addEventListener("submit", (e) => {
		e.preventDefault();
		const button = e.target.querySelector("button");
		call(
			PORTAL + "verify_code",
			{ phone: $("contact-phone").value, code: $("code").value },
			() => {
				call(
					SALES + "start_order",
					{
						served_address: state.address,
						contact_name: $("contact-name").value,
						email: $("contact-email").value,
						mobile: $("contact-phone").value,
						language: lang,
					},
					(started) => {
						state.order = started.order;
						state.token = started.token;
						sessionStorage.setItem("gf-order-token:" + started.order, started.token);
						$("contact-form").hidden = true;
						$("code-form").hidden = true;
						reprice(() => loadSlots());
					},
					button
				);
			},
			button
		);
	});

	// --- 4. the price -----------------------------------------------------------------------
	function repriceIfStarted() {
		if (state.order) reprice();
	}
	function reprice(then) {
		call(
			SALES + "choose_plan",
			withOrder({
				plan: state.plan,
				options: JSON.stringify(state.options),
				promotion_code: $("promotion-code").value,
			}),
			(priced) => {
				const rows = priced.lines.map(
					(l) =>
						`<tr><td>${frappe.utils.escape_html(l.item_name)}${l.quantity > 1 ? " × " + l.quantity : ""}</td>` +
						`<td class="text-right">${money(l.amount_cents, priced.currency)}</td></tr>`
				);
				priced.taxes.forEach((t) =>
					rows.push(
						`<tr><td>${frappe.utils.escape_html(t.description)}</td><td class="text-right">${money(t.cents, priced.currency)}</td></tr>`
					)
				);
				rows.push(
					`<tr><th>${frappe.utils.escape_html(format(T.first_invoice, ""))}</th><th class="text-right">${money(priced.total_cents, priced.currency)}</th></tr>`
				);
				rows.push(
					`<tr><td colspan="2" class="small">${frappe.utils.escape_html(format(T.monthly, money(priced.monthly_total_cents, priced.currency)))}</td></tr>`
				);
				$("summary").innerHTML = rows.join("");
				$("pay-total").textContent = format(T.first_invoice, money(priced.total_cents, priced.currency));
				show("step-summary");
				// a new price: the contract must be shown and accepted again
				$("step-pay").hidden = true;
				if (!$("step-contract").hidden) loadContract();
				if (then) then();
			}
		);
	}

	// --- 5. the installation appointment, held 15 minutes -----------------------------------
	function loadSlots() {
		call(
			SALES + "order_slots",
			withOrder({}),
			(slots) => {
				const box = $("slots");
				box.innerHTML = "";
				if (!slots.length) say(T.no_slots, true);
				slots.slice(0, 12).forEach((s) => {
					const b = document.createElement("button");
					b.className = "btn btn-default btn-block";
					const day = new Date(s.date + "T12:00:00").toLocaleDateString(lang === "fr" ? "fr-CA" : "en-CA", {
						weekday: "long",
						day: "numeric",
						month: "long",
					});
					b.textContent = `${day}, ${s.window_start} – ${s.window_end}`;
					b.addEventListener("click", () => holdSlot(s, b));
					box.appendChild(b);
				});
				show("step-slot");
			},
			null,
			"GET"
		);
	}
	function holdSlot(slot, button) {
		call(
			SALES + "hold_order_slot",
			withOrder({ slot: slot.slot }),
			(held) => {
				startCountdown(held.expires_in_seconds, button.textContent);
				loadContract();
			},
			button
		);
	}
	function startCountdown(seconds, label) {
		clearInterval(countdown);
		const end = Date.now() + seconds * 1000;
		const box = $("slot-held");
		box.hidden = false;
		const tick = () => {
			const left = Math.max(0, Math.round((end - Date.now()) / 1000));
			const mmss = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
			box.textContent = label + " — " + format(T.held, mmss);
			if (!left) {
				clearInterval(countdown);
				box.textContent = T.hold_lapsed;
				$("step-pay").hidden = true;
				loadSlots();
			}
		};
		tick();
		countdown = setInterval(tick, 1000);
	}

	// --- 6. the contract --------------------------------------------------------------------
	function loadContract() {
		call(SALES + "order_contract", withOrder({}), (shown) => {
			state.pdf_sha256 = shown.pdf_sha256;
			$("contract-view").srcdoc = shown.html;
			$("contract-form").hidden = false;
			show("step-contract");
		});
	}
	$("contract-form").addEventListener("submit", (e) => {
		e.preventDefault();
		call(
			SALES + "accept_order_contract",
			withOrder({
				signer_name: $("signer-name").value,
				agree: $("agree").checked ? 1 : 0,
				pdf_sha256: state.pdf_sha256,
			}),
			() => {
				say(T.accepted);
				$("contract-form").hidden = true;
				show("step-pay");
			},
			e.target.querySelector("button")
		);
	});

	// --- 7. pay: Stripe Checkout ------------------------------------------------------------
	$("pay").addEventListener("click", (e) => {
		call(
			SALES + "pay_order",
			withOrder({}),
			(checkout) => {
				window.location.href = checkout.url;
			},
			e.target
		);
	});
});
