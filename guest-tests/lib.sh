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
# Any boot that printed anything runs to its verdict or its time limit.
run_minivmm() {
	local log=$1 attempt pid tailer waited rc
	shift
	for attempt in 1 2; do
		: > "$log"
		"$TOOLS/with-kvm" --timeout "${GT_TIMEOUT:-400}" -- \
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
		[ -s "$log" ] && return "$rc"
	done
	echo "FAIL: the nested guest did not run, twice"
	return 1
}

# gt_kvm_snapshot: inside the test host, what KVM is doing right now: its
# counters and a fraction of a second of its trace events (exits, emulated
# instructions, injected exceptions, page faults), so that a guest stuck in
# a loop shows where (rip, fault address, exit reason).
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
	tail -n 80 "$t/trace"
}

gt_finish() {
	if [ "$gt_fail" -ne 0 ]; then
		echo "guest test failed"
		exit 1
	fi
	echo "guest test passed"
	exit 0
}
