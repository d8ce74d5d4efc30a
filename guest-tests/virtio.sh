#!/bin/bash
# virtio-blk and virtio-rng vfio-user servers driven by the guest's own
# virtio_pci, virtio_blk and virtio_rng drivers, in minivmm.
# Usage: virtio.sh SCENARIO
#   rw        a 64 MiB disk file (2 queues, a serial): size, serial, queues,
#             MSI-X, a random pattern written and read back and found in
#             the host file after minivmm exits, ext2 from mkfs to a file
#             read back, 1000 vs 10 4 KiB reads cost no exits; hwrng
#   ro        the same disk read-only: the host's pattern reads back, a
#             write is refused
# Needs MINIVMM, TOOLS, VIRTIO_BLK and VIRTIO_RNG (the device programs).
. "$(dirname "$0")/lib.sh"
: "${VIRTIO_BLK:?VIRTIO_BLK must name vfio-user-virtio-blk}"
: "${VIRTIO_RNG:?VIRTIO_RNG must name vfio-user-virtio-rng}"
scenario=$1

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/virtio-check.sh" \
		--module virtio_pci,virtio_blk,virtio-rng,ext4,crc32c_generic
	GT_INITRD="$GT_TMP/initrd" gt_enter_test_host 800 "$@"
fi

trap 'gt_stop_devices; rm -rf "$GT_TMP"' EXIT

# start DEVICE_PROGRAM SOCKET LOG [options]
start() {
	gt_start_device "$@" || gt_finish
}

# run_guest: the devices on a new disk, and the guest (gt_guest_run).
run_guest() {
	disk=$GT_TMP/disk.img
	rm -f "$disk"
	truncate -s 64M "$disk"
	sectors=$((64 * 1024 * 1024 / 512))
	serial=minivmm-disk-1
	ro=0 queues=2 pattern=none args=(--num-queues 2)
	if [ "$scenario" = ro ]; then
		head -c 1048576 /dev/urandom > "$GT_TMP/pattern"
		dd if="$GT_TMP/pattern" of="$disk" bs=1M seek=1 conv=notrunc 2>/dev/null
		pattern=$(sha256sum < "$GT_TMP/pattern" | cut -d' ' -f1)
		ro=1 queues=1 args=(--readonly)
	fi
	start "$VIRTIO_BLK" "$GT_TMP/blk.sock" "$GT_TMP/blk.log" --disk "$disk" --serial "$serial" "${args[@]}"
	start "$VIRTIO_RNG" "$GT_TMP/rng.sock" "$GT_TMP/rng.log"

	log=$GT_TMP/log
	# The guest's console (stdout) and minivmm's own lines (stderr) apart:
	# a boot-timing line could otherwise land inside a console line.
	gt_guest_run "$log" "$log.err" --kernel "$KERNEL" --initrd "$GT_INITRD" \
		--memory 512M --cpus 2 --boot-timing --exit-stats \
		--vfio-user "$GT_TMP/blk.sock" --vfio-user "$GT_TMP/rng.sock" \
		--cmdline "console=ttyS0 quiet acpi=off panic=-1 t.blk_sectors=$sectors t.serial=$serial t.queues=$queues t.ro=$ro t.pattern=$pattern"
}


run_guest
rc=$?
expect "minivmm exit status (the guest's verdict)" 0 "$rc"
grep -q "guest result: 0" "$log" && ok "$(grep -m1 '^guest checks:' "$log")" || not_ok "guest checks failed"

if [ "$scenario" = rw ]; then
	want=$(sed -n 's/^guest pattern sha256: //p' "$log" | tr -d '\r')
	got=$(dd if="$disk" bs=64k skip=16 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
	expect "the host file holds the guest's pattern" "$want" "$got"
	# Exits so far at the boot-timing writes 1, 2, 3 (around 1000 and 10
	# reads): the reads must not add exits in proportion to their number.
	exits() { sed -n "s/^minivmm: boot-timing: write $1 exits so far: mmio \([0-9]*\) pio \([0-9]*\).*/\1 \2/p" "$log.err" | tr -d '\r'; }
	read -r m1 p1 <<< "$(exits 1)"
	read -r m2 p2 <<< "$(exits 2)"
	read -r m3 p3 <<< "$(exits 3)"
	if [ -n "$m1" ] && [ -n "$m2" ] && [ -n "$m3" ]; then
		ok "1000 reads: $((m2 - m1)) MMIO, $((p2 - p1)) port exits; 10 reads: $((m3 - m2)) MMIO, $((p3 - p2)) port exits"
		[ $((m2 - m1)) -le 5 ] && ok "the 1000 reads caused no MMIO exits to minivmm" ||
			not_ok "the 1000 reads caused $((m2 - m1)) MMIO exits"
		[ $((p2 - p1)) -le $((p3 - p2 + 50)) ] &&
			ok "port exits do not grow with the number of reads" ||
			not_ok "port exits grew with the reads ($((p2 - p1)) vs $((p3 - p2)))"
	else
		not_ok "no exit counts at the boot-timing marks"
	fi
fi
gt_finish
