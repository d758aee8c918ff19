// Imitation of the data-manager client of a TP-Link XX230v-style ONT web GUI ("GDPR" firmware).
//
// Like the real firmware, the page does all the crypto itself:
//  1. POST /cgi/getParm  -> `var ee="010001"; var nn="<hex modulus>"; var seq="<n>";` (RSA key + sequence)
//  2. the page draws a random AES-128 key and IV (WebCrypto), encrypts {username, password} with
//     AES-CBC, and RSA-OAEP-encrypts a "sign" line carrying the key, the IV, the sequence number and a
//     SHA-256 of the encrypted data; POST /cgi/login with `sign=<hex>\r\ndata=<base64>\r\n`.
//  3. every data-manager call is queued with $.act(ACT_GET, "DEV_INFO", stack, pStack, attrs) and sent
//     by $.exe() as one encrypted JSON request on POST /cgi_gdpr?9, signed with the next sequence
//     number (the server refuses a number it has already seen: no replay). Replies are AES-encrypted.
(function () {
	"use strict";
	const enc = new TextEncoder();
	const dec = new TextDecoder();

	const $ = (window.$ = {
		ACT_GET: 1, ACT_SET: 2, ACT_ADD: 3, ACT_DEL: 4, ACT_GL: 5, ACT_GS: 6, ACT_OP: 7, ACT_CGI: 8,
		loginState: "idle", // idle | pending | ok | denied | locked | expired | error
		loginError: "",
		token: null,
		_seq: 0,
		_queue: [],
		_chain: Promise.resolve(),
	});
	const I = ($.Iencryptor = { rsa: null, aes: null, key: null, iv: null });

	function hexToBytes(hex) {
		if (hex.length % 2) hex = "0" + hex;
		const out = new Uint8Array(hex.length / 2);
		for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
		return out;
	}
	function bytesToHex(bytes) {
		return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
	}
	function b64(bytes) {
		let s = "";
		for (const b of bytes) s += String.fromCharCode(b);
		return btoa(s);
	}
	function unb64(text) {
		const s = atob(text);
		const out = new Uint8Array(s.length);
		for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
		return out;
	}
	function b64url(bytes) {
		return b64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
	}
	async function sha256hex(text) {
		return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text))));
	}

	async function getParm() {
		const r = await fetch("/cgi/getParm", { method: "POST" });
		const text = await r.text();
		const grab = (name) => (text.match(new RegExp("var " + name + '="([0-9a-fA-F]+)"')) || [])[1];
		const ee = grab("ee"), nn = grab("nn"), seq = grab("seq");
		if (!ee || !nn || !seq) throw new Error("unexpected getParm reply");
		I.rsa = await crypto.subtle.importKey(
			"jwk",
			{ kty: "RSA", n: b64url(hexToBytes(nn)), e: b64url(hexToBytes(ee)), alg: "RSA-OAEP-256", ext: true },
			{ name: "RSA-OAEP", hash: "SHA-256" },
			false,
			["encrypt"],
		);
		$._seq = parseInt(seq, 10);
	}

	async function seal(plain, signPrefix) {
		const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: I.iv }, I.aes, enc.encode(plain)));
		const data = b64(ct);
		const signText = signPrefix + "s=" + $._seq + "&d=" + (await sha256hex(data));
		const sign = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, I.rsa, enc.encode(signText)));
		return "sign=" + bytesToHex(sign) + "\r\ndata=" + data + "\r\n";
	}

	async function unseal(text) {
		text = text.trim();
		if (text.startsWith("{")) return JSON.parse(text); // plaintext error from the server
		const pt = await crypto.subtle.decrypt({ name: "AES-CBC", iv: I.iv }, I.aes, unb64(text));
		return JSON.parse(dec.decode(pt));
	}

	$.login = async function (username, password) {
		$.loginState = "pending";
		$.loginError = "";
		try {
			await getParm();
			I.key = crypto.getRandomValues(new Uint8Array(16));
			I.iv = crypto.getRandomValues(new Uint8Array(16));
			I.aes = await crypto.subtle.importKey("raw", I.key, "AES-CBC", false, ["encrypt", "decrypt"]);
			const body = await seal(JSON.stringify({ username, password }), "k=" + b64(I.key) + "&i=" + b64(I.iv) + "&");
			const r = await fetch("/cgi/login", { method: "POST", body, headers: { "Content-Type": "text/plain" } });
			const reply = await unseal(await r.text());
			if (reply.errorcode !== 0) {
				$.loginState = reply.errorcode === "locked" ? "locked" : reply.errorcode === "denied" ? "denied" : "error";
				$.loginError = reply.message || String(reply.errorcode);
				return $.loginState;
			}
			$.token = reply.token;
			$.loginState = "ok";
			return "ok";
		} catch (e) {
			$.loginState = "error";
			$.loginError = String(e && e.message ? e.message : e);
			return "error";
		}
	};

	$.act = function (type, oid, stack, pStack, attrs) {
		$._queue.push({
			type: type,
			oid: oid,
			stack: stack || "0,0,0,0,0,0",
			pStack: pStack || "0,0,0,0,0,0",
			attrs: attrs || [],
		});
	};

	// Sends the queued actions as one encrypted request. Requests are chained so that sequence
	// numbers reach the server in order.
	$.exe = function () {
		const actions = $._queue;
		$._queue = [];
		const run = async () => {
			if ($.loginState !== "ok") {
				const err = new Error("not logged in");
				err.code = "not_logged_in";
				throw err;
			}
			$._seq += 1;
			const body = await seal(JSON.stringify({ actions }), "");
			const r = await fetch("/cgi_gdpr?9", {
				method: "POST",
				body,
				headers: { TokenID: $.token, "Content-Type": "text/plain" },
			});
			const reply = await unseal(await r.text());
			if (reply.errorcode === "expired") $.loginState = "expired";
			if (reply.errorcode !== 0) {
				const err = new Error("modem error " + reply.errorcode);
				err.code = reply.errorcode;
				throw err;
			}
			return reply.results;
		};
		const p = $._chain.then(run, run);
		$._chain = p.catch(() => undefined);
		return p;
	};

	// A small convenience layer over $.act/$.exe, as the firmware's pages use.
	$.dm = {
		get: async function (oid, attrs, stack) {
			$.act($.ACT_GET, oid, stack, null, attrs);
			return (await $.exe())[0];
		},
		list: async function (oid, attrs) {
			$.act($.ACT_GL, oid, null, null, attrs);
			return (await $.exe())[0];
		},
	};

	// --- the page itself: a login form, then a small status dashboard --------------------------
	function show(id, visible) {
		document.getElementById(id).style.display = visible ? "" : "none";
	}
	async function renderDashboard() {
		$.act($.ACT_GET, "DEV_INFO", null, null, ["modelName", "softwareVersion", "upTime"]);
		$.act($.ACT_GET, "GPON_INTF_INFO", null, null, ["status", "rxPower", "txPower"]);
		$.act($.ACT_GL, "WAN_IP_CONN", null, null, ["name", "connectionStatus", "externalIPAddress"]);
		const [dev, optical, wans] = await $.exe();
		const rows = [
			["Model", dev.attrs.modelName],
			["Firmware", dev.attrs.softwareVersion],
			["Uptime (s)", dev.attrs.upTime],
			["PON state", optical.attrs.status],
			["Rx / Tx (dBm)", optical.attrs.rxPower + " / " + optical.attrs.txPower],
		];
		for (const w of wans.list) rows.push(["WAN " + w.name, w.connectionStatus + " " + w.externalIPAddress]);
		const table = document.getElementById("status-table");
		table.textContent = "";
		for (const [k, v] of rows) {
			const tr = table.insertRow();
			tr.insertCell().textContent = k;
			tr.insertCell().textContent = v;
		}
	}
	window.addEventListener("DOMContentLoaded", function () {
		document.getElementById("pc-login-form").addEventListener("submit", async function (ev) {
			ev.preventDefault();
			const btn = document.getElementById("pc-login-btn");
			btn.disabled = true;
			show("pc-login-error", false);
			const user = document.getElementById("pc-login-user").value;
			const pass = document.getElementById("pc-login-password").value;
			const state = await $.login(user, pass);
			btn.disabled = false;
			if (state === "ok") {
				show("pc-login", false);
				show("dashboard", true);
				try {
					await renderDashboard();
				} catch (e) {
					document.getElementById("dashboard-error").textContent = String(e.message || e);
				}
			} else {
				const el = document.getElementById("pc-login-error");
				el.textContent = $.loginError;
				show("pc-login-error", true);
			}
		});
	});
})();
