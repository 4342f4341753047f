# Agent code in a workspace that belongs to a user: appends to the user's
# files, creates a file and a folder, writes through the controller, tries a
# file of another user, and calls a tool that reads the policy folder. Prints
# one JSON line of what it saw.
import json
import os
import socket

ws = "/agent/workspace"
seen = {"uid": os.getuid(), "gid": os.getgid()}
with open(f"{ws}/private.txt", "a") as f:
    f.write("appended by the agent\n")
with open(f"{ws}/folder/inner.txt", "a") as f:
    f.write("appended by the agent\n")
with open(f"{ws}/new.txt", "w") as f:
    f.write("made by the agent\n")
os.mkdir(f"{ws}/newdir")
with open(f"{ws}/newdir/file.txt", "w") as f:
    f.write("made by the agent\n")
try:
    with open(f"{ws}/others.txt", "a") as f:
        f.write("changed\n")
    seen["wrote_others"] = True
except OSError:
    seen["wrote_others"] = False

sock = socket.socket(socket.AF_UNIX)
sock.connect(os.environ["OPENSHELL_GATEWAY"])
stream = sock.makefile("rwb")


def call(n, method, params):
    stream.write(json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params}).encode() + b"\n")
    stream.flush()
    return json.loads(stream.readline())


call(1, "initialize", {"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}})
r = call(2, "openshell/file", {"operation": "write", "path": f"{ws}/controller/made.txt", "content": "via the controller"})
seen["controller_ok"] = r.get("result", {}).get("ok", False)
r = call(3, "tools/call", {"name": "whoami_tool", "arguments": {}})["result"]
seen["tool"] = "error" if r.get("isError") else r["content"][0]["text"]
print(json.dumps(seen), flush=True)
