"""Guarding a function of your own, the way an agent framework's tool is wrapped.

A framework (LangChain's @tool, CrewAI's tools, ...) takes a plain function,
reads its name, docstring and signature, and calls it with keyword arguments
chosen by the model. ``session.guard(name)`` returns such a function: same
name, docstring and signature, but each call is decided by the session's
policy first and its result afterwards. The function still runs here, in this
process, without isolation; for isolation declare the tool in the policy (a
``command``) and call it with ``session.call_tool``.

    python3 guarded_tool.py
"""

import inspect
import json

from openshell import ActionBlocked, OpenShellRuntime, Policy, PolicyAction, PolicyEngine, SandboxConfig, Tool
from openshell.client import Client

runtime = OpenShellRuntime(
    name="guarded-tool",
    sandbox=SandboxConfig(isolation="gvisor", max_execution_time_seconds=300),
    tools=[Tool(name="lookup_order", guard=True, description="Look an order up"),
           Tool(name="refund_order", guard=True, description="Refund an order")],
    policies=PolicyEngine(policies=[
        Policy(name="no-refunds", trigger="tool_call", condition="tool.name == 'refund_order'",
               action=PolicyAction.BLOCK, message="refunds go through a person"),
        Policy(name="pii-redact", trigger="data_output", condition="contains_pii(output)",
               action=PolicyAction.REDACT, pii_types=["email", "phone"]),
    ]),
)


def lookup_order(order_id: int, include_history: bool = False) -> dict:
    """Look an order up by its number."""
    return {"order": order_id, "status": "shipped", "customer_email": "ana@example.com"}


def refund_order(order_id: int, amount: float) -> str:
    """Refund (part of) an order."""
    raise AssertionError("never runs: the policy blocks it")


def as_framework_tool(fn):
    """What a framework keeps of a tool: a description for the model, and the function to call."""
    return {"name": fn.__name__, "description": inspect.getdoc(fn),
            "parameters": list(inspect.signature(fn).parameters), "run": fn}


def call(tool: dict, **arguments) -> str:
    """How a framework calls a tool and turns the answer into text for the model."""
    try:
        result = tool["run"](**arguments)
    except ActionBlocked as refused:  # the function did not run: tell the model why
        return f"refused: {refused.message}"
    return result if isinstance(result, str) else json.dumps(result)


def main() -> None:
    with Client().start_session(runtime) as session:
        tools = [as_framework_tool(session.guard("lookup_order")(lookup_order)),
                 as_framework_tool(session.guard("refund_order")(refund_order))]
        print([(t["name"], t["parameters"]) for t in tools])
        print(call(tools[0], order_id=4411))              # the e-mail address comes back redacted
        print(call(tools[1], order_id=4411, amount=12.5))  # refused by no-refunds


if __name__ == "__main__":
    main()
