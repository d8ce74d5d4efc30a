#!/bin/sh
# What tools/with-kvm promises: CMD's exit status comes back, CMD sees a
# working /dev/kvm, its output streams while it runs, a time limit holds
# and says what the test host was doing, and a command that cannot run is
# never a success.
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

# A command still running at the limit: shortly before it, with-kvm asks
# the test host what every task is doing (by its own clock, which cannot
# stop with the test host's), and at it asks QEMU where each vCPU is, by
# the test host kernel's function names. Nested even where /dev/kvm works:
# only a test host has these reports. The limit leaves the command at
# least 30 s even when the test host takes its full 60 s to start. With
# WITH_KVM_NMI_AT_LIMIT, QEMU is also asked for an NMI, which the test
# host's boot CPU takes (its kernel says so on its console).
err=$(WITH_KVM_NMI_AT_LIMIT=1 "$wk" --mode nested --timeout 90 sleep 600 2>&1)
check "a nested run at its limit gives 124" 124 $?
echo "$err" | grep -q "^with-kvm: what the test host was doing before the limit:" &&
	echo "$err" | grep -q "^  -- sleep S " && echo "ok: the test host's report shows the sleeping command" ||
	{ echo "FAIL: no report from the test host: $err"; fail=1; }
n=$(echo "$err" | grep -c "^  vCPU [0-9]: RIP=[0-9a-f]* ([a-z_0-9.]*+0x[0-9a-f]*) CPL=")
check "QEMU's view names the function of each of the test host's 2 vCPUs" 2 "$n"
# A halted vCPU's SVM flags, read from QEMU's memory: an idle test host
# keeps its global interrupt flag set (and its vCPUs are halted most of
# the time: at least one of the two is found).
echo "$err" | grep -q "^  vCPU [0-9], halted, in QEMU's memory: hflags 0x[0-9a-f]* (CPL 0, its own code), hflags2 0x[0-9a-f]* (GIF set, NMIs not blocked" &&
	echo "ok: QEMU's memory gives a halted vCPU's GIF (set, in an idle test host)" ||
	{ echo "FAIL: no halted vCPU's flags from QEMU's memory: $err"; fail=1; }
echo "$err" | grep -q "^  an NMI was sent" &&
	echo "$err" | grep -q "NMI received for unknown reason .* on CPU 0" &&
	echo "ok: an NMI sent at the limit reaches the test host's boot CPU" ||
	{ echo "FAIL: the NMI at the limit: $err"; fail=1; }

# Settings of the test host to measure (tools/soak): its kernel parameters
# and its CPU model reach it.
got=$("$wk" --mode nested --host-append "with_kvm_test=1" --cpu max,la57=off \
	sh -c 'tr " " "\n" < /proc/cmdline | grep -x with_kvm_test=1; grep -c " la57" /proc/cpuinfo')
check "--host-append and --cpu reach the test host" "with_kvm_test=1 0" "$(echo $got)"

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

# A test host that does not start the command in time is the nested
# environment's failure: with-kvm fails with 125, and with --retry-nested
# boots a new test host once, loudly, and no more (a test host cannot boot
# in one second, so every attempt fails here; nested even where /dev/kvm
# works, since only the test host can fail to start).
err=$(WITH_KVM_START_LIMIT=1 "$wk" --mode nested touch .with-kvm-must-not-run 2>&1)
rc=$?
check "a test host that never starts the command is a with-kvm error (125)" 125 $rc
n=$(echo "$err" | grep -c "^with-kvm: the test host failed before the command started: it did not start the command in 1 s")
check "without --retry-nested it is tried once" 1 "$n"
echo "$err" | grep -q "^with-kvm: NESTED host-start-failed: " && echo "ok: the failure is named" ||
	{ echo "FAIL: the failure is not named: $err"; fail=1; }
err=$(WITH_KVM_START_LIMIT=1 "$wk" --mode nested --retry-nested touch .with-kvm-must-not-run 2>&1)
rc=$?
check "with --retry-nested: still 125" 125 $rc
n=$(echo "$err" | grep -c "^with-kvm: the test host failed before the command started")
check "with --retry-nested: two test hosts, no more" 2 "$n"
n=$(echo "$err" | grep -c "^with-kvm: RETRY: ")
check "with --retry-nested: one RETRY line" 1 "$n"
echo "$err" | grep -q "failed the command twice; giving up" && echo "ok: final verdict printed" ||
	{ echo "FAIL: no final verdict: $err"; fail=1; }
[ ! -e .with-kvm-must-not-run ] && echo "ok: the command never ran" ||
	{ echo "FAIL: the command ran"; rm -f .with-kvm-must-not-run; fail=1; }

# The retry rule retries the nested environment's failure and nothing
# else: a test host whose kernel crashes under the command (sysrq) runs
# the command again, once; the command's own failure is never retried.
mark=.with-kvm-test-runs.$$
rm -f "$mark"
err=$("$wk" --mode nested --retry-nested sh -c 'echo run >> "$1"; sync
	[ "$(wc -l < "$1")" -ge 2 ] && exit 3; echo c > /proc/sysrq-trigger; sleep 60' sh "$mark" 2>&1)
rc=$?
check "a test host that crashed under the command: the second run's status" 3 $rc
check "a test host that crashed under the command: the command ran twice" 2 "$(wc -l < "$mark" 2>/dev/null)"
echo "$err" | grep -q "^with-kvm: NESTED host-panic: .*Kernel panic" && echo "ok: the crash is named with its evidence" ||
	{ echo "FAIL: the crash is not named: $err"; fail=1; }
rm -f "$mark"
err=$("$wk" --retry-nested sh -c 'echo run >> "$1"; exit 3' sh "$mark" 2>&1)
rc=$?
check "the command's own failure: its status" 3 $rc
check "the command's own failure is not retried" 1 "$(wc -l < "$mark" 2>/dev/null)"
echo "$err" | grep -q "RETRY" && { echo "FAIL: a RETRY line for the command's own failure: $err"; fail=1; }
rm -f "$mark"
[ ! -e .with-kvm-must-not-run ] && echo "ok: the command did not run" ||
	{ echo "FAIL: the command ran"; rm -f .with-kvm-must-not-run; fail=1; }

"$wk" --cpus 0 true 2>/dev/null
check "bad --cpus is a with-kvm error (125)" 125 $?

exit $fail
