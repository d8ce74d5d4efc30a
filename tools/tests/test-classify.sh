#!/bin/bash
# tools/test-host/classify names failures by the one table of nested-
# environment signatures: each row's pattern matches the evidence it was
# written for (lines as the test host, with-kvm and gt_guest_run print
# them), retry is yes only for the test host's own failures, console rows
# count only when the test host ended the run, and a product failure is
# not named at all.
set -u
classify=$1
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

# expect NAME WANT ARGS...: classify ARGS... names WANT ("" for nothing).
expect() {
	local name=$1 want=$2 got
	shift 2
	got=$("$classify" "$@" | cut -f1,2)
	if [ "$got" = "$want" ]; then
		echo "ok: $name (${got:-nothing})"
	else
		echo "FAIL: $name: expected '$want', got '$got'"
		fail=1
	fi
}
# log FILE LINE...: a log of these lines.
log() { local f=$t/$1; shift; printf '%s\n' "$@" > "$f"; echo "$f"; }

boot=$(log boot '[    0.000000] Linux version 6.1.0-57-amd64' '[    2.5] kvm_amd: Nested Paging enabled')
expect "a clean console, command failed on its own" "" --status 1 --console "$boot" \
	--output "$(log o1 'guest FAIL: nproc: expected 3, got 2' 'minivmm: guest wrote 1 to the test-exit port')"

expect "the test host never started the command" $'host-start-failed\tyes' --status 125 \
	--runner "$(log r1 'with-kvm: the test host failed before the command started: it did not start the command in 60 s')"
expect "the test host's kernel panicked" $'host-panic\tyes' --status 125 --console "$(log c1 \
	'[  412.1] sysrq: Trigger a crash' '[  412.2] Kernel panic - not syncing: sysrq triggered crash')" \
	--runner "$(log r2 'with-kvm: the command started but its exit status was not collected (QEMU exit 0)')"
expect "the test host's kernel hit a stack guard page" $'host-panic\tyes' --status 125 --console "$(log c2 \
	'[  97.3] BUG: TASK stack guard page was hit at 000000002b3c6b0f')"
expect "the test host went away without a word" $'host-went-away\tyes' --status 125 --console "$boot" \
	--runner "$t/r2"
expect "a task of the test host blocked for minutes" $'host-stuck\tyes' --status 124 --console "$(log c3 \
	'[  242.7] INFO: task khugepaged:36 blocked for more than 120 seconds.')"
expect "an RCU stall in the test host" $'host-stuck\tyes' --status 124 --console "$(log c4 \
	'[  88.0] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:')"
expect "a soft lockup in the test host" $'host-stuck\tyes' --status 124 --console "$(log c5 \
	'[  60.0] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [vcpu0:812]')"
expect "the test host's clock stopped" $'host-clock-stopped\tyes' --status 124 --runner "$(log r3 \
	'with-kvm: time limit of 800 s reached; the test host was stopped' \
	'with-kvm: the test host wrote no report before the limit (asked 20 s before it): its own timers or CPUs had stopped')"
# As tools/test-host/qemu-state prints a vCPU that does not take a pending
# interrupt (seen in a soak: the test host wedged around it); an idle vCPU
# with nothing pending, or one with interrupts disabled, is not that.
deaf='  vCPU 0: RIP=ffffffff82a592eb (native_safe_halt+0xb) CPL=0 HLT=1 RFL=00000206 CR3=00000001008ac000; same RIP 1 s earlier; local APIC IRR 236 251 253, ISR (none)'
idle='  vCPU 1: RIP=ffffffff82a592eb (native_safe_halt+0xb) CPL=0 HLT=1 RFL=00000206 CR3=000000010088e000; same RIP 1 s earlier; local APIC IRR (none), ISR (none)'
expect "a test-host vCPU that does not take its pending interrupts" $'host-cpu-deaf\tyes' --status 124 \
	--runner "$(log r4 'with-kvm: time limit of 420 s reached; the test host was stopped' "$idle" "$deaf")"
expect "an idle test-host vCPU with nothing pending is not deaf" "" --status 124 --runner "$(log r5 "$idle")"
expect "a halted vCPU with interrupts disabled is not deaf" "" --status 124 --runner "$(log r6 "${deaf/RFL=00000206/RFL=00000006}")"
expect "a stall logged while the command failed on its own is not the test host's failure" "" \
	--status 1 --console "$t/c4"

expect "a guest's fault loop (the emulated page walk)" $'guest-fault-loop\tyes' --status 1 --output "$(log o2 \
	"FAIL: the guest did not finish in 301 s; KVM's view of it:" \
	"gt: KVM's trace shows a fault loop (a nested page fault at one rip, answered by injecting #PF)")"
expect "a guest's timer stall (every vCPU halted in KVM)" $'guest-timer-stall\tyes' --status 1 --output "$(log o3 \
	"FAIL: the guest did not finish in 300 s; KVM's view of it:" \
	"gt: every vCPU is halted in KVM and the guest's timer never fired")"
expect "a guest's triple fault (random, in early boot)" $'guest-triple-fault\tyes' --status 1 --output "$(log o4 \
	'minivmm: guest reset (triple fault on vcpu1)')"
expect "a stuck guest: named, never retried" $'guest-stuck\tno' --status 1 --output "$(log o5 \
	"FAIL: the guest did not finish in 300 s; KVM's view of it:")"
expect "a stuck guest on a test host with a CPU that runs no task: that CPU's failure" $'host-cpu-deaf\tyes' \
	--status 1 --output "$(log o6 "FAIL: the guest did not finish in 300 s; KVM's view of it:" \
	"gt: the test host's CPU 0 ran no task in 10 s: it takes no interrupts")"
expect "the test host's failure comes first" $'host-panic\tyes' --status 125 --console "$t/c1" --output "$t/o4"

# Every row is well formed: four fields, retry yes or no, a known source.
bad=$(awk '!/^#/ && NF { if (NF < 4 || ($2 != "yes" && $2 != "no") || ($3 != "runner" && $3 != "console" && $3 != "output")) print }' \
	"$(dirname "$classify")/signatures")
[ -z "$bad" ] && echo "ok: every row of the table is well formed" || { echo "FAIL: malformed rows: $bad"; fail=1; }
exit $fail
