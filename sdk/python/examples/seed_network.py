# Network guardian configuration
from openshell import NetworkGuardian, EgressRule
guardian = NetworkGuardian(
    default_policy="deny-all",
    rules=[
        # Allow the search tool to reach Google APIs
        EgressRule(
            tool="web_search",
            allowed_hosts=["www.googleapis.com", "api.bing.com"],
            allowed_ports=[443],
            protocol="https",
            max_request_size_kb=100,
            max_response_size_mb=10,
        ),
        # Allow the database tool to reach internal postgres
        EgressRule(
            tool="database_query",
            allowed_hosts=["db.internal.company.com"],
            allowed_ports=[5432],
            protocol="tcp",
            tls_required=True,
        ),
        # Allow the email tool to reach the SMTP server
        EgressRule(
            tool="email_send",
            allowed_hosts=["smtp.company.com"],
            allowed_ports=[587],
            protocol="smtp",
            tls_required=True,
            rate_limit="5/minute",
        ),
    ],
    # Block all access to private IP ranges by default
    block_private_ranges=True,
    # DNS filtering to prevent exfiltration via DNS
    dns_filtering=True,
    allowed_dns_servers=["10.0.0.53"],
)
