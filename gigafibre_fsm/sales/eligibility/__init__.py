"""Eligibility: which addresses the network serves, and finding one as a person types it.

Framework-free: `normalise` (keys of streets, municipalities, units, postal codes), `query`
(free text → AddressQuery), `matching` (which served addresses answer, best first) and `records`
(one served address checked and normalised; the CSV import's plan). The shell is the Served
Address doctype (its controller, `search.py` and `csv_import.py` beside it), `api/sales.py` and
the bench command `gigafibre import-served-addresses`.
"""
