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
echo "=== demo done: rebooting ==="
reboot -f
