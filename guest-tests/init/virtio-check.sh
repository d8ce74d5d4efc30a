#!/bin/sh
# Guest side of guest-tests/virtio.sh: Linux's own virtio_pci, virtio_blk
# and virtio_rng drive minivmm's vfio-user virtio devices. checks.sh's
# checks; the verdict goes to minivmm's test-exit port.
#
# Kernel command line: t.blk_sectors=N (disk size in 512-byte sectors),
# t.serial=S, t.queues=N, t.ro=0|1, t.pattern=SHA256 of the host's
# pattern file (written at sector 2048, 1 MiB) when t.ro=1.
. /checks.sh
# A write to the boot-timing port: minivmm logs the exits so far.
mark() { printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=1284 count=1 2>/dev/null; }

# --- virtio-rng: /dev/hwrng reads through virtio_rng.
check "hwrng is virtio" "virtio_rng.0" "$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
a=$(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)
b=$(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)
n=$(dd if=/dev/hwrng bs=64 count=1 2>/dev/null | wc -c)
check "64 bytes from /dev/hwrng" 64 "$n"
[ "$a" != "$b" ] && [ "$a" != "$(head -c 64 /dev/zero | sha256sum | cut -d' ' -f1)" ] &&
	ok "two hwrng reads differ and are not zeros" || not_ok "hwrng returned the same or zero bytes"

# --- virtio-blk
check "vda size in sectors" "$(arg t.blk_sectors)" "$(cat /sys/block/vda/size 2>/dev/null)"
check "vda serial" "$(arg t.serial)" "$(cat /sys/block/vda/serial 2>/dev/null)"
check "vda hardware queues" "$(arg t.queues)" "$(ls /sys/block/vda/mq 2>/dev/null | wc -l)"
check "driver is virtio_blk on virtio-pci" "virtio-pci" \
	"$(basename "$(readlink /sys/block/vda/device/../driver)" 2>/dev/null)"
msix=$(grep -c "virtio[0-9]-" /proc/interrupts)
[ "$msix" -ge 2 ] && ok "virtio MSI-X vectors in /proc/interrupts ($msix)" ||
	not_ok "no virtio MSI-X vectors: $(grep virtio /proc/interrupts)"

if [ "$(arg t.ro)" = 1 ]; then
	check "read-only disk seen read-only" 1 "$(cat /sys/block/vda/ro)"
	check "host pattern read back" "$(arg t.pattern)" \
		"$(dd if=/dev/vda bs=1M skip=1 count=1 2>/dev/null | sha256sum | cut -d' ' -f1)"
	if dd if=/dev/zero of=/dev/vda bs=4k count=1 seek=1 oflag=direct 2>/dev/null; then
		not_ok "a write to the read-only disk succeeded"
	else
		ok "a write to the read-only disk is refused"
	fi
else
	# A random pattern written, read back, left for the host to check.
	head -c 1048576 /dev/urandom > /tmp/pattern
	want=$(sha256sum < /tmp/pattern | cut -d' ' -f1)
	dd if=/tmp/pattern of=/dev/vda bs=64k seek=16 oflag=direct 2>/dev/null
	sync
	echo 3 > /proc/sys/vm/drop_caches
	check "pattern read back from vda" "$want" \
		"$(dd if=/dev/vda bs=64k skip=16 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
	echo "guest pattern sha256: $want"

	# 1000 reads of 4 KiB, bracketed by boot-timing writes: minivmm
	# logs its exit counts at both.
	mark 1
	dd if=/dev/vda of=/dev/null bs=4k count=1000 iflag=direct 2>/dev/null
	mark 2
	dd if=/dev/vda of=/dev/null bs=4k count=10 iflag=direct 2>/dev/null
	mark 3
	ok "1000 and 10 direct 4 KiB reads done"

	# A file system on the disk, from mkfs to a file read back.
	if mke2fs -q -F /dev/vda > /dev/null 2>&1; then
		mkdir -p /mnt
		if mount -t ext2 /dev/vda /mnt 2>/tmp/mount.err; then
			head -c 300000 /dev/urandom > /mnt/file
			sum=$(sha256sum < /mnt/file | cut -d' ' -f1)
			umount /mnt
			mount -t ext2 /dev/vda /mnt
			check "file round trip through ext2 on vda" "$sum" "$(sha256sum < /mnt/file | cut -d' ' -f1)"
			umount /mnt
		else
			not_ok "cannot mount the new file system: $(cat /tmp/mount.err; dmesg | tail -3)"
		fi
	else
		not_ok "mke2fs failed"
	fi
	# The pattern again, where the host will look for it (mke2fs wrote
	# over the start of the disk).
	dd if=/tmp/pattern of=/dev/vda bs=64k seek=16 oflag=direct 2>/dev/null
	sync
fi

checks_verdict
minivmm-exit "$fail"
echo "guest FAIL: the test-exit port did not stop the VM"
poweroff -f
