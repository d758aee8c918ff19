"""What the catalog offers, as the shell reads it from ERPNext (Items, Item Prices, Product
Bundles, Pricing Rules): plain values, prices in cents."""

from dataclasses import dataclass, field
from decimal import Decimal

PLAN = "Plan"  # an internet plan, or a bundle (an ERPNext Product Bundle) sold as one plan
OPTION = "Option"  # static IP, Wi-Fi extender, TV box: monthly, added to a plan
FEE = "Fee"  # the installation fee: once, on the first invoice


@dataclass(frozen=True)
class Offer:
	"""One Item of the catalog. `price_cents` is monthly for plans and options, once for fees.
	`includes`: a bundle's components (they are not sold again beside it); `plans`: the plans an
	option goes with (empty: every plan); `excludes`: options it cannot be taken with."""

	code: str
	name: str
	kind: str
	price_cents: int
	includes: tuple[str, ...] = ()
	plans: tuple[str, ...] = ()
	excludes: tuple[str, ...] = ()
	max_quantity: int = 1


@dataclass(frozen=True)
class Promotion:
	"""A promotion (an ERPNext Pricing Rule, optionally behind a Coupon Code) on the first
	invoice: a percentage or an amount in cents off each line of `items` (empty: the plan)."""

	code: str
	title: str
	percent: Decimal = Decimal(0)
	amount_cents: int = 0
	items: tuple[str, ...] = field(default_factory=tuple)
	coupon: str | None = None  # the code the customer types; None: applied to everyone
