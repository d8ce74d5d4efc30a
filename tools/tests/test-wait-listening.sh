#!/bin/bash
# tools/wait-listening: a listening socket succeeds; a socket that is
# bound but not listening, a path that is not there or not a socket fail
# at the deadline with a message naming the socket and why; --pid of a
# server that exited (reaped or still a zombie) fails at once; bad usage
# exits 2. --no-clients waits until the server has closed every connection
# it accepted.
# Usage: test-wait-listening.sh WAIT_LISTENING
set -u
wl=$1
fail=0
t=$(mktemp -d "${TMPDIR:-/tmp}/wait-listening-XXXXXX")
H_PID=
cleanup() {
	[ -n "$H_PID" ] && kill "$H_PID" 2>/dev/null && wait "$H_PID" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT

ok() { echo "ok: $*"; }
not_ok() { echo "FAIL: $*"; fail=1; }

# expect WHAT STATUS TEXT [wait-listening args]: it exits STATUS and its
# stderr contains TEXT (fixed string; "" for any).
expect() {
	local what=$1 want=$2 text=$3 rc
	shift 3
	"$wl" "$@" > "$t/out" 2> "$t/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "$what: exit status $rc, expected $want; stderr: $(cat "$t/err")"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$t/err"; then
		not_ok "$what: no '$text' in: $(cat "$t/err")"
	else
		ok "$what"
	fi
}

# A socket server under our control: it binds PATH, says "bound" on its
# stdout (our readiness pipe), and listens when told "listen" on its
# stdin, then says "listening"; told "connect", it connects a client to
# itself and accepts it ("connected"); told "close", it closes the
# accepted end ("closed").
sock=$t/s.sock
coproc H {
	exec python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
print("bound", flush=True)
for line in sys.stdin:
    if line.strip() == "listen":
        s.listen(1)
        print("listening", flush=True)
    elif line.strip() == "connect":
        cl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        cl.connect(sys.argv[1])
        c, _ = s.accept()
        print("connected", flush=True)
    elif line.strip() == "close":
        c.close()
        print("closed", flush=True)
' "$sock"
}
# read_helper WORD: the helper's next line is WORD, within 10 s.
read_helper() {
	local line=""
	read -r -t 10 -u "${H[0]}" line
	[ "$line" = "$1" ] && return 0
	not_ok "the helper did not say '$1' within 10 s (said '$line')"
	exit 1
}
read_helper bound

expect "a bound socket nobody listens on fails naming it" 1 \
	"$sock: not listening after 1 s (the socket exists but nothing listens on it)" \
	"$sock" --timeout 1
expect "--pid of a live server that does not listen: the deadline" 1 \
	"$sock: not listening after 1 s" "$sock" --timeout 1 --pid "$H_PID"

# Waiting from before listen() until after it.
"$wl" "$sock" --timeout 20 --pid "$H_PID" 2> "$t/bg.err" &
bg=$!
echo listen >&"${H[1]}"
read_helper listening
if wait "$bg"; then ok "a socket that starts to listen while waited for"; else
	not_ok "waiting across listen(): $(cat "$t/bg.err")"; fi
expect "a listening socket succeeds at once" 0 "" "$sock" --timeout 0
expect "a listening socket with --pid of its server" 0 "" "$sock" --pid "$H_PID"

# --no-clients: a connection the server accepted and still holds.
expect "--no-clients with no client succeeds at once" 0 "" "$sock" --timeout 0 --no-clients
echo connect >&"${H[1]}"
read_helper connected
expect "--no-clients while the server holds a client's connection: the deadline" 1 \
	"$sock: a client's connection still open after 1 s" "$sock" --timeout 1 --no-clients
expect "without --no-clients, a held connection does not matter" 0 "" "$sock" --timeout 0
"$wl" "$sock" --timeout 20 --no-clients 2> "$t/bg.err" &
bg=$!
echo close >&"${H[1]}"
read_helper closed
if wait "$bg"; then ok "--no-clients: the server closes the connection while waited for"; else
	not_ok "waiting across close(): $(cat "$t/bg.err")"; fi

expect "a path that does not exist fails naming the reason" 1 \
	"$t/none.sock: not listening after 1 s (the path does not exist)" \
	"$t/none.sock" --timeout 1
: > "$t/file"
expect "a regular file fails naming the reason" 1 \
	"$t/file: not listening after 1 s (the path exists but is not a socket)" \
	"$t/file" --timeout 1
# Only the exact path counts: not its end, not its beginning.
expect "a path that is the end of a listening one does not count" 1 \
	"not listening" "${sock#/}" --timeout 0
expect "a prefix of the path does not count" 1 "not listening" "${sock%.sock}" --timeout 0

# --pid of a server that has exited: at once, not at the deadline.
sh -c 'exit 3' &
gone=$!
wait "$gone"
start=$SECONDS
expect "--pid of an exited (reaped) server fails" 1 \
	"$t/none.sock: the server (pid $gone) exited before it listened" \
	"$t/none.sock" --timeout 20 --pid "$gone"
[ $((SECONDS - start)) -lt 5 ] && ok "... at once" ||
	not_ok "--pid of an exited server took $((SECONDS - start)) s"
# A zombie: exited, not yet reaped by its parent (kill -0 succeeds on it).
if python3 - "$wl" "$t/none.sock" > "$t/zombie" 2>&1 <<'EOF'
import os, subprocess, sys, time
child = subprocess.Popen(["true"])
# Wait for its exit without reaping it: it stays a zombie.
os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
t0 = time.monotonic()
r = subprocess.run([sys.argv[1], sys.argv[2], "--timeout", "20",
                    "--pid", str(child.pid)], capture_output=True, text=True)
took = time.monotonic() - t0
print(r.returncode, round(took, 1), r.stderr.strip())
sys.exit(0 if r.returncode == 1 and took < 5 and
         "exited before it listened" in r.stderr else 1)
EOF
then ok "--pid of a zombie server fails at once"; else
	not_ok "--pid of a zombie server (status, seconds, stderr): $(cat "$t/zombie")"; fi

expect "no socket: usage" 2 "no socket given"
expect "unknown option: usage" 2 "unknown option '--bogus'" "$sock" --bogus
expect "two sockets: usage" 2 "one socket only" "$sock" "$sock"
expect "--timeout without a value: usage" 2 "--timeout needs a value" "$sock" --timeout
expect "--timeout in fractions: usage" 2 "whole seconds, not '0.5'" "$sock" --timeout 0.5
expect "--pid without a value: usage" 2 "--pid needs a value" "$sock" --pid
expect "--pid not a number: usage" 2 "must be a process id, not '12x'" "$sock" --pid 12x
expect "--help" 0 "" --help
grep -q "^Usage: wait-listening SOCKET" "$t/out" && ok "--help shows the usage" ||
	not_ok "--help: $(cat "$t/out")"

[ "$fail" = 0 ] && echo "all ok" || echo "FAILED"
exit "$fail"
