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

# build_initramfs OUT INIT [mkinitramfs args...]: INIT may source
# /checks.sh (init/checks.sh: check, ok, not_ok, checks_verdict).
build_initramfs() {
	out=$1 init=$2
	shift 2
	"$TOOLS/mkinitramfs" -o "$out" --init "$init" \
		--file "$(dirname "${BASH_SOURCE[0]}")/init/checks.sh:/checks.sh" "$@" || {
		echo "FAIL: cannot build the initramfs"; exit 1; }
}

# gt_enter_test_host LIMIT ARGS...: run this test script (with ARGS) again
# where /dev/kvm works, and exit with its status; returns at once when
# already there (GT_INSIDE_KVM set). The one runner is tools/with-kvm: it
# starts the test host, streams the output, collects the status, and runs
# the script once more, loudly, only when the nested environment failed it
# (tools/test-host/signatures, retry=yes). LIMIT is with-kvm's time limit
# for one run; the script's meson timeout allows two. What the caller
# prepared before (an initramfs in GT_TMP) is passed in its environment.
gt_enter_test_host() {
	local limit=$1 rc
	shift
	[ -n "${GT_INSIDE_KVM:-}" ] && return 0
	GT_INSIDE_KVM=1 "$TOOLS/with-kvm" --retry-nested --timeout "$limit" -- bash "$0" "$@"
	rc=$?
	rm -rf "$GT_TMP"
	exit "$rc"
}

# gt_start_device PROGRAM SOCKET LOG [options]: a vfio-user server on
# SOCKET, its output in LOG; returns once it listens (1 and a FAIL line
# naming the socket, with the server's output, if it never does within 60 s
# or exits first). gt_stop_devices stops them all.
gt_dev_pids=()
gt_start_device() {
	local prog=$1 sock=$2 log=$3 why
	shift 3
	rm -f "$sock"
	"$prog" --socket-path="$sock" "$@" > "$log" 2>&1 &
	gt_dev_pids+=($!)
	why=$("$TOOLS/wait-listening" "$sock" --timeout 60 --pid "$!" 2>&1) && return 0
	not_ok "$(basename "$prog"): $why; its output: $(cat "$log")"
	return 1
}

gt_stop_devices() {
	local p
	for p in "${gt_dev_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${gt_dev_pids[@]}"; do wait "$p" 2>/dev/null; done
	gt_dev_pids=()
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
# the same file), both shown live. Returns minivmm's exit status. A guest
# that has not finished within GT_GUEST_LIMIT seconds (several times the
# usual) fails: it is shown stuck, with minivmm's threads and KVM's view
# of it, and stopped; when KVM's trace shows a fault loop, or every vCPU
# is halted in KVM while the guest says a timer never fired, a "gt:" line
# says so, for tools/test-host/signatures to name. None is retried: each
# was seen under QEMU 7.2's TCG, and tools/soak measures how often.
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
			gt_host_cpus_deaf
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
	# Facts for tools/test-host/signatures to name (never to excuse).
	if [ "$stuck" = 1 ]; then
		rc=1
		gt_fault_loop "$GT_TMP/kvm-trace" &&
			echo "gt: KVM's trace shows a fault loop (a nested page fault at one rip, answered by injecting #PF)"
		[ "$halted" = 1 ] && grep -q "timer wakeup didn't happen" "$out" &&
			echo "gt: every vCPU is halted in KVM and the guest's timer never fired"
	fi
	return "$rc"
}

# gt_host_cpus_deaf: inside the test host, whether each of its own CPUs
# still runs a task: a task pinned there is started on every online CPU,
# and one that has not run within 10 s names its CPU with a "gt:" line
# (tools/test-host/signatures: host-cpu-deaf). A CPU of the test host that
# stopped taking interrupts (QEMU's view at with-kvm's limit: halted, with
# its timer's vector pending) never runs it, and the guest's timers that
# the test host's KVM keeps on that CPU never fire: the guest then sits
# with every vCPU halted, which no vCPU of minivmm's could tell apart from
# a lost interrupt of minivmm's own. A live CPU runs it at once.
gt_host_cpus_deaf() {
	local cpus c t deaf
	cpus=$(awk -F- 'BEGIN { RS = "," } { for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }' \
		/sys/devices/system/cpu/online)
	for c in $cpus; do
		rm -f "$GT_TMP/cpu-alive.$c"
		taskset -c "$c" sh -c ': > "$1"' sh "$GT_TMP/cpu-alive.$c" > /dev/null 2>&1 &
	done
	for t in $(seq 10); do
		deaf=""
		for c in $cpus; do [ -e "$GT_TMP/cpu-alive.$c" ] || deaf="$deaf $c"; done
		[ -z "$deaf" ] && return 1
		sleep 1
	done
	for c in $deaf; do
		echo "gt: the test host's CPU $c ran no task in 10 s: it takes no interrupts"
	done
	return 0
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
