"""A device tag that a GenieACS preset matches: how a service is suspended on the device.

The operator's ACS holds a preset whose precondition is the tag (e.g. `Tags.suspended IS NOT
NULL` in GenieACS 1.2's UI, `{"_tags": "suspended"}` in the stored preset), with provisions
that restrict the device (a walled-garden WAN profile, Wi-Fi off …). Suspending a service adds
the tag to its devices, reactivating removes it; GenieACS applies the preset at the device's
next session. NBI: `POST /devices/<id>/tags/<tag>` and `DELETE /devices/<id>/tags/<tag>`
(https://github.com/genieacs/genieacs/wiki/API-Reference, "Tags"; in `lib/nbi.ts` a MongoDB
`$addToSet` / `$pull` on `_tags`, answering 200 even for an unknown device).

`set_tag` is idempotent: it reads the tags first and only asks for a change that is missing,
then reads them back, since the NBI's 200 does not prove the device exists.
"""

import re
from dataclasses import dataclass

from gigafibre_fsm.errors import ExternalServiceError, InvalidInput, _
from gigafibre_fsm.network.acs.client import NbiClient

# The NBI's route only accepts these characters in a tag (TAGS_REGEX in lib/nbi.ts, without
# the percent sign: a tag is a name, not an encoding)
_TAG = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

ADDED = "added"
REMOVED = "removed"
ALREADY = "already"


class TagNotApplied(ExternalServiceError):
	"""The ACS answered 200 but the device's tags do not show the change."""


@dataclass(frozen=True)
class TagChange:
	"""What `set_tag` did: `outcome` is "added", "removed" or "already" (nothing to do)."""

	device_id: str
	tag: str
	present: bool  # the tag's state asked for, and now on the device
	outcome: str
	requests: int

	@property
	def changed(self) -> bool:
		return self.outcome != ALREADY


def check_tag(tag: str | None) -> str:
	"""The tag, trimmed; InvalidInput when GenieACS's NBI would not accept it in its URL."""
	value = (tag or "").strip()
	if not _TAG.match(value):
		raise InvalidInput(
			_("The ACS tag {tag} may only hold letters, digits, '-' and '_' (at most 64)"), tag=tag or ""
		)
	return value


def set_tag(client: NbiClient, device_id: str, tag: str, present: bool) -> TagChange:
	"""Make `tag` present (or absent) on the device. Raises UnknownDevice when the ACS has no
	such device, AcsUnavailable / AcsRequestRejected when the ACS fails, TagNotApplied when
	the change did not hold."""
	tag = check_tag(tag)
	before = client.request_count
	tags = client.device_tags(device_id)
	if (tag in tags) == present:
		return TagChange(device_id, tag, present, ALREADY, client.request_count - before)
	if present:
		client.add_tag(device_id, tag)
	else:
		client.remove_tag(device_id, tag)
	if (tag in client.device_tags(device_id)) != present:
		raise TagNotApplied(
			_("The ACS accepted the tag change ({tag}) on {device} but the device does not show it"),
			tag=tag,
			device=device_id,
		)
	return TagChange(device_id, tag, present, ADDED if present else REMOVED, client.request_count - before)
