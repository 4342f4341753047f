# A small MCP server (stdio) whose behaviour the tests choose by tool:
# hello answers, boom dies mid-call, change says its tool list changed,
# ask sends the client a request of its own first and reports the answer,
# flood writes a line larger than any message may be, relist announces a
# change 500 times, lists says how many tools/list requests it had;
# with --silent it never answers anything.
import json
import os
import sys

if "--silent" in sys.argv:  # reads, never answers
    for _ in sys.stdin:
        pass
    sys.exit(0)

tools = [{"name": n, "description": n, "inputSchema": {"type": "object"}} for n in ("hello", "boom", "change", "ask", "flood", "relist", "lists")]
asked = {}
lists = 0


def send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


for line in sys.stdin:
    msg = json.loads(line)
    method, mid = msg.get("method"), msg.get("id")
    if method is None:  # an answer to our own request
        pending = asked.pop(mid, None)
        if pending is not None:
            send({"jsonrpc": "2.0", "id": pending, "result": {"content": [{"type": "text", "text": json.dumps(msg)}]}})
        continue
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": mid, "result": {"protocolVersion": msg["params"]["protocolVersion"],
                                                      "capabilities": {"tools": {"listChanged": True}},
                                                      "serverInfo": {"name": "fake", "version": "1"}}})
    elif method == "tools/list":
        lists += 1
        # Two pages, to follow the cursor.
        cursor = (msg.get("params") or {}).get("cursor")
        page = tools[2:] if cursor else tools[:2]
        result = {"tools": page}
        if not cursor:
            result["nextCursor"] = "p2"
        send({"jsonrpc": "2.0", "id": mid, "result": result})
    elif method == "tools/call":
        name = msg["params"]["name"]
        if name == "hello":
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": "hello from pid %d" % os.getpid()}]}})
        elif name == "boom":
            os._exit(3)
        elif name == "change":
            tools.append({"name": "added", "description": "added", "inputSchema": {"type": "object"}})
            send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": "changed"}]}})
        elif name == "ask":
            asked["q1"] = mid
            send({"jsonrpc": "2.0", "id": "q1", "method": "sampling/createMessage", "params": {"messages": []}})
        elif name == "relist":  # announces a change 500 times at once
            for _ in range(500):
                send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": "announced"}]}})
        elif name == "lists":
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": str(lists)}]}})
        elif name == "flood":
            sys.stdout.write("x" * (17 << 20))
            sys.stdout.flush()
    elif mid is not None:
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
