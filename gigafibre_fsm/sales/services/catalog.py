"""The catalog as ERPNext holds it, read into the order core's plain values.

- plans: Items of the Item Group "Internet Plans"; a bundle is a plan that is also an ERPNext
  Product Bundle (its components are not sold again beside it);
- options: Items of "Internet Options" (static IP, Wi-Fi extender, TV box), monthly;
- the installation fee: Items of "Installation Fees", once, on every new order;
- prices: Item Prices of the selling price list (Selling Settings), in the company's currency;
- promotions: enabled selling Pricing Rules on Item Codes of the catalog (percentage or amount
  off), valid today; one behind a Coupon Code applies only when its code is typed.

`ensure_default_catalog` (install) creates a small catalog only when none exists; staff then
edit Items, Item Prices, Product Bundles and Pricing Rules in the desk as usual.
"""

from decimal import Decimal

import frappe
from frappe.utils import getdate, nowdate

from gigafibre_fsm.billing.money import to_cents
from gigafibre_fsm.sales import orders as core

PLANS, OPTIONS, FEES = "Internet Plans", "Internet Options", "Installation Fees"
KIND_OF_GROUP = {PLANS: core.PLAN, OPTIONS: core.OPTION, FEES: core.FEE}
# Options a customer may take more than one of (the house needs more than one extender).
MAX_QUANTITY = {"WIFI-EXTENDER": 3}


def price_list() -> str:
	return frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"


def load(currency: str) -> dict[str, core.Offer]:
	"""The catalog's offers by item code (an item without a price in `currency` is not offered)."""
	items = frappe.get_all(
		"Item",
		filters={"item_group": ("in", list(KIND_OF_GROUP)), "disabled": 0},
		fields=["name", "item_name", "item_group"],
		order_by="name",
	)
	if not items:
		return {}
	codes = [i.name for i in items]
	prices = {
		p.item_code: p.price_list_rate
		for p in frappe.get_all(
			"Item Price",
			filters={
				"item_code": ("in", codes),
				"price_list": price_list(),
				"currency": currency,
				"selling": 1,
			},
			fields=["item_code", "price_list_rate"],
			order_by="valid_from asc",
		)
	}
	bundles = {}
	for row in frappe.get_all(
		"Product Bundle Item",
		filters={"parenttype": "Product Bundle", "parent": ("in", codes)},
		fields=["parent", "item_code"],
		order_by="idx",
	):
		bundles.setdefault(row.parent, []).append(row.item_code)
	return {
		i.name: core.Offer(
			i.name,
			i.item_name,
			KIND_OF_GROUP[i.item_group],
			to_cents(prices[i.name], currency),
			includes=tuple(bundles.get(i.name, ())),
			max_quantity=MAX_QUANTITY.get(i.name, 1),
		)
		for i in items
		if i.name in prices
	}


def promotions(catalog: dict[str, core.Offer], currency: str) -> list[core.Promotion]:
	"""The Pricing Rules that apply to the catalog's items today, as the core's promotions."""
	today = getdate(nowdate())
	rules = frappe.get_all(
		"Pricing Rule",
		filters={
			"disable": 0,
			"selling": 1,
			"apply_on": "Item Code",
			"rate_or_discount": ("in", ["Discount Percentage", "Discount Amount"]),
		},
		fields=[
			"name",
			"title",
			"rate_or_discount",
			"discount_percentage",
			"discount_amount",
			"valid_from",
			"valid_upto",
			"coupon_code_based",
			"currency",
		],
		order_by="name",
	)
	found = []
	for rule in rules:
		if (rule.valid_from and getdate(rule.valid_from) > today) or (
			rule.valid_upto and getdate(rule.valid_upto) < today
		):
			continue
		items = tuple(
			code
			for code in frappe.get_all(
				"Pricing Rule Item Code", filters={"parent": rule.name}, pluck="item_code", order_by="idx"
			)
			if code in catalog
		)
		if not items:
			continue
		coupon = None
		if rule.coupon_code_based:
			coupon = frappe.db.get_value("Coupon Code", {"pricing_rule": rule.name}, "coupon_code")
			if not coupon:
				continue
		percent = (
			Decimal(str(rule.discount_percentage or 0))
			if rule.rate_or_discount == "Discount Percentage"
			else Decimal(0)
		)
		amount = (
			to_cents(rule.discount_amount or 0, currency) if rule.rate_or_discount == "Discount Amount" else 0
		)
		found.append(core.Promotion(rule.name, rule.title or rule.name, percent, amount, items, coupon))
	return found


