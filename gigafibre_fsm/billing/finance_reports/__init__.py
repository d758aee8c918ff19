"""The arithmetic of the finance reports (receivables ageing, revenue, GST/QST, sales and MRR)
on plain rows in integer cents. See figures.py."""
