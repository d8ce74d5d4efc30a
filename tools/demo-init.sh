#!/bin/sh
# The demo guest's init: show what the guest sees, then reboot (which ends
# minivmm with status 0).
echo
echo "=== minivmm demo guest ==="
echo "kernel:   $(uname -r)"
echo "cpus:     $(nproc)"
echo "memory:   $(awk '/^MemTotal:/ { print $2 / 1024 " MiB" }' /proc/meminfo)"
echo "cmdline:  $(cat /proc/cmdline)"
echo "uptime:   $(cut -d' ' -f1 /proc/uptime) s"
echo "PCI devices:"
for d in /sys/bus/pci/devices/*; do
	[ -e "$d" ] || continue
	echo "  ${d##*/} vendor $(cat "$d/vendor") device $(cat "$d/device") class $(cat "$d/class")"
done
# The vfio-user test device (devices/testdev/testdev_regs.h): its
# registers are a socket round trip away, its BAR2 is mapped straight in.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x7e57 ] || continue
	bar0=$(sed -n 1p "$d/resource" | cut -d' ' -f1)
	bar2=$(sed -n 3p "$d/resource" | cut -d' ' -f1)
	echo "vfio-user-testdev at ${d##*/}: BAR0 $bar0, BAR2 $bar2"
	echo "  ID register:     $(devmem "$bar0" 32) (\"TEST\")"
	devmem "$(printf 0x%x $((bar0 + 8)))" 32 0xc0ffee
	echo "  scratch written: 0xc0ffee, read back $(devmem "$(printf 0x%x $((bar0 + 8)))" 32)"
	echo "  BAR2 (mmapped):  $(devmem "$bar2" 32) $(devmem "$(printf 0x%x $((bar2 + 4)))" 32) (\"vfio-use\", written by the device)"
	for i in 1 2 3; do devmem "$(printf 0x%x $((bar0 + 0x10)))" 32 1; done
	echo "  3 doorbell kicks (ioeventfd), device counted $(devmem "$(printf 0x%x $((bar0 + 0x14)))" 32)"
done
# virtio-blk and virtio-rng, through Linux's own drivers.
if [ -b /dev/vda ]; then
	echo "virtio-blk: /dev/vda, $(($(cat /sys/block/vda/size) / 2048)) MiB, serial $(cat /sys/block/vda/serial)"
	echo "  sector 0 says: $(head -c 80 /dev/vda | tr -d '\0')"
	echo "hello from the guest, uptime $(cut -d' ' -f1 /proc/uptime) s" |
		dd of=/dev/vda bs=512 seek=1 conv=sync,notrunc 2>/dev/null
	sync
	echo "  wrote a line to sector 1 (the host shows it after the guest exits)"
	echo "  $(grep -c 'virtio[0-9]-' /proc/interrupts) virtio MSI-X vectors, irqfds straight from the devices"
fi
if [ -c /dev/hwrng ]; then
	echo "virtio-rng: $(cat /sys/class/misc/hw_random/rng_current), 16 bytes: $(head -c 16 /dev/hwrng | xxd -p)"
fi
echo "=== demo done ==="
minivmm-exit 0
