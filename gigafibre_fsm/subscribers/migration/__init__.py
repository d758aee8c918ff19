"""Importing an existing operator's customers, locations, equipment and subscriptions from CSV (README.md)."""
