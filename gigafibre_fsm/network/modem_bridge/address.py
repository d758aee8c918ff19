"""Which modem addresses the bridge may open: private management networks only.

The bridge drives a real browser; pointed at an arbitrary address it would be a server-side request
forgery tool. So it accepts only literal IP addresses in ranges that cannot be on the internet:
- IPv4 RFC 1918 (10/8, 172.16/12, 192.168/16);
- IPv4 RFC 6598 shared address space (100.64/10): an ISP numbers CPE management interfaces there
  (it is not routed on the internet); on by default, `allow_shared_address_space=False` refuses it;
- IPv6 RFC 4193 unique local addresses (fc00::/7);
- loopback (127/8, ::1) only when `allow_loopback` is set (tests); refused in production.
Hostnames, ports, zone ids, link-local, multicast, unspecified and public addresses are refused.
"""

from __future__ import annotations

import ipaddress

from gigafibre_fsm.errors import InvalidInput, _

_RFC1918 = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_ULA = ipaddress.ip_network("fc00::/7")

_MAX_SHOWN = 64  # never echo an unbounded string back into a message


def _shown(value) -> str:
	text = str(value)
	return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


def check_management_address(
	address, *, allow_loopback: bool = False, allow_shared_address_space: bool = True
) -> str:
	"""Return the normalised IP address if the bridge may connect to it, else raise InvalidInput.

	`address` must be a literal IPv4/IPv6 address (no hostname, port, brackets or zone id).
	IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are unwrapped and judged as IPv4.
	"""
	if not isinstance(address, str) or not address or address != address.strip():
		raise InvalidInput(_("Modem address {address} is not a valid IP address"), address=_shown(address))
	if "%" in address:
		raise InvalidInput(
			_("Modem address {address} has a zone id; use a routable management address"),
			address=_shown(address),
		)
	try:
		ip = ipaddress.ip_address(address)
	except ValueError:
		raise InvalidInput(_("Modem address {address} is not a valid IP address"), address=_shown(address))
	if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
		ip = ip.ipv4_mapped
	shown = str(ip)
	if ip.is_loopback:
		if allow_loopback:
			return shown
		raise InvalidInput(
			_("Modem address {address} is a loopback address, refused outside tests"), address=shown
		)
	if ip.is_unspecified or ip.is_multicast or ip.is_link_local or ip.is_reserved:
		raise InvalidInput(_("Modem address {address} is not a unicast management address"), address=shown)
	if isinstance(ip, ipaddress.IPv4Address):
		if ip == ipaddress.IPv4Address("255.255.255.255"):
			raise InvalidInput(
				_("Modem address {address} is not a unicast management address"), address=shown
			)
		if any(ip in net for net in _RFC1918):
			return shown
		if ip in _SHARED and allow_shared_address_space:
			return shown
	elif ip in _ULA:
		return shown
	raise InvalidInput(
		_("Modem address {address} is not in a private management range; the bridge refuses it"),
		address=shown,
	)


def modem_base_url(address: str, scheme: str = "https", port: int | None = None) -> str:
	"""The GUI's origin for a checked address (IPv6 in brackets)."""
	host = f"[{address}]" if ":" in address else address
	return f"{scheme}://{host}" + (f":{port}" if port else "")
