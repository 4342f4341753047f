# Agent code that tries to freeze the runtime: a FIFO (and a socket) in the
# workspace, read and written through the controller; then it idles past the
# session's time limit.
import json
import os
import socket
import time

ws = "/agent/workspace"
sock = socket.socket(socket.AF_UNIX)
sock.connect(os.environ["OPENSHELL_GATEWAY"])
stream = sock.makefile("rwb")
os.mkfifo(f"{ws}/pipe.txt")
listener = socket.socket(socket.AF_UNIX)
listener.bind(f"{ws}/sock.txt")
for n, (op, path) in enumerate([("read", "pipe.txt"), ("write", "pipe.txt"), ("read", "sock.txt")]):
    started = time.time()
    msg = {"jsonrpc": "2.0", "id": n, "method": "openshell/file",
           "params": {"operation": op, "path": f"{ws}/{path}", "content": "x"}}
    stream.write(json.dumps(msg).encode() + b"\n")
    stream.flush()
    r = json.loads(stream.readline())["result"]
    print(json.dumps({"op": op, "path": path, "ok": r.get("ok"), "seconds": round(time.time() - started, 3)}), flush=True)
time.sleep(300)
