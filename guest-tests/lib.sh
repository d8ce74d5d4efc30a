# Shared by the guest tests (sourced by bash). The tests boot Debian's kernel with a
# busybox initramfs in minivmm, through tools/with-kvm (nested where this
# machine has no /dev/kvm), and check what the guest reports.
#
# Expects: MINIVMM (path to the minivmm binary) and TOOLS (the tools/ dir).

set -u
: "${MINIVMM:?MINIVMM must name the minivmm binary}"
: "${TOOLS:?TOOLS must name the tools directory}"

KERNEL=$("$TOOLS/guest-kernel" --print kernel) || {
	echo "FAIL: cannot get the guest kernel"; exit 1; }
GT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/guest-test.XXXXXX")
trap 'rm -rf "$GT_TMP"' EXIT

gt_fail=0
ok() { echo "ok: $*"; }
not_ok() { echo "FAIL: $*"; gt_fail=1; }

# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then ok "$1 ($3)"; else not_ok "$1: expected '$2', got '$3'"; fi
}

# build_initramfs OUT INIT [mkinitramfs args...]
build_initramfs() {
	out=$1 init=$2
	shift 2
	"$TOOLS/mkinitramfs" -o "$out" --init "$init" "$@" || {
		echo "FAIL: cannot build the initramfs"; exit 1; }
}

# run_minivmm LOG [minivmm args...]: boots through with-kvm; the guest's
# console and minivmm's messages go to LOG (and to our stdout, live).
# Returns minivmm's exit status.
#
# The nested environment is not perfectly reliable: a nested boot has twice
# (in about 60 boots) hung before the guest printed its first byte, with
# the test host busy, and QEMU's TCG has once crashed (SIGSEGV) while
# starting the test host (see the note on issue 3). Such a boot, and only
# such a boot, is tried once more, loudly: one that printed nothing for
# GT_SILENT_LIMIT seconds, or whose test host never started the command.
# Any boot that printed anything runs to its verdict or its time limit,
# unless it triple-faulted before its verdict (tried once more, loudly).
run_minivmm() {
	local log=$1 attempt pid tailer waited rc
	shift
	for attempt in 1 2; do
		: > "$log"
		"$TOOLS/with-kvm" --timeout "${GT_TIMEOUT:-400}" --console-log "$GT_TMP/test-host.log" -- \
			"$MINIVMM" --kernel "$KERNEL" "$@" < /dev/null > "$log" 2>&1 &
		pid=$!
		tail -n +1 -f --pid="$pid" "$log" &
		tailer=$!
		waited=0
		while kill -0 "$pid" 2>/dev/null; do
			if [ ! -s "$log" ] && [ "$waited" -ge "${GT_SILENT_LIMIT:-150}" ]; then
				echo "RETRY: the nested guest printed nothing in $waited s; stopping it (attempt $attempt)"
				kill -TERM "$pid"
				break
			fi
			sleep 1
			waited=$((waited + 1))
		done
		wait "$pid"
		rc=$?
		wait "$tailer" 2>/dev/null
		if [ "$rc" -eq 125 ] && grep -q "^with-kvm: the test host did not start" "$log"; then
			echo "RETRY: the nested test host itself failed (attempt $attempt)"
			continue
		fi
		# The nested environment's other failures (gt_guest_run below).
		if [ "$attempt" = 1 ] && grep -q "guest reset (triple fault" "$log" &&
			! grep -q "guest result:" "$log"; then
			echo "RETRY: the nested guest triple-faulted before its verdict (attempt $attempt)"
			continue
		fi
		if [ "$attempt" = 1 ] && [ "$rc" -eq 125 ] && gt_test_host_died "$log"; then
			gt_say_test_host_died
			continue
		fi
		if [ "$attempt" = 1 ] && [ "$rc" -eq 124 ] && gt_test_host_stuck "$log" "$GT_TMP/test-host.log"; then
			gt_say_test_host_stuck
			continue
		fi
		[ -s "$log" ] && return "$rc"
	done
	echo "FAIL: the nested guest did not run, twice"
	return 1
}

