// Test-only preload: resolve *.localhost to 127.0.0.1 like browsers do (glibc here does not).
const dns = require("dns");
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
	if (typeof options === "function") { callback = options; options = {}; }
	if (/\.localhost$/.test(hostname)) {
		if (options && options.all) return process.nextTick(callback, null, [{ address: "127.0.0.1", family: 4 }]);
		return process.nextTick(callback, null, "127.0.0.1", 4);
	}
	return lookup.call(dns, hostname, options, callback);
};
