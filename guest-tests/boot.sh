#!/bin/bash
# Boot Debian's kernel in minivmm with --cpus and --memory and check, inside
# the guest, that it sees them, that the command line and an initrd file
# arrived intact, and that the result comes back through the test-exit port.
# Usage: boot.sh CPUS MEMORY_MIB [EXPECTED_CPUS]
# (EXPECTED_CPUS differing from CPUS makes a deliberately failing guest.)
. "$(dirname "$0")/lib.sh"
cpus=$1
mem_mib=$2
expect_cpus=${3:-$cpus}

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	head -c 1M /dev/urandom > "$GT_TMP/payload"
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/boot-check.sh" \
		--file "$GT_TMP/payload:/payload"
	GT_INITRD="$GT_TMP/initrd" GT_PAYLOAD_SUM=$(sha256sum "$GT_TMP/payload" | cut -d' ' -f1) \
		gt_enter_test_host 400 "$@"
fi

token=tok$RANDOM$RANDOM
# Quiet (the kernel's warnings and errors still print), and a console
# burst of 20 lines, not boot-check.sh's default 200: nested, the guest's
# console output is where QEMU's TCG fails the test host, about one boot
# in three with the kernel's whole log and 200 lines (guest-tests/README.md,
# "Third day"). Where a boot hangs, gt_guest_run shows KVM's view of it.
cmdline="console=ttyS0 quiet panic=-1 t.burst=20 token=$token expect.token=$token"
cmdline="$cmdline expect.cpus=$expect_cpus expect.mem_mib=$mem_mib expect.payload_sha256=$GT_PAYLOAD_SUM"
gt_guest_run "$GT_TMP/log" "$GT_TMP/log" --kernel "$KERNEL" --cpus "$cpus" --memory "${mem_mib}M" \
	--boot-timing --exit-stats --initrd "$GT_INITRD" --cmdline "$cmdline"
rc=$?
expect "minivmm exit status (the guest's verdict)" 0 "$rc"
grep -q "guest result: 0" "$GT_TMP/log" && ok "guest printed its verdict" ||
	not_ok "the guest did not print a passing verdict"
expect "console lines of the burst before the verdict that reached the host" 20 \
	"$(grep -c "^guest console burst line [0-9]* of 20[[:space:]]*$" "$GT_TMP/log")"
grep -q "guest wrote 0 to the test-exit port" "$GT_TMP/log" && ok "stopped by the test-exit port" ||
	not_ok "minivmm did not report the test-exit write"
grep -Eq "minivmm: boot-timing: write 1 value 0x42 at [0-9]+\.[0-9]+ ms" "$GT_TMP/log" &&
	ok "boot-timing write logged with its time" || not_ok "no boot-timing line"
pio=$(sed -n 's/^minivmm: exits: pio  *\([0-9]*\)$/\1/p' "$GT_TMP/log")
[ -n "$pio" ] && [ "$pio" -gt 0 ] && grep -q "minivmm: exits: total" "$GT_TMP/log" &&
	ok "exit counters printed ($pio port I/O exits)" || not_ok "no exit counters"
gt_finish
