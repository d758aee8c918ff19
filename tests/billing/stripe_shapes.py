"""Stripe objects in their real JSON shapes, trimmed to the fields that matter here.

- Invoice: https://docs.stripe.com/api/invoices/object (current API: `parent.subscription_details`
  and `payments`; before 2025-03-31: `subscription`, `payment_intent`).
- Subscription: https://docs.stripe.com/api/subscriptions/object
- Dispute: https://docs.stripe.com/api/disputes/object
"""


def stripe_invoice(
	number: str = "in_1QaBcD",
	invoice: str | None = "SINV-1",
	amount_paid: int = 10347,
	currency: str = "cad",
	payment_intent: str | None = "pi_3QaBcD",
	legacy: bool = False,
	on_lines: bool = False,
	status: str = "paid",
) -> dict:
	metadata = {"invoice": invoice} if invoice and not on_lines else {}
	line_metadata = {"invoice": invoice} if invoice and on_lines else {}
	obj = {
		"id": number,
		"object": "invoice",
		"amount_due": amount_paid or 10347,
		"amount_paid": amount_paid,
		"amount_remaining": 0 if status == "paid" else 10347,
		"attempt_count": 1,
		"attempted": True,
		"billing_reason": "subscription_cycle",
		"collection_method": "charge_automatically",
		"created": 1765152000,
		"currency": currency,
		"customer": "cus_RbCdEf",
		"hosted_invoice_url": f"https://invoice.stripe.com/i/acct_1/{number}",
		"livemode": False,
		"metadata": metadata,
		"next_payment_attempt": None,
		"status": status,
		"lines": {
			"object": "list",
			"data": [
				{
					"id": "il_1QaBcD",
					"object": "line_item",
					"amount": amount_paid,
					"currency": currency,
					"description": "1 × Fibre 500 (at $89.99 / month)",
					"metadata": line_metadata,
				}
			],
			"has_more": False,
			"url": f"/v1/invoices/{number}/lines",
		},
	}
	if legacy:
		obj.update({"subscription": "sub_1QaBcD", "payment_intent": payment_intent})
	else:
		obj["parent"] = {
			"type": "subscription_details",
			"quote_details": None,
			"subscription_details": {"metadata": {}, "subscription": "sub_1QaBcD"},
		}
		obj["payments"] = {
			"object": "list",
			"data": (
				[
					{
						"id": "inpay_1QaBcD",
						"object": "invoice_payment",
						"amount_paid": amount_paid,
						"amount_requested": amount_paid,
						"currency": currency,
						"invoice": number,
						"is_default": True,
						"payment": {"type": "payment_intent", "payment_intent": payment_intent},
						"status": "paid",
					}
				]
				if payment_intent and status == "paid"
				else []
			),
			"has_more": False,
		}
	return obj


def stripe_subscription(
	status: str = "active", service_subscription: str | None = "SUB-00001", on_items: bool = False
) -> dict:
	metadata = {"service_subscription": service_subscription} if service_subscription and not on_items else {}
	item_metadata = (
		{"service_subscription": service_subscription} if service_subscription and on_items else {}
	)
	return {
		"id": "sub_1QaBcD",
		"object": "subscription",
		"cancel_at_period_end": False,
		"collection_method": "charge_automatically",
		"created": 1765152000,
		"currency": "cad",
		"customer": "cus_RbCdEf",
		"latest_invoice": "in_1QaBcD",
		"livemode": False,
		"metadata": metadata,
		"status": status,
		"items": {
			"object": "list",
			"data": [
				{
					"id": "si_RbCdEf",
					"object": "subscription_item",
					"metadata": item_metadata,
					"price": {
						"id": "price_1Fibre500",
						"object": "price",
						"unit_amount": 8999,
						"currency": "cad",
					},
					"quantity": 1,
				}
			],
			"has_more": False,
		},
	}


def dispute(status: str = "needs_response", amount: int = 10347, payment_intent: str = "pi_3QaBcD") -> dict:
	return {
		"id": "du_1QaBcD",
		"object": "dispute",
		"amount": amount,
		"balance_transactions": [],
		"charge": "ch_3QaBcD",
		"created": 1765152000,
		"currency": "cad",
		"evidence_details": {
			"due_by": 1766966399,
			"has_evidence": False,
			"past_due": False,
			"submission_count": 0,
		},
		"is_charge_refundable": False,
		"livemode": False,
		"metadata": {},
		"payment_intent": payment_intent,
		"reason": "fraudulent",
		"status": status,
	}
