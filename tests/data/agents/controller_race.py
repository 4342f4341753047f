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


def exchange(a, b):
    return libc.syscall(316, -100, a.encode(), -100, b.encode(), RENAME_EXCHANGE) == 0  # renameat2, x86_64


def racer_exchange():
    while not stop:
        exchange(f"{ws}/f.swap", f"{ws}/f.txt")
        exchange(f"{ws}/d.swap", f"{ws}/d")


def racer_replace():
    # Sandbox kernels without RENAME_EXCHANGE: each swap is a rename over
    # the name (atomic for the file; for the folder the name is briefly
    # missing, and the controller may create it anew: start over then).
    n = 0
    while not stop:
        n += 1
        try:
            os.symlink(canary, f"{ws}/f.l{n}")
            os.replace(f"{ws}/f.l{n}", f"{ws}/f.txt")
            with open(f"{ws}/f.n{n}", "w") as f:
                f.write("workspace content")
            os.replace(f"{ws}/f.n{n}", f"{ws}/f.txt")
        except OSError:
            pass
        try:
            if not os.path.islink(f"{ws}/d"):
                os.rename(f"{ws}/d", f"{ws}/d.old{n}")
            os.symlink(victim, f"{ws}/d.l{n}")
            os.replace(f"{ws}/d.l{n}", f"{ws}/d")
            os.unlink(f"{ws}/d")
            os.mkdir(f"{ws}/d.n{n}")
            os.replace(f"{ws}/d.n{n}", f"{ws}/d")
        except OSError:
            pass


racer = racer_exchange if exchange(f"{ws}/f.swap", f"{ws}/f.txt") else racer_replace
threading.Thread(target=racer, daemon=True).start()
reads = read_ok = writes = write_ok = escaped = 0
leaked = False
end = time.time() + seconds
while time.time() < end:
    r = call({"operation": "read", "path": f"{ws}/f.txt"})
    reads += 1
    if secret in json.dumps(r):
        leaked = True
    read_ok += bool(r.get("ok"))
    escaped += "leaves its folder" in r.get("message", "")
    w = call({"operation": "write", "path": f"{ws}/d/planted-{writes}.txt", "content": "x"})
    writes += 1
    write_ok += bool(w.get("ok"))
    escaped += "leaves its folder" in w.get("message", "")
stop = True
print(json.dumps({"reads": reads, "read_ok": read_ok, "writes": writes, "write_ok": write_ok, "escaped": escaped,
                  "racer": racer.__name__, "leaked": leaked}), flush=True)
