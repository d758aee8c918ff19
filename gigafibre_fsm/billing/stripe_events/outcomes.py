"""The two actions every kind of event may end in: nothing to do, or a person must look."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Acknowledge:
	reason: str


@dataclass(frozen=True)
class Review:
	reason: str
