# The deny rules of policies/unsubscription, for Rego (regorus). Amounts are
# whole ten-thousandths and dates days since 1970-01-01, converted by the
# host (src/lib.rs).
package unsubscription

import rego.v1

unsubscribe if input.request.action == "unsubscribe"

deny contains "ECS_QUOTA_EXHAUSTED" if {
	unsubscribe
	input.resource.service == "ecs"
	input.account.ecs_unsubscription_quota.used >= input.account.ecs_unsubscription_quota.limit
}

deny contains "SECURITY_RISK" if {
	unsubscribe
	input.resource.security_risk
}

deny contains "SERVICE_NOT_SUPPORTED" if {
	unsubscribe
	not input.resource.service_supports_unsubscription
}

deny contains "PAY_AS_YOU_GO" if {
	unsubscribe
	input.resource.billing_method == "pay_as_you_go"
}

deny contains "PROMOTION_NON_REFUNDABLE" if {
	unsubscribe
	input.order.promotion.refundable == false
}

deny contains "REFUNDABLE_AMOUNT_ZERO" if {
	unsubscribe
	input.resource.billing_method == "subscription"
	refundable_zero
}

refundable_zero if input.account.financial_relation_changed_at > input.order.purchased_at

refundable_zero if {
	cash := max([input.order.amount - input.order.voucher_amount, 0])
	cash - input.order.consumed_amount < 50
}

deny contains "MARKETPLACE_PAID_IMAGE" if {
	unsubscribe
	input.resource.marketplace_image.paid == true
}

deny contains "CURRENCY_MISMATCH" if {
	unsubscribe
	input.order.currency != input.account.settlement_currency
}

deny contains "UNPAID_ORDERS" if {
	unsubscribe
	input.resource.unpaid_orders > 0
}

deny contains "API_NOT_SUPPORTED" if {
	unsubscribe
	input.request.channel == "api"
}

deny contains "CANCELLATION_NOT_SUPPORTED" if input.request.action == "cancel_unsubscription"
