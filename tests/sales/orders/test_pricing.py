"""The order core: what an order costs (cents, taxes from the template's data, the promotion)
and whether it may be placed."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gigafibre_fsm.errors import IllegalTransition, InvalidInput
from gigafibre_fsm.sales import orders
from gigafibre_fsm.sales.orders import FEE, OPTION, PLAN, Offer, OrderRequest, Promotion, price_order
from gigafibre_fsm.sales.orders.pricing import taxes_on

TAXES = json.loads(
	(Path(__file__).resolve().parents[3] / "gigafibre_fsm/billing/data/quebec_sales_taxes.json").read_text()
)["taxes"]

CATALOG = {
	o.code: o
	for o in (
		Offer("FIBRE-500", "Fibre 500 Mbps", PLAN, 6500),
		Offer("FIBRE-1000", "Fibre 1 Gbps", PLAN, 8500),
		Offer("FIBRE-1000-TV", "Fibre 1 Gbps + TV", PLAN, 11000, includes=("FIBRE-1000", "TV-BOX")),
		Offer("STATIC-IP", "Static IP", OPTION, 1000, plans=("FIBRE-1000",)),
		Offer("WIFI-EXTENDER", "Wi-Fi Extender", OPTION, 500, max_quantity=3),
		Offer("TV-BOX", "TV Box", OPTION, 800, excludes=("STREAM-STICK",)),
		Offer("STREAM-STICK", "Streaming Stick", OPTION, 300),
		Offer("INSTALLATION", "Installation", FEE, 9900),
	)
}


def request(plan="FIBRE-1000", options=None, status="Served", code=None):
	return OrderRequest(plan, options or {}, status, code)


def test_first_invoice_is_the_first_month_and_the_installation_with_gst_and_qst():
	priced = price_order(request(options={"WIFI-EXTENDER": 2}), CATALOG, TAXES)
	assert [(line.code, line.amount_cents) for line in priced.lines] == [
		("FIBRE-1000", 8500),
		("WIFI-EXTENDER", 1000),
		("INSTALLATION", 9900),
	]
	assert priced.net_cents == 19400
	# GST 5 % of 194.00 = 9.70; QST 9.975 % = 19.3515 → 19.35
	assert [t.cents for t in priced.taxes] == [970, 1935]
	assert priced.total_cents == 19400 + 970 + 1935
	assert priced.monthly_net_cents == 9500  # no installation after the first invoice
	assert priced.monthly_total_cents == 9500 + 475 + 948  # 9.47625 → 9.48
	assert priced.promotion is None


def test_each_tax_is_rounded_half_up_on_the_net_total():
	# 10.00 × 9.975 % = 0.9975 → 1.00; 0.10 × 5 % = 0.005 → 0.01 (half up, not to even)
	assert [t.cents for t in taxes_on(1000, TAXES)] == [50, 100]
	assert [t.cents for t in taxes_on(10, TAXES)] == [1, 1]
	assert taxes_on(1000, [{"description": "X", "rate": 0}])[0].cents == 0


def test_taxes_come_from_the_data_not_the_code():
	priced = price_order(request(), CATALOG, [{"description": "HST 13%", "rate": 13}])
	assert [(t.description, t.cents) for t in priced.taxes] == [("HST 13%", (8500 + 9900) * 13 // 100)]


def test_a_promotion_off_the_plan_and_a_coupon_off_the_installation():
	half_plan = Promotion("PRULE-1", "Half the first month", percent=Decimal(50), items=("FIBRE-1000",))
	free_install = Promotion(
		"PRULE-2", "Free installation", amount_cents=9900, items=("INSTALLATION",), coupon="BIENVENUE"
	)
	automatic = price_order(request(), CATALOG, TAXES, [half_plan, free_install])
	assert automatic.promotion == "PRULE-1"
	assert [line.discount_cents for line in automatic.lines] == [4250, 0]
	assert automatic.net_cents == 4250 + 9900
	typed = price_order(request(code=" bienvenue "), CATALOG, TAXES, [half_plan, free_install])
	assert typed.promotion == "PRULE-2"
	assert [line.amount_cents for line in typed.lines] == [8500, 0]
	assert typed.monthly_net_cents == 8500  # a promotion is the first invoice's only
	with pytest.raises(InvalidInput):
		price_order(request(code="NOPE"), CATALOG, TAXES, [half_plan, free_install])


def test_a_discount_never_goes_below_zero():
	big = Promotion("P", "Too much", amount_cents=100000, items=("FIBRE-500",))
	priced = price_order(request("FIBRE-500"), CATALOG, TAXES, [big])
	assert priced.lines[0].amount_cents == 0


@pytest.mark.parametrize(
	("req", "message"),
	[
		(request(status=None), "Choose the address"),
		(request(status="Soon"), "not served"),
		(request(status="Not Served"), "not served"),
		(request(plan=None), "Choose a plan"),
		(request(plan="STATIC-IP"), "not a plan"),
		(request(options={"NOPE": 1}), "not an option"),
		(request(options={"FIBRE-500": 1}), "not an option"),
		(request(options={"WIFI-EXTENDER": 4}), "between 1 and 3"),
		(request(options={"WIFI-EXTENDER": 0}), "between 1 and 3"),
		(request(plan="FIBRE-500", options={"STATIC-IP": 1}), "not available with"),
		(request(plan="FIBRE-1000-TV", options={"TV-BOX": 1}), "already included"),
		(request(options={"TV-BOX": 1, "STREAM-STICK": 1}), "cannot be taken with"),
	],
)
def test_orders_that_cannot_be_placed(req, message):
	with pytest.raises(InvalidInput) as e:
		price_order(req, CATALOG, TAXES)
	assert message in str(e.value)


def test_a_bundle_is_priced_as_one_plan():
	priced = price_order(request("FIBRE-1000-TV"), CATALOG, TAXES)
	assert [line.code for line in priced.lines] == ["FIBRE-1000-TV", "INSTALLATION"]


def test_a_tax_not_on_the_net_total_is_refused():
	with pytest.raises(InvalidInput):
		price_order(request(), CATALOG, [{"description": "X", "rate": 1, "charge_type": "Actual"}])


def test_the_order_life():
	orders.check_status_change(None, orders.DRAFT)
	orders.check_status_change(orders.DRAFT, orders.AWAITING_PAYMENT)
	orders.check_status_change(orders.AWAITING_PAYMENT, orders.PAID)
	orders.check_status_change(orders.PAID, orders.PROVISIONING)
	orders.check_status_change(orders.PROVISIONING, orders.SCHEDULED)
	orders.check_status_change(orders.SCHEDULED, orders.COMPLETED)
	orders.check_status_change(orders.PAID, orders.NEEDS_ATTENTION)
	orders.check_status_change(orders.NEEDS_ATTENTION, orders.PROVISIONING)
	for old, new in (
		(orders.DRAFT, orders.PAID),  # never paid without Checkout
		(orders.COMPLETED, orders.DRAFT),
		(orders.PROVISIONING, orders.DRAFT),  # a paid order does not go back
		(orders.DRAFT, "Shipped"),
	):
		with pytest.raises(IllegalTransition):
			orders.check_status_change(old, new)
	assert orders.is_placed(orders.SCHEDULED) and not orders.is_placed(orders.NEEDS_ATTENTION)
