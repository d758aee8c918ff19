"""The demo: a realistic day planned through the same core, a loader for a user's own export,
and a self-contained HTML report (see README.md)."""

from .data import DEMO_DAY, JOB_KINDS, TAGS, DemoDay, demo_day

__all__ = ["DEMO_DAY", "JOB_KINDS", "TAGS", "DemoDay", "demo_day"]
