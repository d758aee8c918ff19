"""What an order costs, in integer cents: the first invoice (the first month of the plan and
its options, the installation fee, the promotion) and the monthly price after it.

Taxes are data (billing/data/quebec_sales_taxes.json, the ERPNext template's rows: GST 5 %,
QST 9.975 %), each computed on the net total and rounded half up to the cent, as ERPNext does
for "On Net Total" taxes.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.sales.orders.catalog import FEE, Offer, Promotion
from gigafibre_fsm.sales.orders.validation import OrderRequest, installation_fees, validate_order


@dataclass(frozen=True)
class PricedLine:
	code: str
	name: str
	kind: str
	quantity: int
	unit_cents: int  # before the promotion
	discount_cents: int  # off the whole line
	amount_cents: int  # quantity × unit − discount
	recurring: bool


@dataclass(frozen=True)
class TaxAmount:
	description: str
	rate: Decimal  # percent
	cents: int


@dataclass(frozen=True)
class PricedOrder:
	lines: tuple[PricedLine, ...]
	net_cents: int
	taxes: tuple[TaxAmount, ...]
	tax_cents: int
	total_cents: int  # the first invoice, taxes included: what Checkout charges
	monthly_net_cents: int  # every month after, before taxes and without the promotion
	monthly_total_cents: int  # the same with taxes
	promotion: str | None


def _rate(tax: dict) -> Decimal:
	if tax.get("charge_type", "On Net Total") != "On Net Total":
		raise InvalidInput(
			_("Only taxes on the net total are supported, got {kind}"), kind=tax["charge_type"]
		)
	try:
		rate = Decimal(str(tax["rate"]))
	except (InvalidOperation, KeyError):
		raise InvalidInput(_("A tax rate is missing or not a number")) from None
	if not rate.is_finite() or rate < 0:
		raise InvalidInput(_("A tax rate is missing or not a number"))
	return rate


def taxes_on(net_cents: int, taxes: list[dict]) -> tuple[TaxAmount, ...]:
	"""Each tax of `taxes` (the template's rows) on `net_cents`, rounded half up to the cent."""
	return tuple(
		TaxAmount(
			str(tax["description"]),
			_rate(tax),
			int((Decimal(net_cents) * _rate(tax) / 100).quantize(Decimal(1), ROUND_HALF_UP)),
		)
		for tax in taxes
	)


def _discount(promotion: Promotion | None, line_code: str, plan_code: str, gross: int) -> int:
	if promotion is None:
		return 0
	targets = promotion.items or (plan_code,)
	if line_code not in targets:
		return 0
	off = int((Decimal(gross) * promotion.percent / 100).quantize(Decimal(1), ROUND_HALF_UP))
	return min(gross, off + promotion.amount_cents)


def find_promotion(code: str | None, promotions: list[Promotion]) -> Promotion | None:
	"""The promotion a typed code opens, else the best automatic one (None without any).
	A code that opens none is refused, so a customer never pays thinking it applied."""
	if code:
		typed = code.strip().upper()
		found = [p for p in promotions if p.coupon and p.coupon.upper() == typed]
		if not found:
			raise InvalidInput(_("The promotion code {code} is not valid"), code=code.strip())
		return found[0]
	automatic = [p for p in promotions if not p.coupon]
	return sorted(automatic, key=lambda p: p.code)[0] if automatic else None


def price_order(
	request: OrderRequest, catalog: dict[str, Offer], taxes: list[dict], promotions: list[Promotion] = ()
) -> PricedOrder:
	"""Validate `request` against the catalog and price its first invoice and its monthly price."""
	plan, options = validate_order(request, catalog)
	promotion = find_promotion(request.promotion_code, list(promotions))
	chosen = [(plan, 1), *options] + [(fee, 1) for fee in installation_fees(catalog)]
	lines = []
	for offer, quantity in chosen:
		if offer.price_cents < 0:
			raise InvalidInput(_("{item} has no price"), item=offer.name)
		gross = offer.price_cents * quantity
		discount = _discount(promotion, offer.code, plan.code, gross)
		lines.append(
			PricedLine(
				offer.code,
				offer.name,
				offer.kind,
				quantity,
				offer.price_cents,
				discount,
				gross - discount,
				offer.kind != FEE,
			)
		)
	net = sum(line.amount_cents for line in lines)
	taxes_now = taxes_on(net, taxes)
	tax_cents = sum(t.cents for t in taxes_now)
	monthly = sum(line.unit_cents * line.quantity for line in lines if line.recurring)
	monthly_taxes = sum(t.cents for t in taxes_on(monthly, taxes))
	return PricedOrder(
		tuple(lines),
		net,
		taxes_now,
		tax_cents,
		net + tax_cents,
		monthly,
		monthly + monthly_taxes,
		promotion.code if promotion and any(line.discount_cents for line in lines) else None,
	)
