"""Agent state: what one session of an agent stores, the next one reads.

The policy's ``agent.name`` names the agent; the service keeps its state
encrypted at rest, for the agent's owner (and root, and tokens scoped
``agent:NAME``).

    python3 state.py      # run it twice: the visit count goes up
"""

from openshell import Agent, OpenShellRuntime, SandboxConfig
from openshell.client import Client

runtime = OpenShellRuntime(
    name="state-example",
    sandbox=SandboxConfig(isolation="gvisor", max_execution_time_seconds=120),
    agent=Agent(name="notes-bot"),
)


def main() -> None:
    client = Client()
    with client.start_session(runtime) as session:
        state = session.state()  # the session's agent: notes-bot
        visits = state.get("example:visits", 0) + 1
        state.put("example:visits", visits)
        state.put("example:last-customer", {"id": 4411, "plan": "pro"})
        print("visits:", visits, "keys:", state.keys("example:"))

    # The same store through the REST routes, outside any session.
    store = client.state("notes-bot")
    print("last customer:", store.get("example:last-customer"))
    print("deleted:", store.delete("example:last-customer"), store.delete("example:last-customer"))


if __name__ == "__main__":
    main()
