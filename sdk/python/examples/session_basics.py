"""A session whose agent is this script: exec, a declared tool, a response, usage, reasoning, events.

Run it where openshelld answers (OPENSHELL_ENDPOINT, default unix:/run/openshell/api.sock)
as a member of the service's group (or root)::

    python3 session_basics.py
"""

from openshell import (
    OpenShellRuntime,
    Policy,
    PolicyAction,
    PolicyEngine,
    SandboxConfig,
    Tool,
)
from openshell.audit import AuditEvent
from openshell.client import Client

runtime = OpenShellRuntime(
    name="session-basics",
    sandbox=SandboxConfig(isolation="gvisor", max_memory_mb=1024, max_open_files=1024, max_processes=100,
                          max_execution_time_seconds=300),
    tools=[
        # A declared tool runs in a fresh sandbox of its own; its arguments arrive as JSON on stdin.
        Tool(name="word_count", description="Count the words of a text",
             command=["python3", "-c", "import json,sys; a=json.load(sys.stdin); "
                                       "print(json.dumps({'words': len(a['text'].split())}))"]),
        # With tools declared, Session.exec needs an entry named exec (else every exec is refused).
        Tool(name="exec", description="Commands run through Session.exec", command=["true"], pool=0),
    ],
    policies=PolicyEngine(policies=[
        Policy(name="no-shell", trigger="tool_call", condition="tool.name == 'exec' and tool.args.argv[0] == 'sh'",
               action=PolicyAction.BLOCK, message="shells are not allowed"),
        Policy(name="pii-redact", trigger="data_output", condition="contains_pii(output)",
               action=PolicyAction.REDACT, pii_types=["ssn", "email"]),
    ]),
)


def main() -> None:
    client = Client()
    print("service:", client.info().version)
    with client.start_session(runtime) as session:  # leaving the block ends the session
        print("session:", session.id)

        r = session.exec(["echo", "hello from the sandbox"])
        print("exec:", r.exit_code, r.stdout.strip())

        r = session.exec(["sh", "-c", "id"])  # a refusal is a result, not an exception
        print("refused:", r.refused, r.decision.policy if r.decision else None)

        r = session.exec(["python3", "-c", "print('mail me at ana@example.com')"])
        print("redacted exec output:", r.stdout.strip())

        t = session.call_tool("word_count", text="the quick brown fox")
        print("tool:", t.ok, t.content, t.decision, t.timings and t.timings["total"], "ms")

        print("response:", session.respond("Done: the text has 4 words.").text)
        print("total cost:", session.report_usage(0.002, input_tokens=120, output_tokens=40))
        session.reasoning("Counted the words with the declared tool.")

    # The session's record: replayed from the start, then the stream ends with the session's end.
    for event in session.events():
        if isinstance(event, AuditEvent):
            print(f"  #{event.seq} {event.event_type} {event.tool or ''} {event.action_taken}")


if __name__ == "__main__":
    main()
