"""Operations a technician or the NOC runs on a device: reboot, refresh, factory reset, and
the hosts listing that refreshes before it reads. Tasks are sent with `connection_request`
so they run now when the device answers; their outcome (done / queued / faulted, with the
fault's code and message) is returned for display.
"""

from dataclasses import dataclass

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.network.acs import params as P
from gigafibre_fsm.network.acs.client import DONE, FAULTED, QUEUED, NbiClient, TaskResult, UnknownDevice
from gigafibre_fsm.network.acs.hosts import HOSTS_PROJECTION, NodeHosts, hosts_by_node, refresh_objects

REBOOT = "reboot"
REFRESH = "refresh"
FACTORY_RESET = "factory_reset"

OUTCOME_MESSAGES = {
	DONE: _("Done on the device"),
	QUEUED: _("Queued: the device did not answer, the task runs at its next contact with the ACS"),
	FAULTED: _("The device reported a fault: {code} {message}"),
}


@dataclass
class TaskOutcome:
	"""A task's result as the UI shows it. `message` is a template, `params` its fields."""

	name: str
	status: str
	message: str
	params: dict
	task_id: str | None = None
	fault_code: str | None = None
	fault_message: str | None = None

	@property
	def text(self) -> str:
		"""The message in English (the shell translates `message` and formats it instead)."""
		return self.message.format(**self.params)


def outcome(result: TaskResult) -> TaskOutcome:
	"""Turn the NBI's answer into what the UI shows."""
	fault = result.fault or {}
	code = P.text(fault.get("code"))
	message = P.text(fault.get("message"))
	params = {"code": code or P.UNKNOWN, "message": message or ""} if result.status == FAULTED else {}
	return TaskOutcome(
		name=result.name,
		status=result.status,
		message=OUTCOME_MESSAGES[result.status],
		params=params,
		task_id=result.task_id,
		fault_code=code,
		fault_message=message,
	)


def reboot(client: NbiClient, device_id: str) -> TaskOutcome:
	return outcome(client.post_task(device_id, {"name": "reboot"}))


def refresh(client: NbiClient, device_id: str, object_name: str = "") -> TaskOutcome:
	"""Re-read an object (the whole data model when empty) from the device."""
	return outcome(client.post_task(device_id, {"name": "refreshObject", "objectName": object_name}))


def factory_reset(client: NbiClient, device_id: str, confirm_serial: str | None) -> TaskOutcome:
	"""Factory reset erases the customer's settings: the caller must confirm by typing the
	device's serial number (the one in its ACS id)."""
	serial = device_id.rsplit("-", 1)[-1]
	if not confirm_serial or confirm_serial.strip().upper() != serial.upper():
		raise InvalidInput(
			_("A factory reset erases the customer's settings: type the serial number {serial} to confirm"),
			serial=serial,
		)
	return outcome(client.post_task(device_id, {"name": "factoryReset"}))


@dataclass
class HostsListing:
	groups: list[NodeHosts]
	refresh: list[TaskOutcome]
	last_inform: str | None = None


def list_hosts(
	client: NbiClient, device_id: str, data_model: str | None = None, refresh_first: bool = True
) -> HostsListing:
	"""Hosts grouped by mesh node. With `refresh_first`, two refreshObject tasks (the host
	table, then the Wi-Fi association tables) go to the device with connection_request before
	the ACS's copy is read: 2 + 1 NBI requests, plus 1 to learn the data model when the
	caller does not pass it (the cached summary knows it)."""
	outcomes: list[TaskOutcome] = []
	if refresh_first:
		satellites = False
		if data_model is None:
			probe = client.get_device(
				device_id,
				[
					"_id",
					"InternetGatewayDevice.DeviceInfo.ModelName",
					"InternetGatewayDevice.X_HW_APDevice._object",
				],
			)
			if probe is None:
				raise UnknownDevice(_("No device {device} in the ACS"), device=device_id)
			data_model = P.TR098 if P.node(probe, "InternetGatewayDevice") is not None else P.TR181
			satellites = P.node(probe, "InternetGatewayDevice.X_HW_APDevice") is not None
		for obj in refresh_objects(data_model, huawei_satellites=satellites):
			outcomes.append(
				outcome(client.post_task(device_id, {"name": "refreshObject", "objectName": obj}))
			)
			if outcomes[-1].status == QUEUED:
				break  # the device is not answering: the second task would wait just as long
	doc = client.get_device(device_id, HOSTS_PROJECTION)
	if doc is None:
		raise UnknownDevice(_("No device {device} in the ACS"), device=device_id)
	return HostsListing(
		groups=hosts_by_node(doc), refresh=outcomes, last_inform=P.text(doc.get("_lastInform"))
	)
