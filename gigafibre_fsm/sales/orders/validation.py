"""Whether an order may be placed: a plan, options that go with it, a served address."""

from dataclasses import dataclass

from gigafibre_fsm.errors import InvalidInput, _
from gigafibre_fsm.sales.orders.catalog import FEE, OPTION, PLAN, Offer

SERVED = "Served"


@dataclass(frozen=True)
class OrderRequest:
	"""What the customer chose. `options`: option code → quantity."""

	plan: str | None
	options: dict[str, int]
	address_status: str | None  # the Served Address's status (Served, Soon, Not Served), None: none
	promotion_code: str | None = None


def validate_order(request: OrderRequest, catalog: dict[str, Offer]) -> tuple[Offer, list[tuple[Offer, int]]]:
	"""The plan and the (option, quantity) pairs of a valid order; InvalidInput otherwise."""
	if request.address_status is None:
		raise InvalidInput(_("Choose the address to serve"))
	if request.address_status != SERVED:
		raise InvalidInput(_("This address is not served yet: no order can be placed for it"))
	if not request.plan:
		raise InvalidInput(_("Choose a plan"))
	plan = catalog.get(request.plan)
	if plan is None or plan.kind != PLAN:
		raise InvalidInput(_("{item} is not a plan we offer"), item=request.plan)
	chosen = []
	for code, quantity in sorted((request.options or {}).items()):
		option = catalog.get(code)
		if option is None or option.kind != OPTION:
			raise InvalidInput(_("{item} is not an option we offer"), item=code)
		if not isinstance(quantity, int) or quantity < 1 or quantity > option.max_quantity:
			raise InvalidInput(
				_("{item}: choose between 1 and {most}"), item=option.name, most=option.max_quantity
			)
		if code in plan.includes:
			raise InvalidInput(_("{item} is already included in {plan}"), item=option.name, plan=plan.name)
		if option.plans and plan.code not in option.plans:
			raise InvalidInput(_("{item} is not available with {plan}"), item=option.name, plan=plan.name)
		chosen.append((option, quantity))
	codes = {o.code for o, _q in chosen}
	for option, _q in chosen:
		clash = sorted(codes & set(option.excludes))
		if clash:
			raise InvalidInput(
				_("{item} cannot be taken with {other}"), item=option.name, other=catalog[clash[0]].name
			)
	return plan, chosen


def installation_fees(catalog: dict[str, Offer]) -> list[Offer]:
	"""The one-time fees every new order pays (the installation)."""
	return sorted((o for o in catalog.values() if o.kind == FEE), key=lambda o: o.code)
