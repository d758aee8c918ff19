# Copyright (c) 2026, Gigafibre and contributors
# For license information, please see license.txt
"""A label photo fills in a new Service Equipment, from the desk and from the technician's page.

The photo is generated here (Code 128 from python-barcode, a Wi-Fi QR code from segno, composed
with Pillow) as an ONT's label, uploaded as a File or posted with the request, and read by the
real zxing-cpp through `api.subscribers`.
"""

import io
import random

import frappe
from frappe.utils import nowdate
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gigafibre_fsm.api import subscribers as api
from gigafibre_fsm.tests import IntegrationTestCase
from gigafibre_fsm.tests.factories import make_location, make_technician, make_user

try:
	import barcode
	import segno
	from barcode.writer import ImageWriter
	from PIL import Image, ImageDraw
except ImportError:  # the test extras are not installed on this bench
	barcode = None

WIFI_PASSWORD = "Cle8Secrete42"


def ont_label(tail: str, mac: str) -> bytes:
	"""A Huawei-style ONT label as a phone would upload it: the GPON SN as a Code 128 of its
	16-hex form, the MAC as a Code 128, and a Wi-Fi QR code carrying the password."""
	label = Image.new("L", (1000, 520), 255)
	draw = ImageDraw.Draw(label)
	draw.text((30, 20), f"HUAWEI EG8145V5   GPON SN: HWTC{tail}   MAC: {mac}", fill=0)
	y = 60
	for content in ("48575443" + tail, mac.replace(":", "")):
		code = barcode.get("code128", content, writer=ImageWriter()).render(
			{"write_text": False, "module_width": 0.254, "module_height": 7.0, "quiet_zone": 3.0, "dpi": 300}
		)
		label.paste(code.convert("L"), (30, y))
		y += code.height + 20
	qr = io.BytesIO()
	segno.make(f"WIFI:S:HUAWEI-{tail[-4:]};T:WPA;P:{WIFI_PASSWORD};;", error="m").save(
		qr, kind="png", scale=5
	)
	label.paste(Image.open(io.BytesIO(qr.getvalue())).convert("L"), (760, 60))
	photo = Image.new("RGB", (1400, 900), (60, 60, 66))
	photo.paste(label.convert("RGB").rotate(4, expand=True, fillcolor=(60, 60, 66)), (150, 150))
	out = io.BytesIO()
	photo.save(out, "JPEG", quality=85)
	return out.getvalue()


