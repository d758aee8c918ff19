import json
from decimal import Decimal
from pathlib import Path

import pytest

from gigafibre_fsm.errors import InvalidInput
from gigafibre_fsm.sales.contracts import monthly_totals

TAXES = json.loads(
	(Path(__file__).resolve().parents[3] / "gigafibre_fsm/billing/data/quebec_sales_taxes.json").read_text()
)["taxes"]


def test_gst_and_qst_on_the_net_total_from_the_money_template():
	totals = monthly_totals([75, "49.99"], TAXES)
	assert totals.net == Decimal("124.99")
	assert [(t.description, t.rate, t.amount) for t in totals.taxes] == [
		("GST 5%", Decimal("5.0"), Decimal("6.25")),  # 6.2495 rounds half up
		("QST 9.975%", Decimal("9.975"), Decimal("12.47")),  # 12.4678
	]
	assert totals.tax_total == Decimal("18.72") and totals.total == Decimal("143.71")


def test_half_a_cent_rounds_up_as_on_an_invoice():
	totals = monthly_totals([Decimal("10.10")], [{"description": "GST 5%", "rate": 5}])
	assert totals.taxes[0].amount == Decimal("0.51")  # 0.505


def test_no_lines_costs_nothing_and_bad_amounts_are_refused():
	assert monthly_totals([], TAXES).total == Decimal("0.00")
	for bad in (-1, "abc", "NaN", float("inf")):
		with pytest.raises(InvalidInput):
			monthly_totals([bad], TAXES)
	with pytest.raises(InvalidInput):
		monthly_totals([10], [{"description": "x", "rate": 5, "charge_type": "Actual"}])
