#!/bin/sh
# What tools/with-kvm promises: CMD's exit status comes back, CMD sees a
# working /dev/kvm, its output streams while it runs, a time limit holds,
# and a command that cannot run is never a success.
set -u
wk="$1"
fail=0
check() {
	# check NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1: expected $2, got $3"
		fail=1
	fi
}

"$wk" sh -c 'test -w /dev/kvm && exit 7'
check "kvm is writable and exit status 7 comes back" 7 $?

"$wk" false
rc=$?
[ $rc -ne 0 ] && rc=nonzero
check "false fails" nonzero $rc

"$wk" /nonexistent/command
check "a missing command exits 127" 127 $?

out=$("$wk" sh -c 'echo to-out; echo to-err >&2' 2>/dev/null)
check "stdout comes back separately from stderr" to-out "$out"
err=$("$wk" sh -c 'echo to-out; echo to-err >&2' 2>&1 >/dev/null)
check "stderr comes back separately from stdout" to-err "$err"

# Live output: the first line must arrive while the command still sleeps.
# The reader records the time of each line; the gap must be the sleep.
times=$("$wk" sh -c 'echo first; sleep 4; echo second' |
	while read -r line; do echo "$line $(date +%s)"; done)
t1=$(echo "$times" | awk '$1 == "first" { print $2 }')
t2=$(echo "$times" | awk '$1 == "second" { print $2 }')
if [ -n "$t1" ] && [ -n "$t2" ] && [ $((t2 - t1)) -ge 3 ]; then
	echo "ok: output streams live (lines $((t2 - t1)) s apart)"
else
	echo "FAIL: output did not stream live: '$times'"
	fail=1
fi

"$wk" --timeout 5 sleep 600 2>/dev/null
check "time limit gives 124" 124 $?

# Sockets: TMPDIR inside must accept a UNIX socket bind; the working
# directory must be writable and the same as ours.
here=$(pwd -P)
inside=$("$wk" sh -c 'pwd -P; f=.with-kvm-test.$$; touch "$f" && rm "$f" && echo rw;
	python3 -c "import os,socket; socket.socket(socket.AF_UNIX).bind(os.environ[\"TMPDIR\"] + \"/s\"); print(\"bound\")"')
check "same directory, writable, socket bound in TMPDIR" "$here rw bound" "$(echo $inside)"

# Arguments and environment arrive intact, whatever they contain.
nl='
'
got=$(WITH_KVM_TEST_VAR="x y$nl'z'" "$wk" sh -c 'printf "%s|" "$@" "$WITH_KVM_TEST_VAR"' sh "a b" "c${nl}d" "e'f" '$HOME' "*")
want=$(printf "%s|" "a b" "c${nl}d" "e'f" '$HOME' "*" "x y$nl'z'")
check "arguments and environment pass unchanged" "$want" "$got"

# A test host that does not start the command in time is tried again,
# loudly, and after the last attempt with-kvm fails with 125 (a test host
# cannot boot in one second, so every attempt fails here; nested even
# where /dev/kvm works, since only the test host can fail to start).
err=$(WITH_KVM_START_LIMIT=1 "$wk" --mode nested touch .with-kvm-must-not-run 2>&1)
rc=$?
check "a test host that never starts the command is a with-kvm error (125)" 125 $rc
n=$(echo "$err" | grep -c "the test host failed: it did not start the command in 1 s (attempt [123] of 3)")
check "each failed start is reported" 3 "$n"
echo "$err" | grep -q "did not start the command, 3 times" && echo "ok: final verdict printed" ||
	{ echo "FAIL: no final verdict: $err"; fail=1; }
[ ! -e .with-kvm-must-not-run ] && echo "ok: the command did not run" ||
	{ echo "FAIL: the command ran"; rm -f .with-kvm-must-not-run; fail=1; }

"$wk" --cpus 0 true 2>/dev/null
check "bad --cpus is a with-kvm error (125)" 125 $?

exit $fail