class TestEquipmentLabels(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if barcode is None:
			raise cls.skipTest(cls, "python-barcode and segno (the test extras) are not installed")

	def setUp(self):
		rng = random.Random()
		self.tail = "".join(rng.choice("0123456789ABCDEF") for _ in range(8))
		self.mac = "00:25:9E:" + ":".join(f"{rng.randrange(256):02X}" for _ in range(3))
		self.photo = ont_label(self.tail, self.mac)
		self.dispatcher = make_user("label.dispatcher@example.com", "Dispatcher")
		self.tech_user = make_user("label.tech@example.com", "Field Technician")
		self.other_user = make_user("label.other@example.com", "Field Technician")
		self.tech = make_technician("_Test Label Tech", user=self.tech_user)
		self.other = make_technician("_Test Label Other", user=self.other_user)
		self.location = make_location()
		self.job = self.make_job(self.tech)

	def tearDown(self):
		frappe.set_user("Administrator")
		if getattr(frappe.local, "request", None) is not None:
			del frappe.local.request

	def make_job(self, technician, **values):
		return frappe.get_doc(
			{
				"doctype": "Dispatch Job",
				"subject": "Install an ONT",
				"scheduled_date": nowdate(),
				"start_time": "10:00",
				"duration_minutes": 60,
				"technician": technician,
				"service_location": self.location.name,
				**values,
			}
		).insert(ignore_permissions=True)

	def upload(self, user):
		frappe.set_user(user)
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": f"label-{self.tail}.jpg", "content": self.photo, "is_private": 1}
		).insert(ignore_permissions=True)
		return file_doc.file_url

	def post_photo(self, job):
		"""The technician page's request: multipart form data with the photo and the job."""
		builder = EnvironBuilder(
			method="POST", data={"photo": (io.BytesIO(self.photo), "label.jpg", "image/jpeg"), "job": job}
		)
		frappe.local.request = Request(builder.get_environ())

	def test_a_label_photo_fills_in_new_equipment_and_the_same_photo_finds_it_again(self):
		file_url = self.upload(self.dispatcher)
		answer = api.read_equipment_label(file_url=file_url)
		self.assertIsNone(answer["match"])
		self.assertEqual(answer["reading"]["serial_number"], f"HWTC{self.tail}")
		self.assertEqual(answer["reading"]["mac_address"], self.mac)
		self.assertEqual(
			answer["proposal"],
			{
				"equipment_type": "ONT",
				"status": "En stock",
				"serial_number": f"HWTC{self.tail}",
				"mac_address": self.mac,
				"manufacturer": "Huawei",
			},
		)
		self.assertNotIn(WIFI_PASSWORD, frappe.as_json(answer))

		made = api.create_equipment_from_label(file_url=file_url, model="EG8145V5")
		self.assertTrue(made["created"])
		equipment = frappe.get_doc("Service Equipment", made["equipment"]["name"])
		self.assertEqual(
			(equipment.serial_number, equipment.mac_address, equipment.status, equipment.equipment_type),
			(f"HWTC{self.tail}", self.mac, "En stock", "ONT"),
		)
		self.assertEqual((equipment.manufacturer, equipment.model), ("Huawei", "EG8145V5"))
		self.assertNotIn(WIFI_PASSWORD, frappe.as_json(equipment.as_dict()))
		self.assertEqual(
			frappe.db.get_value("File", {"file_url": file_url}, ["attached_to_doctype", "attached_to_name"]),
			("Service Equipment", equipment.name),
		)

		# the same photo again: the same equipment, nothing created twice
		again = api.read_equipment_label(file_url=file_url)
		self.assertEqual(again["match"]["name"], equipment.name)
		self.assertIsNone(again["proposal"])
		count = frappe.db.count("Service Equipment", {"serial_number": f"HWTC{self.tail}"})
		twice = api.create_equipment_from_label(file_url=file_url)
		self.assertEqual((twice["created"], twice["equipment"]["name"]), (False, equipment.name))
		self.assertEqual(frappe.db.count("Service Equipment", {"serial_number": f"HWTC{self.tail}"}), count)

	def test_the_technician_scans_from_their_job_and_the_equipment_is_listed_on_it(self):
		frappe.set_user(self.tech_user)
		self.post_photo(self.job.name)
		answer = api.read_equipment_label(job=self.job.name)
		self.assertEqual(answer["proposal"]["serial_number"], f"HWTC{self.tail}")
		self.post_photo(self.job.name)
		made = api.create_equipment_from_label(job=self.job.name)
		self.assertTrue(made["created"])
		name = made["equipment"]["name"]
		rows = frappe.get_all(
			"Dispatch Job Equipment", filters={"parent": self.job.name}, fields=["equipment", "action"]
		)
		self.assertIn({"equipment": name, "action": "Installed"}, rows)
		self.assertEqual(frappe.db.get_value("Service Equipment", name, "status"), "En stock")
		photo = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Service Equipment", "attached_to_name": name},
			pluck="is_private",
		)
		self.assertEqual(photo, [1])

		# scanned again on the same job: found, and listed once
		self.post_photo(self.job.name)
		again = api.read_equipment_label(job=self.job.name)
		self.assertEqual(again["match"]["name"], name)
		self.post_photo(self.job.name)
		self.assertFalse(api.create_equipment_from_label(job=self.job.name)["created"])
		self.assertEqual(
			frappe.db.count("Dispatch Job Equipment", {"parent": self.job.name, "equipment": name}), 1
		)

		# the job done: the equipment is active at the customer's (the existing completion flow)
		frappe.set_user("Administrator")
		frappe.db.set_value("Dispatch Job", self.job.name, "status", "In Progress")
		job = frappe.get_doc("Dispatch Job", self.job.name)
		job.status = "Completed"
		job.save()
		self.assertEqual(
			frappe.db.get_value("Service Equipment", name, ["status", "service_location"]),
			("Active", self.location.name),
		)

	def test_a_technician_reads_labels_only_from_an_open_job_of_theirs(self):
		others_job = self.make_job(self.other)
		done = self.make_job(self.tech)
		frappe.db.set_value("Dispatch Job", done.name, "status", "Completed")
		frappe.set_user(self.tech_user)
		for job in (None, others_job.name, done.name):
			self.post_photo(job or "")
			with self.assertRaises(frappe.PermissionError, msg=job):
				api.read_equipment_label(job=job)
			self.post_photo(job or "")
			with self.assertRaises(frappe.PermissionError, msg=job):
				api.create_equipment_from_label(job=job)
		self.assertFalse(frappe.db.exists("Service Equipment", {"serial_number": f"HWTC{self.tail}"}))

	def test_a_technician_is_not_shown_equipment_recorded_at_another_customers(self):
		elsewhere = make_location()
		frappe.get_doc(
			{
				"doctype": "Service Equipment",
				"equipment_type": "ONT",
				"status": "Active",
				"serial_number": f"HWTC{self.tail}",
				"service_location": elsewhere.name,
			}
		).insert(ignore_permissions=True)
		frappe.set_user(self.tech_user)
		self.post_photo(self.job.name)
		answer = api.read_equipment_label(job=self.job.name)
		self.assertEqual((answer["match"], answer["matches"], answer["proposal"]), (None, [], None))
		self.assertNotIn(elsewhere.name, frappe.as_json(answer))
		self.assertIn("elsewhere", answer["message"])
		# nor can they take it onto their job
		self.post_photo(self.job.name)
		with self.assertRaises(frappe.PermissionError):
			api.create_equipment_from_label(job=self.job.name)
		self.assertEqual(frappe.db.count("Dispatch Job Equipment", {"parent": self.job.name}), 0)

	def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_created(self):
		frappe.set_user(self.dispatcher)
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": "notes.txt", "content": b"not a photo", "is_private": 1}
		).insert(ignore_permissions=True)
		before = frappe.db.count("Service Equipment")
		with self.assertRaises(frappe.ValidationError):
			api.create_equipment_from_label(file_url=file_doc.file_url)
		self.assertEqual(frappe.db.count("Service Equipment"), before)

	def test_another_users_private_photo_is_refused(self):
		file_url = self.upload(self.other_user)
		frappe.set_user(self.tech_user)
		self.assertEqual(frappe.db.get_value("File", {"file_url": file_url}, "owner"), self.other_user)
		with self.assertRaises(frappe.PermissionError):
			api.read_equipment_label(file_url=file_url, job=self.job.name)
