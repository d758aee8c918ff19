"""Offer a job to the technicians who can take it; the first valid acceptance wins.

The core decides (`dispatch.job_offers`); this module makes each decision atomic: the job's
row is locked before its state is read, so two acceptances arriving together are decided one
after the other, and the second sees that the first took the job.
"""

from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import get_system_timezone, get_url

from gigafibre_fsm.dispatch import job_offers, work_schedule
from gigafibre_fsm.dispatch.services import technician_ranking
from gigafibre_fsm.dispatch.services.settings import dispatch_settings, dispatch_zone
from gigafibre_fsm.services.core_errors import translated_errors

OFFER_EVENT = "job_offer"


def _aware(value: datetime) -> datetime:
	"""A Datetime field's value (the site's system time zone, naive) as an aware instant."""
	return value.replace(tzinfo=work_schedule.get_zone(get_system_timezone()))


def _stored(value: datetime) -> datetime:
	"""An aware instant as a Datetime field holds it (naive, in the site's system time zone)."""
	return value.astimezone(work_schedule.get_zone(get_system_timezone())).replace(tzinfo=None)


def _now() -> datetime:
	return datetime.now(dispatch_zone())


def offer_link(token: str) -> str:
	return job_offers.offer_link(get_url("/job_offer?token={token}"), token)


def offer_job(job_name: str, technicians: list[str] | None = None) -> list[dict]:
	"""Offer an open job to `technicians`, or to every technician who can take it."""
	job = frappe.get_doc("Dispatch Job", job_name)
	if job.status != "Open" or job.technician:
		frappe.throw(_("Only an open job without a technician can be offered"))
	if technicians is None:
		technicians = [c["technician"] for c in technician_ranking.rank_for_job(job_name)["ranked"]]
	if not technicians:
		frappe.throw(_("No technician can take this job at that time"))
	now = _now()
	ttl = timedelta(minutes=dispatch_settings().offer_ttl_minutes or 30)
	with translated_errors():
		offers = job_offers.make_offers(job.name, technicians, now, ttl)
	sent = []
	for offer in offers:
		frappe.get_doc(
			{
				"doctype": "Dispatch Job Offer",
				"job": job.name,
				"technician": offer.technician,
				"status": "Pending",
				"offered_on": _stored(now),
				"expires_on": _stored(offer.expires_at),
				"token_hash": job_offers.hash_offer_token(offer.token),
			}
		).insert(ignore_permissions=True)
		sms = notify_technician(job, offer)
		sent.append(
			{
				"technician": offer.technician,
				"expires_on": str(_stored(offer.expires_at)),
				"sms": sms,
			}
		)
	return sent


def notify_technician(job, offer: job_offers.Offer) -> bool:
	"""Live on their phone page if it is open, and by SMS with the acceptance link when SMS is
	set up and they have a mobile number; returns whether an SMS was queued."""
	phone, user = frappe.db.get_value("Dispatch Technician", offer.technician, ["phone", "user"])
	start_time = work_schedule.parse_time(job.start_time) if job.start_time else datetime.min.time()
	start = datetime.combine(job.scheduled_date, start_time, tzinfo=dispatch_zone())
	if user:
		frappe.publish_realtime(
			OFFER_EVENT,
			{
				"job": job.name,
				"subject": job.subject,
				"start": start.isoformat(),
				"link": offer_link(offer.token),
			},
			user=user,
			after_commit=True,
		)
	if not phone or not frappe.db.get_single_value("Messaging Settings", "enabled"):
		return False
	from gigafibre_fsm.messaging.services.sms import send_sms

	address = ""
	if job.service_location:
		address = frappe.db.get_value("Service Location", job.service_location, "address_display") or ""
	body = job_offers.offer_sms_text(
		offer,
		job.subject,
		start,
		address.replace("\n", ", "),
		get_url("/job_offer?token={token}"),
		translate=_,
	)
	send_sms(phone, body, "Dispatch Job", job.name)
	return True