# gt_test_host_died ERRLOG: true when with-kvm's stderr (ERRLOG) says the
# test host went away under the command, its status never collected: its
# kernel panicked (panic=-1 resets it), it reset itself (a triple fault:
# QEMU, run with -no-reboot, then exits 0 with nothing on the console),
# or QEMU itself died. That is the nested environment failing: minivmm
# and the devices are user processes of that kernel, and a guest test
# never powers its test host off.
gt_test_host_died() {
	grep -q "^with-kvm: the command started but its exit status was not collected" "$1"
}

# gt_test_host_stuck ERRLOG CONSOLE: true when with-kvm's time limit found
# the test host itself stuck: its kernel (console in CONSOLE) reported a
# task blocked for minutes, an RCU stall or a lockup, or it never wrote
# the report with-kvm asks of it 12 s before the limit (ERRLOG says so):
# its own clock had stopped. No user process (minivmm, a device) can stop
# a kernel's CPUs or clock; both have been seen under TCG.
gt_test_host_stuck() {
	grep -q "^with-kvm: the test host wrote no report before the limit" "$1" ||
		grep -Eq "^\[ *[0-9.]+\] (INFO: task .* blocked for more than|rcu: INFO: .*detected stalls|rcu: .*kthread starved|watchdog: BUG: soft lockup|.*hard LOCKUP)" "$2"
}

# gt_say_test_host_died: the RETRY lines, with the test host's last words.
gt_say_test_host_died() {
	echo "RETRY: the test host died under the command (above); its kernel said:"
	grep -Em3 "^\[ *[0-9.]+\] (Kernel panic|BUG: |Oops: |general protection fault)" "$GT_TMP/test-host.log" ||
		echo "  nothing: it went away without a word (a reset, i.e. a triple fault, or QEMU died: its exit status is above)"
	echo "RETRY: once more, from the start"
}

gt_say_test_host_stuck() {
	echo "RETRY: the test host itself was stuck when the time limit came (above); its kernel said:"
	grep -Em3 "^\[ *[0-9.]+\] (INFO: task .* blocked for more than|rcu: INFO: .*detected stalls|rcu: .*kthread starved|watchdog: BUG: soft lockup|.*hard LOCKUP)" "$GT_TMP/test-host.log" ||
		echo "  nothing, and it wrote no report: its clock had stopped"
	echo "RETRY: once more, from the start"
}

# gt_in_test_host SECONDS CMD...: runs CMD (this script, again, with
# GT_INSIDE_KVM set by the caller) through with-kvm with a time limit.
# A run whose test host died, or hit the limit stuck in its own kernel,
# is tried once more, loudly. Callers' meson timeouts allow for two runs.
gt_in_test_host() {
	local limit=$1 attempt rc
	shift
	for attempt in 1 2; do
		# stdout straight through; stderr also kept, to tell a crash.
		{ "$TOOLS/with-kvm" --timeout "$limit" --console-log "$GT_TMP/test-host.log" \
			-- "$@" 2>&1 1>&3 3>&- | tee "$GT_TMP/with-kvm.err" >&2
			rc=${PIPESTATUS[0]}; } 3>&1
		if [ "$rc" -eq 125 ] && [ "$attempt" = 1 ] && gt_test_host_died "$GT_TMP/with-kvm.err"; then
			gt_say_test_host_died
			continue
		fi
		if [ "$rc" -eq 124 ] && [ "$attempt" = 1 ] &&
			gt_test_host_stuck "$GT_TMP/with-kvm.err" "$GT_TMP/test-host.log"; then
			gt_say_test_host_stuck
			continue
		fi
		return "$rc"
	done
}

# gt_start_device PROGRAM SOCKET LOG [options]: a vfio-user server on
# SOCKET, its output in LOG; returns once the socket exists (1 and a FAIL
# line with its log if it never does). gt_stop_devices stops them all.
gt_dev_pids=()
gt_start_device() {
	local prog=$1 sock=$2 log=$3 i
	shift 3
	rm -f "$sock"
	"$prog" --socket-path="$sock" "$@" > "$log" 2>&1 &
	gt_dev_pids+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -S "$sock" ] && return 0
		sleep 0.1
	done
	not_ok "$(basename "$prog") did not create $sock: $(cat "$log")"
	return 1
}

gt_stop_devices() {
	local p
	for p in "${gt_dev_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${gt_dev_pids[@]}"; do wait "$p" 2>/dev/null; done
	gt_dev_pids=()
}

