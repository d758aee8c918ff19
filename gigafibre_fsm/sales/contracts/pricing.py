"""A contract's monthly price: its lines, and the sales taxes on their sum, to the cent.

The tax rates are data (billing/data/quebec_sales_taxes.json: GST 5 %, QST 9.975 %, each on the
net total), passed in by the shell; each tax is rounded half up to the cent, as on an invoice.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gigafibre_fsm.errors import InvalidInput, _

CENT = Decimal("0.01")


@dataclass(frozen=True)
class TaxLine:
	description: str
	rate: Decimal  # percent
	amount: Decimal


@dataclass(frozen=True)
class Totals:
	net: Decimal
	taxes: tuple[TaxLine, ...]
	tax_total: Decimal
	total: Decimal


def _money(value, what: str) -> Decimal:
	try:
		amount = Decimal(str(value))
	except (InvalidOperation, ValueError):
		raise InvalidInput(_("{what} is not an amount: {value}"), what=what, value=str(value)) from None
	if not amount.is_finite() or amount < 0:
		raise InvalidInput(_("{what} cannot be negative: {value}"), what=what, value=str(value))
	return amount


def monthly_totals(prices, taxes) -> Totals:
	"""The net monthly total of `prices`, each tax of `taxes` (dicts with "description" and
	"rate" in percent, charged "On Net Total") on it, and the total with taxes."""
	net = sum((_money(p, _("A monthly price")) for p in prices), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
	lines = []
	for tax in taxes:
		if tax.get("charge_type", "On Net Total") != "On Net Total":
			raise InvalidInput(
				_("Only taxes on the net total are supported, got {kind}"), kind=tax["charge_type"]
			)
		rate = _money(tax["rate"], _("A tax rate"))
		amount = (net * rate / 100).quantize(CENT, ROUND_HALF_UP)
		lines.append(TaxLine(str(tax["description"]), rate, amount))
	tax_total = sum((t.amount for t in lines), Decimal(0))
	return Totals(net, tuple(lines), tax_total, net + tax_total)
