"""Settings of the modem bridge, passed in by the caller (the shell reads them from its config)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Chromium must not phone home: these hosts have no internet, and a bridge has no business
# talking to anything but the modem.
DEFAULT_CHROMIUM_ARGS = (
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--no-default-browser-check",
	"--disable-default-apps",
	"--disable-extensions",
	"--disable-domain-reliability",
	"--disable-breakpad",
	"--disable-client-side-phishing-detection",
	"--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
	"--metrics-recording-only",
	"--password-store=basic",
	"--disable-dev-shm-usage",
	"--disable-gpu",  # headless needs no GPU process: faster launch, less memory
)

# Data-manager objects the bridge may read, and how (GET: one object, GL: a list of instances).
# Only reads exist: there is no way to send ACT_SET/ACT_ADD/ACT_DEL/ACT_OP through the bridge.
READABLE_OIDS = {
	"DEV_INFO": "GET",
	"GPON_INTF_INFO": "GET",
	"WAN_IP_CONN": "GL",
	"LAN_WLAN": "GL",
	"LAN_HOST_ENTRY": "GL",
}


@dataclass(frozen=True)
class GuiProfile:
	"""How to drive one firmware family's GUI: selectors and the page's own JS entry points.

	Kept as data so that a firmware variant is a new profile, not new code.
	"""

	name: str = "xx230v"
	login_path: str = "/"
	user_selector: str | None = "#pc-login-user"
	password_selector: str = "#pc-login-password"
	submit_selector: str = "#pc-login-btn"
	# Evaluates to false while the login is pending, then to one of ok/denied/locked/error.
	login_state_js: str = "() => window.$ && ['ok', 'denied', 'locked', 'error'].includes(window.$.loginState) && window.$.loginState"
	login_error_js: str = "() => (window.$ && window.$.loginError) || ''"
	# Queues read actions with the page's $.act and sends them with $.exe (one encrypted request).
	read_js: str = """async (actions) => {
		try {
			for (const a of actions) $.act(a.type === 'GL' ? $.ACT_GL : $.ACT_GET, a.oid, a.stack, null, a.attrs);
			return { ok: true, results: await $.exe() };
		} catch (e) {
			return { ok: false, code: e.code || null, message: String(e && e.message ? e.message : e) };
		}
	}"""
	expired_codes: tuple = ("expired", "not_logged_in")


XX230V_PROFILE = GuiProfile()


@dataclass(frozen=True)
class BridgeSettings:
	"""Everything the bridge needs; no defaults are read from the environment."""

	executable_path: str = "/usr/bin/chromium"
	scheme: str = "https"
	port: int | None = None
	ignore_https_errors: bool = True  # modems present self-signed certificates
	allow_loopback: bool = False  # tests only
	allow_shared_address_space: bool = True  # 100.64/10 CPE management
	max_sessions: int = 4
	max_concurrent_operations: int = 2
	max_memory_mb: float = 1200.0  # PSS of the whole browser process tree
	session_ttl_s: float = 300.0  # idle expiry, as the replaced service
	operation_timeout_s: float = 20.0
	launch_timeout_s: float = 20.0
	browser_idle_close_s: float = 60.0  # close the browser after this long with no session
	viewport: tuple = (1280, 800)
	chromium_args: tuple = DEFAULT_CHROMIUM_ARGS
	readable_oids: dict = field(default_factory=lambda: dict(READABLE_OIDS))
	profile: GuiProfile = XX230V_PROFILE
	job_mode: str = "per_job"  # or "persistent": see jobs.py
