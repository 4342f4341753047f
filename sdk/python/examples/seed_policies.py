# Policy engine configuration
from openshell import PolicyEngine, Policy, PolicyAction
policy_engine = PolicyEngine(
    policies=[
        # PII detection and redaction
        Policy(
            name="pii-protection",
            trigger="data_output",
            condition="contains_pii(output)",
            action=PolicyAction.REDACT,
            pii_types=["ssn", "credit_card", "email", "phone"],
            log_level="warning",
        ),
        # Cost control
        Policy(
            name="cost-limit",
            trigger="tool_call",
            condition="session.total_cost > 5.0",
            action=PolicyAction.BLOCK,
            message="Session cost limit exceeded. Requesting human approval.",
            escalation="human_queue",
        ),
        # Rate limiting
        Policy(
            name="tool-rate-limit",
            trigger="tool_call",
            condition="tool.calls_in_last_minute > 20",
            action=PolicyAction.THROTTLE,
            delay_seconds=10,
        ),
        # Content safety
        Policy(
            name="content-safety",
            trigger="agent_response",
            condition="safety_score(response) < 0.8",
            action=PolicyAction.BLOCK,
            message="Response blocked by content safety policy.",
            log_level="critical",
        ),
        # Data residency
        Policy(
            name="data-residency",
            trigger="network_egress",
            condition="destination_region not in ['us-east-1', 'us-west-2']",
            action=PolicyAction.BLOCK,
            message="Data residency violation: destination outside approved regions.",
        ),
    ],
)