def offers_for_page(currency: str, taxes: list[dict]) -> dict:
	"""Plans, options and fees with their price before and after taxes (cents), for the page."""
	catalog = load(currency)

	def shown(offer):
		tax = sum(t.cents for t in core.pricing.taxes_on(offer.price_cents, taxes))
		return {
			"item_code": offer.code,
			"item_name": offer.name,
			"price_cents": offer.price_cents,
			"price_with_taxes_cents": offer.price_cents + tax,
			"includes": list(offer.includes),
			"max_quantity": offer.max_quantity,
		}

	by_kind = {core.PLAN: [], core.OPTION: [], core.FEE: []}
	for offer in catalog.values():
		by_kind[offer.kind].append(shown(offer))
	for offers in by_kind.values():
		offers.sort(key=lambda o: (o["price_cents"], o["item_code"]))
	return {
		"plans": by_kind[core.PLAN],
		"options": by_kind[core.OPTION],
		"fees": by_kind[core.FEE],
		"currency": currency,
	}


# --- a starting catalog, at install ---------------------------------------------------------

DEFAULT_CATALOG = (
	# item code, name, group, price
	("FIBRE-500", "Fibre 500 Mbps", PLANS, 65),
	("FIBRE-1000", "Fibre 1 Gbps", PLANS, 85),
	("FIBRE-1000-TV", "Fibre 1 Gbps + TV", PLANS, 110),
	("STATIC-IP", "Static IP Address", OPTIONS, 10),
	("WIFI-EXTENDER", "Wi-Fi Extender", OPTIONS, 5),
	("TV-BOX", "TV Box", OPTIONS, 8),
	("INSTALLATION", "Installation", FEES, 99),
)
DEFAULT_BUNDLES = {"FIBRE-1000-TV": ("FIBRE-1000", "TV-BOX")}


def ensure_default_catalog() -> bool:
	"""Create the item groups always, and a small catalog only if no plan exists yet; returns
	whether the catalog was created."""
	parent = (
		frappe.db.get_value("Item Group", {"is_group": 1, "parent_item_group": ("in", ["", None])}, "name")
		or "All Item Groups"
	)
	for group in KIND_OF_GROUP:
		if not frappe.db.exists("Item Group", group):
			frappe.get_doc(
				{
					"doctype": "Item Group",
					"item_group_name": group,
					"parent_item_group": parent,
					"is_group": 0,
				}
			).insert(ignore_permissions=True)
	if frappe.db.exists("Item", {"item_group": PLANS}):
		return False
	uom = "Nos" if frappe.db.exists("UOM", "Nos") else frappe.db.get_value("UOM", {}, "name")
	currency = frappe.db.get_default("currency") or "CAD"
	for code, name, group, price in DEFAULT_CATALOG:
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": name,
					"item_group": group,
					"stock_uom": uom,
					"is_stock_item": 0,
					"include_item_in_manufacturing": 0,
				}
			).insert(ignore_permissions=True)
		if not frappe.db.exists("Item Price", {"item_code": code, "price_list": price_list()}):
			frappe.get_doc(
				{
					"doctype": "Item Price",
					"item_code": code,
					"price_list": price_list(),
					"price_list_rate": price,
					"currency": currency,
				}
			).insert(ignore_permissions=True)
	for bundle, parts in DEFAULT_BUNDLES.items():
		if not frappe.db.exists("Product Bundle", bundle):
			frappe.get_doc(
				{
					"doctype": "Product Bundle",
					"new_item_code": bundle,
					"items": [{"item_code": p, "qty": 1} for p in parts],
				}
			).insert(ignore_permissions=True)
	return True