def _offer_row(token: str):
	row = frappe.db.get_value(
		"Dispatch Job Offer",
		{"token_hash": job_offers.hash_offer_token(token or "")},
		["name", "job", "technician", "status", "expires_on", "token_hash"],
		as_dict=True,
	)
	if not row or not job_offers.verify_offer_token(token, row.token_hash):
		frappe.throw(_("This job offer link is not valid"), frappe.PermissionError)
	return row


def _core_offer(token: str, row) -> job_offers.Offer:
	return job_offers.Offer(
		token,
		row.job,
		row.technician,
		_aware(row.expires_on),
		withdrawn=row.status == "Withdrawn",
		declined=row.status == "Declined",
	)


def accept_offer(token: str) -> dict:
	"""Give the job to the offer's technician if the offer is still good and the job still open."""
	row = _offer_row(token)
	# Lock the job first: whoever comes second waits here, then sees the job taken.
	status, technician = frappe.db.get_value(
		"Dispatch Job", row.job, ["status", "technician"], for_update=True
	)
	offer = _core_offer(token, row)
	with translated_errors():
		decision = job_offers.decide_acceptance(
			offer, job_offers.job_state_from(row.job, status, technician), _now()
		)
	if isinstance(decision, job_offers.Refused):
		if decision.reason == job_offers.RefusalReason.EXPIRED and row.status == "Pending":
			frappe.db.set_value("Dispatch Job Offer", row.name, "status", "Expired")
		return {
			"accepted": False,
			"reason": decision.reason,
			"message": _(decision.message).format(**decision.params),
		}
	if not decision.already:
		job = frappe.get_doc("Dispatch Job", row.job)
		job.technician = row.technician
		job.flags.ignore_permissions = True  # the token is the technician's authority here
		job.save()
		now = _stored(_now())
		frappe.db.set_value("Dispatch Job Offer", row.name, {"status": "Accepted", "responded_on": now})
		# the other live offers of the job; the shell tells offers apart by their token's hash
		others = frappe.get_all(
			"Dispatch Job Offer",
			filters={"job": row.job, "status": "Pending", "name": ("!=", row.name)},
			fields=["name", "job", "technician", "status", "expires_on", "token_hash"],
		)
		by_hash = {other.token_hash: other.name for other in others}
		for withdrawn in job_offers.offers_to_withdraw(
			[_core_offer(other.token_hash, other) for other in others], decision
		):
			frappe.db.set_value(
				"Dispatch Job Offer", by_hash[withdrawn.token], {"status": "Withdrawn", "responded_on": now}
			)
	return {"accepted": True, "job": row.job, "message": _("The job is yours")}


def decline_offer(token: str) -> dict:
	row = _offer_row(token)
	if row.status == "Pending":
		frappe.db.set_value(
			"Dispatch Job Offer", row.name, {"status": "Declined", "responded_on": _stored(_now())}
		)
	return {"declined": True}


def offer_details(token: str) -> dict:
	"""What the offer page shows a technician who opened the link."""
	row = _offer_row(token)
	job = frappe.db.get_value(
		"Dispatch Job",
		row.job,
		["name", "subject", "scheduled_date", "start_time", "duration_minutes", "service_location", "status"],
		as_dict=True,
	)
	address = (
		frappe.db.get_value("Service Location", job.service_location, "address_display")
		if job.service_location
		else ""
	)
	return {"offer": row, "job": job, "address": address}


def expire_offers() -> None:
	"""Scheduler: pending offers past their time become Expired (acceptance checks it anyway)."""
	for name in frappe.get_all(
		"Dispatch Job Offer",
		filters={"status": "Pending", "expires_on": ("<", _stored(_now()))},
		pluck="name",
	):
		frappe.db.set_value("Dispatch Job Offer", name, "status", "Expired")
