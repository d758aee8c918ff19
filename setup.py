# A shim for tools that still call setup.py: the metadata and dependencies are in pyproject.toml.
from setuptools import setup

setup()
