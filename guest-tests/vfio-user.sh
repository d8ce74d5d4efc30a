#!/bin/bash
# vfio-user devices on minivmm's PCI bus, driven by a Linux guest.
# Usage: vfio-user.sh SCENARIO
#   devices    eight vfio-user-testdev servers (the most minivmm takes)
#              with everything on (mmap,
#              ioeventfd, MSI-X, MSI, INTx): IDs, BARs, capabilities,
#              registers, mmapped BAR seen both ways, doorbell without
#              exits, DMA by pointer, INTx to uio_pci_generic
#   fallback   one server that offers no mmap, no ioeventfd, INTx only,
#              and DMA through DMA_READ/DMA_WRITE messages: the same
#              checks pass, and minivmm says what it fell back to
#   dies       two servers; the second is SIGKILLed while the guest runs
#   bad-socket minivmm refuses to start with a missing socket, a socket
#              nobody listens on, and a server that is not vfio-user
# Needs MINIVMM, TOOLS and TESTDEV (the vfio-user-testdev program).
. "$(dirname "$0")/lib.sh"
: "${TESTDEV:?TESTDEV must name the vfio-user-testdev program}"
scenario=$1

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/vfio-user-check.sh" \
		--module uio_pci_generic
	# Devices and minivmm all run in the test host: their sockets live
	# on its tmpfs.
	GT_INITRD="$GT_TMP/initrd" gt_enter_test_host 800 "$@"
fi

trap 'gt_stop_devices; rm -rf "$GT_TMP"' EXIT

# start_device N [options]: vfio-user-testdev on $GT_TMP/devN.sock.
start_device() {
	local n=$1
	shift
	gt_start_device "$TESTDEV" "$GT_TMP/dev$n.sock" "$GT_TMP/dev$n.log" "$@"
}

# Quiet, as guest-tests/boot.sh is and for its reason: the guest's console
# output is where QEMU's TCG fails the nested test host.
DMA_ADDR=0x10000000
CMDLINE="console=ttyS0 quiet acpi=off panic=-1 memmap=1M\$$DMA_ADDR t.dma=$DMA_ADDR"

# boot LOG NDEVS MODE [KILL]: minivmm with devices dev1..devN, through
# gt_guest_run; returns minivmm's status. With KILL,
# device N is SIGKILLed once the guest says it is ready for it.
boot() {
	local log=$1 n=$2 mode=$3 kill=${4:-0} args=() i killer="" rc
	for ((i = 1; i <= n; i++)); do args+=(--vfio-user "$GT_TMP/dev$i.sock"); done
	: > "$log"
	if [ "$kill" = 1 ]; then
		local victim=${gt_dev_pids[$((n - 1))]}
		(
			for ((i = 0; i < 1200; i++)); do
				if grep -q "guest: ready for the kill" "$log"; then
					kill -KILL "$victim"
					echo killed
					exit 0
				fi
				sleep 0.5
			done
		) > "$GT_TMP/killer" &
		killer=$!
	fi
	gt_guest_run "$log" "$log" --kernel "$KERNEL" --initrd "$GT_INITRD" \
		--memory 512M --cpus 2 --exit-stats "${args[@]}" \
		--cmdline "$CMDLINE t.devs=$n t.mode=$mode t.kill=$kill"
	rc=$?
	if [ -n "$killer" ]; then
		kill "$killer" 2>/dev/null
		wait "$killer" 2>/dev/null
		grep -q killed "$GT_TMP/killer" &&
			ok "killed device $n with SIGKILL while the guest runs" ||
			not_ok "the guest never got ready for the kill"
	fi
	return $rc
}

mmio_exits() { sed -n 's/^minivmm: exits: mmio  *\([0-9]*\)$/\1/p' "$1"; }

guest_verdict() {
	expect "minivmm exit status (the guest's verdict)" 0 "$1"
	grep -q "guest result: 0" "$2" && ok "$(grep -m1 '^guest checks:' "$2")" ||
		not_ok "guest checks failed"
	! grep -q "guest FAIL" "$2" || not_ok "$(grep -c 'guest FAIL' "$2") guest check(s) failed"
}

scenario_devices() {
	for i in 1 2 3 4 5 6 7 8; do start_device $i || gt_finish; done
	boot "$GT_TMP/log" 8 full
	rc=$?
	guest_verdict "$rc" "$GT_TMP/log"
	exits=$(mmio_exits "$GT_TMP/log")
	# 300 doorbell kicks went to an ioeventfd: all the MMIO exits of the
	# whole run (trapped registers, DMA set-up) stay far below that.
	[ -n "$exits" ] && [ "$exits" -lt 300 ] &&
		ok "300 doorbell kicks, only $exits MMIO exits in the whole run" ||
		not_ok "MMIO exits: '$exits' (the doorbell kicks exited?)"
}

