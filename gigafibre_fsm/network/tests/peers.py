"""Real local peers for the Network tier-2 tests: the GenieACS NBI simulator and snmpsim.

`simulators` is the repository's top-level package; the bench imports it from the app's
folder (the app is installed editable from the repository root, which holds both
`gigafibre_fsm/` and `simulators/`). Tests skip when the peers cannot run here.
"""

import shutil
import tempfile
import unittest

import frappe


def acs_peer(devices: int = 6, seed: int = 3):
	"""A started NbiSimulator with a small synthetic fleet; Network Settings point at it."""
	try:
		from simulators.genieacs_nbi import NbiSimulator, generate_fleet
	except ImportError as e:  # a bench without the repository's simulators
		raise unittest.SkipTest(f"GenieACS NBI simulator not importable: {e}")
	sim = NbiSimulator(generate_fleet(devices, seed=seed, filler=0))
	url = sim.start()
	settings = frappe.get_doc("Network Settings")
	settings.update(
		{
			"acs_url": url,
			"acs_connect_timeout": 1,
			"acs_read_timeout": 3,
			"acs_retries": 0,
			"poll_enabled": 1,
			"poll_batch_size": 4,
		}
	)
	settings.save(ignore_permissions=True)
	return sim


class OltPeer:
	"""snmpsim serving one simulated OLT under several communities (one recording each), so a
	test switches what the OLT says by switching the OLT's community."""

	def __init__(self, **recordings):
		try:
			import snmpsim

			from simulators.olt_snmp import SnmpSimAgent, write_snmprec
		except ImportError as e:
			raise unittest.SkipTest(f"snmpsim or the OLT simulator is not importable: {e}")
		self.folder = tempfile.mkdtemp(prefix="gigafibre-olt-")
		for community, sim_olt in recordings.items():
			write_snmprec(sim_olt, self.folder, community)
		self.agent = SnmpSimAgent(self.folder, next(iter(recordings)))

	def start(self):
		self.agent.start()
		return self

	@property
	def port(self) -> int:
		return self.agent.port

	def stop(self):
		self.agent.stop()
		shutil.rmtree(self.folder, ignore_errors=True)


def clear_settings_cache() -> None:
	"""After a rollback, forget the cached Network Settings the rolled-back transaction saved."""
	frappe.clear_document_cache("Network Settings", "Network Settings")


def small_olt(name: str = "OLT-T2"):
	"""A Huawei OLT with one card of 4 PON ports x 8 ONUs, all online, one ONU in autofind on 0/1/0."""
	try:
		from simulators.olt_snmp import generate_fleet
	except ImportError as e:
		raise unittest.SkipTest(f"the OLT simulator is not importable: {e}")
	return generate_fleet(
		"huawei_ma5800",
		onu_count=32,
		ports_per_card=4,
		onus_per_port=8,
		offline_fraction=0.0,
		unregistered=1,
		name=name,
	)


def make_olt(name: str, port: int, community: str, **values) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "OLT",
			"olt_name": name,
			"layout": "huawei_ma5800",
			"host": "127.0.0.1",
			"port": port,
			"snmp_version": "v2c",
			"community": community,
			"enabled": 1,
			**values,
		}
	)
	return doc.insert(ignore_permissions=True).name


def set_community(olt: str, community: str) -> None:
	doc = frappe.get_doc("OLT", olt)
	doc.community = community
	doc.save(ignore_permissions=True)


def forget_olt(olt: str) -> None:
	"""Drop what the cache remembers of an OLT (last walk, correlator) between test runs."""
	from gigafibre_fsm.network.services import olt as olt_service
	from gigafibre_fsm.network.services import outages

	frappe.cache.delete_value(olt_service.SNAPSHOT_KEY.format(olt=olt))
	outages.forget_correlator(olt)
