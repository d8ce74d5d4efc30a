#!/bin/bash
# minivmm against vfio-user servers that misbehave, one behaviour each
# (guest-tests/hostile_server.c; `hostile-server --list`). For every one,
# minivmm either refuses the device at start with a line naming its
# socket (refuse), or boots the guest (init/hostile-check.sh), which
# reaches its verdict with the device alive (live) or with the device
# marked dead and logged once (dead). It never crashes (a status above
# 128, a sanitizer report), never hangs (each run has a limit), and the
# server is never left waiting on minivmm.
# Usage: hostile.sh [CASE...] (default: every case). Needs MINIVMM, TOOLS
# and HOSTILE_SERVER.
. "$(dirname "$0")/lib.sh"
: "${HOSTILE_SERVER:?HOSTILE_SERVER must name the hostile-server program}"

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/hostile-check.sh"
	GT_INITRD="$GT_TMP/initrd" gt_enter_test_host 1500 "$@"
fi
trap 'gt_stop_devices; rm -rf "$GT_TMP"' EXIT

CMDLINE="console=ttyS0 quiet acpi=off panic=-1"
# A refused device costs at most the client's 5 s timeout; a guest boot
# with a device that dies costs a few more.
REFUSE_LIMIT=60
export GT_GUEST_LIMIT=200

# no_crash NAME OUT RC: minivmm ended by itself, with no sanitizer report.
no_crash() {
	[ "$3" -lt 128 ] && ok "$1: minivmm exited by itself ($3)" ||
		not_ok "$1: minivmm died of signal $(($3 - 128))"
	! grep -q "AddressSanitizer\|runtime error:\|LeakSanitizer" "$2" ||
		not_ok "$1: sanitizer report: $(grep -m1 "AddressSanitizer\|runtime error:" "$2")"
}

run_case() {
	local name=$1 expect=$2 sock="$GT_TMP/$1.sock" out="$GT_TMP/$1.out" rc start
	echo "=== $name ($expect)"
	gt_start_device "$HOSTILE_SERVER" "$sock" "$GT_TMP/$name.server" --case "$name" || return
	start=$SECONDS
	if [ "$expect" = refuse ]; then
		timeout -s KILL "$REFUSE_LIMIT" "$MINIVMM" --kernel "$KERNEL" --initrd "$GT_INITRD" \
			--memory 256M --vfio-user "$sock" --cmdline "$CMDLINE" > "$out" 2>&1 < /dev/null
		rc=$?
		sed 's/^/    /' "$out"
		expect "$name: minivmm refused to start (status)" 1 "$rc"
		grep "^minivmm: " "$out" | grep -q "$sock" &&
			ok "$name: the reason names the socket" ||
			not_ok "$name: no line names $sock"
		! grep -q "guest result" "$out" || not_ok "$name: the guest ran"
	else
		gt_guest_run "$out" "$out" --kernel "$KERNEL" --initrd "$GT_INITRD" \
			--memory 256M --cpus 1 --vfio-user "$sock" \
			--cmdline "$CMDLINE t.expect=$expect"
		rc=$?
		expect "$name: minivmm exit status (the guest's verdict)" 0 "$rc"
		grep -q "guest result: 0" "$out" && ok "$name: the guest reached its verdict" ||
			not_ok "$name: the guest did not pass"
		n=$(grep -c "the device is gone" "$out")
		if [ "$expect" = dead ]; then
			expect "$name: the device's death logged once" 1 "$n"
		else
			expect "$name: the device stayed alive" 0 "$n"
		fi
	fi
	no_crash "$name" "$out" "$rc"
	# What the server saw minivmm answer (its DMA requests).
	while IFS= read -r line; do
		grep -qF "hostile-server: $line" "$GT_TMP/$name.server" &&
			ok "$name: the server says: $line" ||
			not_ok "$name: the server did not say: $line"
	done < <("$HOSTILE_SERVER" --says "$name")
	dup=$(grep "^minivmm: " "$out" | sort | uniq -d | head -1)
	[ -z "$dup" ] && ok "$name: every line of minivmm's said once" ||
		not_ok "$name: said more than once: $dup"
	echo "    ($((SECONDS - start)) s; the server said: $(grep '^hostile-server' "$GT_TMP/$name.server" | tail -n +2 | tr '\n' ' '))"
	gt_stop_devices
}

mapfile -t all < <("$HOSTILE_SERVER" --list)
[ "${#all[@]}" -ge 20 ] && ok "${#all[@]} behaviours" || not_ok "only ${#all[@]} behaviours"
for line in "${all[@]}"; do
	name=${line% *}
	if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
		continue
	fi
	run_case "$name" "${line#* }"
done
gt_finish
