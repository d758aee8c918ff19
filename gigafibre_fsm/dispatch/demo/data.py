"""Deterministic demo data: a day of a fibre ISP in Montréal, Laval, Longueuil and the Laurentides."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gigafibre_fsm.dispatch.day_planner import LunchBreak, PlanJob, PlanTechnician

DEMO_DAY = date(2025, 6, 10)  # a Tuesday
TIMEZONE = "America/Toronto"  # Québec's zone (America/Montreal is an alias of it)

# (name, lat, lon, weight of jobs, spread in degrees)
ZONES = [
	("Montréal (Plateau)", 45.5230, -73.5810, 14, 0.020),
	("Montréal (Rosemont)", 45.5530, -73.5740, 10, 0.020),
	("Montréal (Verdun)", 45.4580, -73.5700, 7, 0.015),
	("Montréal (Saint-Laurent)", 45.5060, -73.7100, 8, 0.020),
	("Montréal (Anjou)", 45.6050, -73.5600, 6, 0.020),
	("Laval", 45.5700, -73.7500, 12, 0.035),
	("Longueuil", 45.5310, -73.5180, 9, 0.025),
	("Brossard", 45.4580, -73.4650, 5, 0.020),
	("Terrebonne", 45.7000, -73.6470, 6, 0.025),
	("Repentigny", 45.7420, -73.4500, 4, 0.020),
	("Blainville", 45.6700, -73.8820, 5, 0.020),
	("Saint-Eustache", 45.5650, -73.9050, 4, 0.015),
	("Mirabel", 45.6500, -74.0800, 4, 0.040),
	("Saint-Jérôme", 45.7800, -74.0040, 6, 0.025),
	("Saint-Sauveur", 45.8960, -74.1580, 3, 0.020),
	("Sainte-Adèle", 45.9500, -74.1310, 3, 0.020),
	("Sainte-Agathe-des-Monts", 46.0500, -74.2800, 3, 0.025),
	("Mont-Tremblant", 46.1180, -74.5960, 2, 0.030),
]

TAGS = [
	"fibre_splicing",
	"ont_install",
	"aerial",
	"underground",
	"iptv",
	"wifi_mesh",
	"business",
	"troubleshooting",
]


@dataclass(frozen=True)
class JobKind:
	code: str
	label: str
	minutes: int
	skills: dict
	window: str  # am, pm, am_pm, slot2h, day
	weight: int
	priority: int = 2
	needs_assistant: bool = False


JOB_KINDS = [
	JobKind("install", "Residential fibre install", 75, {"ont_install": 2, "wifi_mesh": 1}, "am_pm", 16),
	JobKind("aerial_drop", "Aerial drop and install", 90, {"aerial": 2, "ont_install": 2}, "am_pm", 6),
	JobKind("underground_drop", "Underground drop (conduit)", 90, {"underground": 3}, "am_pm", 3, 2, True),
	JobKind("splice_repair", "Fibre splice repair", 75, {"fibre_splicing": 3}, "slot2h", 5, 3),
	JobKind("ont_swap", "ONT replacement", 30, {"ont_install": 1}, "slot2h", 14),
	JobKind("wifi_mesh", "Wi-Fi mesh setup", 40, {"wifi_mesh": 2}, "slot2h", 12),
	JobKind("iptv", "IPTV set-top install", 40, {"iptv": 2}, "am_pm", 8),
	JobKind("no_sync", "No sync / loss of signal", 40, {"troubleshooting": 2}, "slot2h", 18, 3),
	JobKind("business_install", "Business install", 120, {"business": 3, "ont_install": 3}, "am", 2),
	JobKind("business_outage", "Business outage", 60, {"business": 3, "troubleshooting": 4}, "day", 1, 4),
	JobKind(
		"aerial_repair", "Aerial cable repair", 75, {"aerial": 3, "fibre_splicing": 2}, "day", 3, 3, True
	),
	JobKind("pickup", "Equipment pickup", 15, {}, "day", 12, 1),
]

# (archetype, {tag: (min level, max level)}, share of technicians)
ARCHETYPES = [
	(
		"installer",
		{"ont_install": (2, 4), "wifi_mesh": (1, 3), "iptv": (1, 3), "troubleshooting": (1, 2)},
		14,
	),
	(
		"senior installer",
		{
			"ont_install": (3, 5),
			"wifi_mesh": (2, 4),
			"iptv": (2, 4),
			"troubleshooting": (2, 4),
			"aerial": (1, 3),
		},
		7,
	),
	(
		"splicer",
		{"fibre_splicing": (3, 5), "aerial": (2, 4), "underground": (2, 4), "ont_install": (1, 2)},
		6,
	),
	(
		"lineman",
		{"aerial": (3, 5), "underground": (2, 4), "fibre_splicing": (1, 3), "ont_install": (1, 3)},
		5,
	),
	(
		"troubleshooter",
		{"troubleshooting": (2, 5), "wifi_mesh": (2, 4), "iptv": (2, 4), "ont_install": (1, 3)},
		6,
	),
	(
		"business",
		{"business": (3, 5), "troubleshooting": (3, 5), "ont_install": (3, 4), "wifi_mesh": (2, 5)},
		4,
	),
]

FIRST = [
	"Marc",
	"Julie",
	"Éric",
	"Sophie",
	"Luc",
	"Isabelle",
	"Mathieu",
	"Catherine",
	"Patrick",
	"Nathalie",
	"Simon",
	"Geneviève",
	"Alexandre",
	"Marie-Ève",
	"Jonathan",
	"Émilie",
	"Kevin",
	"Valérie",
	"Maxime",
	"Audrey",
	"Olivier",
	"Chantal",
	"Francis",
	"Mélanie",
	"Sébastien",
	"Annie",
	"Vincent",
	"Karine",
	"Dominic",
	"Josée",
	"Guillaume",
	"Stéphanie",
	"Hugo",
	"Caroline",
	"Yannick",
	"Amélie",
	"Samuel",
	"Véronique",
	"Félix",
	"Lyne",
	"Antoine",
	"Manon",
]
LAST = [
	"Tremblay",
	"Gagnon",
	"Roy",
	"Côté",
	"Bouchard",
	"Gauthier",
	"Morin",
	"Lavoie",
	"Fortin",
	"Gagné",
	"Ouellet",
	"Pelletier",
	"Bélanger",
	"Lévesque",
	"Bergeron",
	"Leblanc",
	"Paquette",
	"Girard",
	"Simard",
	"Boucher",
	"Caron",
	"Beaulieu",
	"Cloutier",
	"Dubé",
	"Poirier",
	"Fournier",
	"Lapointe",
	"Leclerc",
	"Lefebvre",
	"Poulin",
	"Thibault",
	"St-Pierre",
	"Nadeau",
	"Martin",
	"Landry",
	"Martel",
	"Bédard",
	"Grenier",
	"Lessard",
	"Bernier",
	"Richard",
	"Michaud",
]


@dataclass
class DemoDay:
	day: date
	timezone: str
	technicians: list[PlanTechnician]
	jobs: list[PlanJob]
	zones: list[tuple]


def _at(day: date, tz: ZoneInfo, hh: int, mm: int = 0) -> datetime:
	return datetime.combine(day, time(hh, mm), tzinfo=tz)


def _near(rng: random.Random, zone) -> tuple[float, float]:
	_, lat, lon, _, spread = zone
	return (round(lat + rng.gauss(0, spread), 5), round(lon + rng.gauss(0, spread * 1.4), 5))


def demo_day(technicians: int = 42, jobs: int = 300, seed: int = 7, day: date = DEMO_DAY) -> DemoDay:
	"""The demo's technicians and jobs: the same for the same arguments, on every machine."""
	rng = random.Random(seed)
	tz = ZoneInfo(TIMEZONE)
	zone_weights = [z[3] for z in ZONES]
	techs: list[PlanTechnician] = []
	# interleaved by share, so that any first N technicians cover every archetype in proportion
	archetypes = [
		a
		for _key, _i, a in sorted(
			((k + 0.5) / a[2], i, a) for i, a in enumerate(ARCHETYPES) for k in range(a[2])
		)
	]
	for i in range(technicians):
		arch = archetypes[i % len(archetypes)]
		zone = ZONES[i % len(ZONES)] if i < len(ZONES) else rng.choices(ZONES, weights=zone_weights)[0]
		skills = {tag: rng.randint(lo, hi) for tag, (lo, hi) in arch[1].items()}
		early = rng.random() < 0.3
		start = _at(day, tz, 7, 30) if early else _at(day, tz, 8)
		end = start + timedelta(hours=9)
		techs.append(
			PlanTechnician(
				name=f"{FIRST[i % len(FIRST)]} {LAST[(i * 5) % len(LAST)]}",
				home=_near(rng, zone),
				shift_start=start,
				shift_end=end,
				skills=skills,
				lunch=LunchBreak(_at(day, tz, 11, 30), _at(day, tz, 13, 30), 30),
				timezone=TIMEZONE,
			)
		)
	out_jobs: list[PlanJob] = []
	kind_weights = [k.weight for k in JOB_KINDS]
	for n in range(jobs):
		kind = rng.choices(JOB_KINDS, weights=kind_weights)[0]
		zone = rng.choices(ZONES, weights=zone_weights)[0]
		window = kind.window
		if window == "am_pm":
			window = rng.choice(["am", "pm"])
		if window == "am":
			early, late = _at(day, tz, 8), _at(day, tz, 11)
		elif window == "pm":
			early, late = _at(day, tz, 12), _at(day, tz, 15, 30)
		elif window == "slot2h":
			h = rng.choice([8, 10, 12, 14])
			early, late = _at(day, tz, h), _at(day, tz, h + 2)
		else:
			early, late = _at(day, tz, 8), _at(day, tz, 16)
		minutes = max(10, round(kind.minutes * rng.uniform(0.85, 1.2) / 5) * 5)
		out_jobs.append(
			PlanJob(
				name=f"JOB-{10001 + n}",
				location=_near(rng, zone),
				duration_min=minutes,
				earliest_start=early,
				latest_start=late,
				skills=dict(kind.skills),
				priority=kind.priority,
				needs_assistant=kind.needs_assistant,
				kind=kind.code,
				title=f"{kind.label}, {zone[0]}",
			)
		)
	# a few commitments the dispatcher already made
	if out_jobs and techs:
		for job in out_jobs[:60]:
			if job.kind == "business_install" or job.kind == "install":
				lead = next(
					(t for t in techs if all(t.skills.get(g, 0) >= v for g, v in job.skills.items())), None
				)
				if lead is not None:
					job.locked_technician = lead.name
					job.locked_start = job.earliest_start + timedelta(hours=1)
					break
		# one job that nobody on the team can do today
		out_jobs[-1].skills = {"fibre_splicing": 5, "business": 5}
		out_jobs[-1].kind = "splice_repair"
		out_jobs[-1].title = "OTDR certification of a business fibre run"
	return DemoDay(day, TIMEZONE, techs, out_jobs, ZONES)
