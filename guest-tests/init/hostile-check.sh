#!/bin/sh
# Guest side of guest-tests/hostile.sh: a guest that uses a misbehaving
# vfio-user device (guest-tests/hostile_server.c, 1234:bad0) as a driver
# would: config space, BAR0's registers, its "go" write, BAR2's memory,
# and MSI enabled through config space. Whatever the device does, the
# guest must keep running and reach its verdict; t.expect=live also
# wants the device's registers to read what the device answers.
. /checks.sh
hex() { printf '0x%x' "$1"; }
expect=$(arg t.expect)

dev=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0xbad0 ] && dev=$d
done
[ -n "$dev" ] && ok "the device is on the bus" || not_ok "no 1234:bad0 device on the bus"
if [ -n "$dev" ]; then
	bar0=$(sed -n 1p "$dev/resource" | cut -d' ' -f1)
	bar2=$(sed -n 3p "$dev/resource" | cut -d' ' -f1)
	check "config space size" 256 "$(wc -c < "$dev/config")"
	v=$(devmem "$(hex "$bar0")" 32)
	[ "$expect" = live ] && check "BAR0 register" 0x600DBEEF "$v"
	v=$(devmem "$(hex "$bar2")" 32)
	[ "$expect" = live ] && check "BAR2's first word" 0x00000000 "$v"
	# Enable MSI with every vector the capability offers (Multiple
	# Message Enable 5: 32 vectors), as a driver asking for all would.
	printf '\000\000\340\376' | dd of="$dev/config" bs=1 seek=$((0x44)) conv=notrunc 2>/dev/null
	printf '\121\000' | dd of="$dev/config" bs=1 seek=$((0x42)) conv=notrunc 2>/dev/null
	# BAR0 + 0x10 is a doorbell where the device offers one.
	devmem "$(hex $((bar0 + 0x10)))" 32 7
	echo "guest: go"
	devmem "$(hex "$bar0")" 32 1
	v=$(devmem "$(hex "$bar0")" 32)
	[ "$expect" = live ] && check "BAR0 register after go" 0x600DBEEF "$v"
	echo "guest: BAR0 after go reads $v"
	v=$(devmem "$(hex "$bar2")" 32)
	echo "guest: BAR2 after go reads $v"
	v=$(devmem "$(hex $((bar0 + 4)))" 32)
	echo "guest: BAR0 + 4 reads $v"
	# Config space is read afresh (sysfs's vendor file is a copy).
	v=$(od -An -tx2 -N2 "$dev/config" | tr -d ' ')
	[ "$expect" = live ] && check "vendor ID read after go" 1234 "$v"
	echo "guest: vendor ID after go reads $v"
fi
checks_verdict
