"""The audit queries of the OpenShell article, run as they are written there.

The article's code (its lines from "# Querying OpenShell audit logs" on) is
kept word for word, indented into a coroutine run by ``asyncio.run``; only the
last loop, which prints what the second query found, is not the article's.

It needs an openshelld answering at https://openshell-audit.internal.com and a
token with the ``audit`` scope::

    export OPENSHELL_TOKEN=...            # a token of the service (scope audit)
    export OPENSHELL_CA=/etc/openshell/ca.pem
    # without DNS for that name, send it to the service's address:
    export OPENSHELL_RESOLVE=openshell-audit.internal.com:443=127.0.0.1:8443
    python3 audit_queries.py
"""

import asyncio


async def main() -> None:
    # Querying OpenShell audit logs
    from openshell.audit import AuditClient
    audit = AuditClient(endpoint="https://openshell-audit.internal.com")
    # Find all policy violations in the last hour
    violations = await audit.query(
        time_range="1h",
        event_type="policy_violation",
        severity=["warning", "critical"],
    )
    for v in violations:
        print(f"[{v.timestamp}] Session {v.session_id}: "
              f"{v.policy_name} - {v.action_taken} - {v.details}")
    # Find all network egress attempts (approved and blocked)
    egress = await audit.query(
        time_range="24h",
        event_type="network_egress",
        fields=["session_id", "tool", "destination", "approved", "bytes_sent"],
    )

    for e in egress:  # not in the article: what the second query found
        print(f"egress {e.session_id} {e.tool} {e.destination} approved={e.approved} bytes_sent={e.bytes_sent}")


if __name__ == "__main__":
    asyncio.run(main())