scenario_fallback() {
	start_device 1 --no-mmap --no-ioeventfd --intx-only --dma-messages || gt_finish
	boot "$GT_TMP/log" 1 fallback
	rc=$?
	guest_verdict "$rc" "$GT_TMP/log"
	exits=$(mmio_exits "$GT_TMP/log")
	[ -n "$exits" ] && [ "$exits" -ge 300 ] &&
		ok "without an ioeventfd the 300 kicks exit ($exits MMIO exits)" ||
		not_ok "MMIO exits: '$exits'"
	grep -q "offers no ioeventfd" "$GT_TMP/log" && ok "minivmm says doorbells are trapped" ||
		not_ok "minivmm did not say it fell back to trapped doorbells"
	grep -q "offers no mmappable area" "$GT_TMP/log" && ok "minivmm says BARs are trapped" ||
		not_ok "minivmm did not say it fell back to trapped BARs"
}

scenario_dies() {
	for i in 1 2; do start_device $i || gt_finish; done
	boot "$GT_TMP/log" 2 full 1
	rc=$?
	guest_verdict "$rc" "$GT_TMP/log"
	n=$(grep -c "the device is gone" "$GT_TMP/log")
	expect "minivmm logged the death once" 1 "$n"
	grep "the device is gone" "$GT_TMP/log" | grep -q "dev2.sock" &&
		ok "the message names the socket" || not_ok "the message does not name dev2.sock"
}

scenario_bad_socket() {
	args=(--kernel "$KERNEL" --initrd "$GT_INITRD")
	"$MINIVMM" "${args[@]}" --vfio-user "$GT_TMP/missing.sock" > "$GT_TMP/out" 2>&1
	rc=$?
	expect "missing socket: exit status" 1 "$rc"
	grep -q "missing.sock" "$GT_TMP/out" && ok "missing socket named: $(head -1 "$GT_TMP/out")" ||
		not_ok "no message naming the socket: $(cat "$GT_TMP/out")"
	# A socket file nobody listens on any more.
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$GT_TMP/stale.sock"
	"$MINIVMM" "${args[@]}" --vfio-user "$GT_TMP/stale.sock" > "$GT_TMP/out" 2>&1
	rc=$?
	expect "refused socket: exit status" 1 "$rc"
	grep -q "stale.sock" "$GT_TMP/out" && ok "refused socket named: $(head -1 "$GT_TMP/out")" ||
		not_ok "no message naming the socket: $(cat "$GT_TMP/out")"
	# A server that answers VERSION with garbage.
	timeout 120 python3 - "$GT_TMP/junk.sock" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
c.recv(4096)
c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" + bytes(64))
c.close()
PY
	junk=$!
	# Python starts slowly in a nested test host.
	"$TOOLS/wait-listening" "$GT_TMP/junk.sock" --timeout 60 --pid $junk ||
		not_ok "the scripted server never listened"
	"$MINIVMM" "${args[@]}" --vfio-user "$GT_TMP/junk.sock" > "$GT_TMP/out" 2>&1
	rc=$?
	kill $junk 2>/dev/null
	wait $junk
	expect "not a vfio-user server: exit status" 1 "$rc"
	grep -q "junk.sock" "$GT_TMP/out" && ok "bad server named: $(head -1 "$GT_TMP/out")" ||
		not_ok "no message naming the socket: $(cat "$GT_TMP/out")"
	# A good device next to a bad one: nothing is left behind, the
	# good device serves its next client.
	start_device 1 || gt_finish
	"$MINIVMM" "${args[@]}" --vfio-user "$GT_TMP/dev1.sock" --vfio-user "$GT_TMP/missing.sock" > "$GT_TMP/out" 2>&1
	expect "one bad socket of two: exit status" 1 $?
	# minivmm has exited: wait until the device has closed its end too
	# and listens for the next client; then its log must say why.
	"$TOOLS/wait-listening" "$GT_TMP/dev1.sock" --no-clients --timeout 10 ||
		not_ok "the good device did not close minivmm's connection"
	grep -q "client gone" "$GT_TMP/dev1.log" && ok "the good device saw minivmm leave" ||
		not_ok "the good device did not see minivmm disconnect: $(cat "$GT_TMP/dev1.log")"
}

case "$scenario" in
devices|fallback|dies|bad-socket) ;;
*)
	echo "usage: vfio-user.sh devices|fallback|dies|bad-socket" >&2
	exit 2
	;;
esac
"scenario_${scenario//-/_}"
gt_finish