# gt_retry_nested CMD...: runs CMD, a guest run that starts its own devices
# and returns gt_guest_run's status; on 75 (the nested environment failed
# it) stops the devices and runs it once more, loudly. Returns CMD's last
# status.
gt_retry_nested() {
	local attempt rc
	for attempt in 1 2; do
		"$@"
		rc=$?
		[ "$rc" = 75 ] || return "$rc"
		gt_stop_devices
		if [ "$attempt" = 1 ]; then
			echo "RETRY: the nested environment failed the guest (above); once more, from new devices"
		else
			not_ok "the nested environment failed the guest twice"
		fi
	done
	return "$rc"
}

# gt_kvm_snapshot: inside the test host, what KVM is doing right now: its
# counters and a fraction of a second of its trace events (exits, emulated
# instructions, injected exceptions, page faults), so that a guest stuck in
# a loop shows where (rip, fault address, exit reason). The whole trace is
# kept in $GT_TMP/kvm-trace.
gt_kvm_snapshot() {
	local t=/sys/kernel/tracing e
	[ -d "$t/events/kvm" ] || mount -t tracefs tracefs "$t" 2>/dev/null
	[ -d /sys/kernel/debug/kvm ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	echo "== kvm counters"
	grep -H . /sys/kernel/debug/kvm/* 2>/dev/null | grep -v ':0$'
	[ -d "$t/events/kvm" ] || { echo "== no kvm trace events"; return; }
	echo "== kvm trace, 0.2 s"
	echo 0 > "$t/tracing_on"
	echo > "$t/trace"
	echo 64 > "$t/buffer_size_kb"
	for e in kvm_exit kvm_emulate_insn kvm_inj_exception kvm_page_fault kvm_mmio \
		kvm_pio kvm_entry kvm_cr kvm_msr; do
		echo 1 > "$t/events/kvm/$e/enable" 2>/dev/null
	done
	echo 1 > "$t/tracing_on"
	sleep 0.2
	echo 0 > "$t/tracing_on"
	echo 0 > "$t/events/kvm/enable"
	grep -v '^#' "$t/trace" > "$GT_TMP/kvm-trace"
	echo "$(grep -c 'kvm_exit:' "$GT_TMP/kvm-trace") exits, $(grep -c 'kvm_inj_exception' "$GT_TMP/kvm-trace") injected exceptions; the last 60 events:"
	tail -n 60 "$GT_TMP/kvm-trace"
}

# gt_guest_run OUT ERR MINIVMM-ARGS...: inside the test host, runs minivmm
# with its stdout (the guest's console) in OUT and stderr in ERR (may be
# the same file), both shown live. A guest that has not finished within
# GT_GUEST_LIMIT seconds (several times the usual) is shown stuck, with
# KVM's view of it, and stopped. Returns minivmm's exit status, or 75 when
# the run ended in the nested environment's own failure (below).
#
# Nested under TCG, a guest has been seen, about once in 20-30 boots and
# at any point of its run, to lose its memory's integrity: KVM's trace
# then shows a fault loop (every exit a nested page fault at one rip while
# walking a guest page table that points outside RAM, each answered by
# injecting a #PF, forever), or the guest triple-faults, or the test
# host's own kernel stalls (an RCU stall in its log), or the guest's
# timers stop: the guest's kernel reports that a timer it armed never
# fired ("timer wakeup didn't happen") while every vCPU sits halted inside
# KVM, where its LAPIC timer lives and minivmm has no part. The same runs
# pass on a retry; the caller retries once, loudly, on status 75. A run
# that fails any other way is not retried: a vCPU stuck in minivmm (say,
# waiting for a device's reply) is not halted in KVM.
gt_guest_run() {
	local out=$1 err=$2 pid tailer start=$SECONDS rc stuck=0 halted=0
	shift 2
	: > "$out"; : > "$err"
	if [ "$out" = "$err" ]; then
		"$MINIVMM" "$@" < /dev/null > "$out" 2>&1 &
	else
		"$MINIVMM" "$@" < /dev/null > "$out" 2> "$err" &
	fi
	pid=$!
	if [ "$out" = "$err" ]; then
		tail -n +1 -f --pid="$pid" "$out" &
	else
		tail -q -n +1 -f --pid="$pid" "$out" "$err" &
	fi
	tailer=$!
	# Wall-clock seconds: under TCG one turn of this loop takes well
	# over the second it sleeps (sleep is exec'd from 9p).
	while kill -0 "$pid" 2>/dev/null; do
		if [ $((SECONDS - start)) -ge "${GT_GUEST_LIMIT:-300}" ]; then
			echo "FAIL: the guest did not finish in $((SECONDS - start)) s; KVM's view of it:"
			rm -f "$GT_TMP/kvm-trace"
			gt_vcpus_halted "$pid" && halted=1
			gt_stuck_report "$pid"
			stuck=1
			kill -TERM "$pid"
			break
		fi
		sleep 1
	done
	wait "$pid"
	rc=$?
	wait "$tailer" 2>/dev/null
	if [ "$stuck" = 1 ] && gt_fault_loop "$GT_TMP/kvm-trace"; then
		echo "NESTED: the guest is stuck in a fault loop (KVM trace above)"
		return 75
	fi
	# The test host's own kernel reporting an RCU stall: the host that
	# runs KVM was itself stuck, whatever the guest did.
	if [ "$stuck" = 1 ] && dmesg 2>/dev/null | grep -Eq "rcu: .*(detected stalls|kthread starved)"; then
		echo "NESTED: the test host's kernel reported an RCU stall:"
		dmesg | grep -E "rcu: .*(detected stalls|kthread starved)" | head -3
		return 75
	fi
	if [ "$halted" = 1 ] && grep -q "timer wakeup didn't happen" "$out"; then
		echo "NESTED: every vCPU is halted in KVM and the guest's kernel says its timer never fired:"
		grep -E "rcu: .*(timer wakeup didn't happen|Possible timer handling issue)" "$out" | head -2
		return 75
	fi
	if grep -q "guest reset (triple fault" "$err" && ! grep -q "guest result:" "$out"; then
		echo "NESTED: the guest triple-faulted before its verdict"
		return 75
	fi
	return "$rc"
}

# gt_vcpus_halted PID: true when every vCPU thread of minivmm (PID) is
# halted inside KVM (kvm_vcpu_block on its kernel stack).
gt_vcpus_halted() {
	local t n=0
	for t in /proc/"$1"/task/*; do
		case "$(cat "$t/comm" 2>/dev/null)" in vcpu*) ;; *) continue ;; esac
		grep -q kvm_vcpu_block "$t/stack" 2>/dev/null || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# gt_stuck_report PID: what a stuck minivmm (PID) and KVM are doing: the
# kernel stack of each minivmm thread, then gt_kvm_snapshot. Enabling
# trace events patches the kernel's code, which under TCG has been seen
# to hang: the snapshot gets 30 s, then the test goes on without it.
gt_stuck_report() {
	local t snap
	echo "== minivmm's threads (name state wchan, kernel stack)"
	for t in /proc/"$1"/task/*; do
		echo "-- $(cat "$t/comm" 2>/dev/null) $(cut -d' ' -f3 "$t/stat" 2>/dev/null) $(cat "$t/wchan" 2>/dev/null)"
		cat "$t/stack" 2>/dev/null
	done
	gt_kvm_snapshot > "$GT_TMP/kvm-snapshot" 2>&1 &
	snap=$!
	for t in $(seq 30); do
		kill -0 "$snap" 2>/dev/null || break
		sleep 1
	done
	cat "$GT_TMP/kvm-snapshot"
	kill -0 "$snap" 2>/dev/null && echo "== (the KVM snapshot did not finish in 30 s; left behind)"
}

# gt_fault_loop TRACE: true when the trace gt_kvm_snapshot kept shows
# the loop described above: 50 or more #PF injections, and two in three
# exits or more nested page faults at one rip.
gt_fault_loop() {
	[ -f "$1" ] && awk '
		/kvm_inj_exception: #PF/ { pf++ }
		/kvm_exit:/ { exits++; if (/ reason npf /) { match($0, / rip 0x[0-9a-f]+/); npf[substr($0, RSTART, RLENGTH)]++ } }
		END { top = 0; for (r in npf) if (npf[r] > top) top = npf[r]
		      exit !(pf >= 50 && top * 3 >= exits * 2) }' "$1"
}

gt_finish() {
	if [ "$gt_fail" -ne 0 ]; then
		echo "guest test failed"
		exit 1
	fi
	echo "guest test passed"
	exit 0
}
