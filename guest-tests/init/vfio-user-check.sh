#!/bin/sh
# Guest side of guest-tests/vfio-user.sh: drive vfio-user-testdev devices
# (devices/testdev/testdev_regs.h) with what a Linux guest has -- sysfs,
# /dev/mem through busybox devmem, and the uio_pci_generic driver --
# checks.sh's checks, the verdict through minivmm's test-exit port.
#
# Kernel command line: t.devs=N (devices expected), t.mode=full|fallback
# (what the device offers), t.kill=1 (the host kills the last device when
# we print "guest: ready for the kill"), t.dma=ADDR (a reserved RAM range,
# memmap=...$ADDR, for DMA).
. /checks.sh
hex() { printf '0x%x' "$1"; }
rd() { devmem "$(hex "$1")" 32; }
wr() { devmem "$(hex "$1")" 32 "$2"; }
# settle ADDR WANT: wait (10 s at most) until register ADDR reads WANT: the
# device counts ioeventfd kicks on its own thread, after the write returned.
settle() {
	t=0
	while [ $t -lt 100 ] && [ $(($(rd "$1"))) -ne $(($2)) ]; do
		sleep 0.1
		t=$((t + 1))
	done
}

# Registers (testdev_regs.h).
ID=0x000 SCRATCH=0x008 FEATURES=0x00c DOORBELL=0x010 DOORBELL_COUNT=0x014
BAR2_TRAPS=0x018 IRQ_STATUS=0x01c IRQ_RAISE=0x020 IRQ_COUNT=0x024 IRQ_MODE=0x028
DMA_SRC_LO=0x030 DMA_SRC_HI=0x034 DMA_DST_LO=0x038 DMA_DST_HI=0x03c DMA_LEN=0x040
DMA_CMD=0x044 DMA_STATUS=0x048 DMA_PATTERN=0x050 BAR2_PEEK_OFF=0x060 BAR2_PEEK=0x064

devs=$(arg t.devs)
mode=$(arg t.mode)
dma=$(arg t.dma)

# --- The devices on the bus, as the PCI core found them.
found=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x7e57 ] &&
		found="$found $d"
done
check "testdev devices on the bus" "$devs" "$(echo $found | wc -w)"

# bar_field DEV N FIELD: start (1), end (2) or flags (3) of resource N.
bar_field() { sed -n "$(($2 + 1))p" "$1/resource" | cut -d' ' -f"$3"; }
bar_size() { echo $(($(bar_field "$1" "$2" 2) - $(bar_field "$1" "$2" 1) + 1)); }

# The capability IDs, walking the list in config space.
caps() {
	xxd -p -c1 "$1/config" > /tmp/cfg
	at() { sed -n "$(($1 + 1))p" /tmp/cfg | tr -d ' '; }
	p=$((0x$(at 0x34)))
	out=""
	n=0
	while [ "$p" -ne 0 ] && [ $n -lt 48 ]; do
		out="$out $(at $p)"
		p=$((0x$(at $((p + 1)))))
		n=$((n + 1))
	done
	echo $out
}

i=0
for d in $found; do
	i=$((i + 1))
	name=${d##*/}
	check "$name class" 0xff0000 "$(cat "$d/class")"
	check "$name subsystem" "0x1234 0x0001" "$(cat "$d/subsystem_vendor") $(cat "$d/subsystem_device")"
	check "$name BAR0 size" 4096 "$(bar_size "$d" 0)"
	check "$name BAR2 size" 65536 "$(bar_size "$d" 2)"
	# IORESOURCE_MEM 0x200, _PREFETCH 0x2000, _MEM_64 0x100000.
	flags=$(bar_field "$d" 2 3)
	[ $((flags & 0x102200)) -eq $((0x102200)) ] && ok "$name BAR2 64-bit prefetchable memory" ||
		not_ok "$name BAR2 flags $flags"
	if [ "$mode" = full ]; then
		check "$name BAR4 (MSI-X) size" 4096 "$(bar_size "$d" 4)"
		check "$name ROM size" 2048 "$(bar_size "$d" 6)"
		check "$name capabilities" "01 05 11 10" "$(caps "$d")"
	else
		check "$name capabilities" "01 10" "$(caps "$d")"
	fi
	bar0=$(bar_field "$d" 0 1)
	check "$name ID register" 0x54534554 "$(rd $((bar0 + ID)))"
	wr $((bar0 + SCRATCH)) $((0x5ca1ab00 + i))
	check "$name scratch register round trip" "$(printf '0x%08X' $((0x5ca1ab00 + i)))" "$(rd $((bar0 + SCRATCH)))"
done

first=$(echo $found | cut -d' ' -f1)
bar0=$(bar_field "$first" 0 1)
bar2=$(bar_field "$first" 2 1)

# --- BAR2: the device's memory, mmapped (full) or trapped (fallback).
traps0=$(($(rd $((bar0 + BAR2_TRAPS)))))
check "BAR2 signature written by the device" 0x6F696676 "$(rd "$bar2")"
wr $((bar2 + 0x100)) 0xfeedf00d
wr $((bar0 + BAR2_PEEK_OFF)) 0x100
check "device sees the guest's BAR2 write" 0xFEEDF00D "$(rd $((bar0 + BAR2_PEEK)))"
traps=$(($(rd $((bar0 + BAR2_TRAPS))) - traps0))
if [ "$mode" = full ]; then
	check "BAR2 accesses never trapped (mmapped)" 0 "$traps"
	rd $((bar2 + 0xf000)) > /dev/null
	check "BAR2's last page trapped" $((traps + 1)) $(($(rd $((bar0 + BAR2_TRAPS))) - traps0))
else
	check "BAR2 accesses trapped (no mmap offered)" 2 "$traps"
fi

# --- The doorbell: an ioeventfd (full) or a trapped register (fallback).
# The host compares minivmm's MMIO exit count with the number of kicks.
kicks=300
before=$(($(rd $((bar0 + DOORBELL_COUNT)))))
echo "guest: doorbell kicks start"
n=0
while [ $n -lt $kicks ]; do
	wr $((bar0 + DOORBELL)) 1
	n=$((n + 1))
done
echo "guest: doorbell kicks end"
settle $((bar0 + DOORBELL_COUNT)) $((before + kicks))
check "doorbell kicks counted by the device" $kicks $(($(rd $((bar0 + DOORBELL_COUNT))) - before))

# --- DMA into guest RAM (a memmap-reserved range, reachable by devmem).
dma_run() { # CMD SRC DST LEN -> prints the final status
	wr $((bar0 + DMA_SRC_LO)) $(($2 & 0xffffffff))
	wr $((bar0 + DMA_SRC_HI)) $(($2 >> 32))
	wr $((bar0 + DMA_DST_LO)) $(($3 & 0xffffffff))
	wr $((bar0 + DMA_DST_HI)) $(($3 >> 32))
	wr $((bar0 + DMA_LEN)) "$4"
	wr $((bar0 + DMA_CMD)) "$1"
	t=0
	while [ $t -lt 100 ]; do
		st=$(($(rd $((bar0 + DMA_STATUS)))))
		[ $((st & 1)) -eq 0 ] && break
		sleep 0.1
		t=$((t + 1))
	done
	echo "$st"
}
for w in 0 1 2 3; do wr $((dma + w * 4)) $((0x10203040 + w)); done
st=$(dma_run 1 "$dma" $((dma + 0x1000)) 16)
[ $((st & 2)) -ne 0 ] && ok "DMA copy done (status $(hex "$st"))" || not_ok "DMA copy status $(hex "$st")"
if [ "$mode" = full ]; then
	[ $((st & 0x100)) -ne 0 ] && ok "DMA by pointer into the shared memfd" || not_ok "DMA not by pointer"
else
	[ $((st & 0x200)) -ne 0 ] && ok "DMA by DMA_READ/DMA_WRITE messages" || not_ok "DMA not by messages"
fi
got=""
for w in 0 1 2 3; do got="$got $(rd $((dma + 0x1000 + w * 4)))"; done
check "DMA copy landed in guest RAM" " 0x10203040 0x10203041 0x10203042 0x10203043" "$got"
wr $((bar0 + DMA_PATTERN)) 0xa5a55a5a
st=$(dma_run 2 0 $((dma + 0x2000)) 64)
check "DMA fill landed in guest RAM" "0xA5A55A5A 0xA5A55A5A" "$(rd $((dma + 0x2000))) $(rd $((dma + 0x203c)))"
check "DMA fill stopped at its length" 0x00000000 "$(rd $((dma + 0x2040)))"

# cfg_w32 DEV OFFSET VALUE / cfg_r32 DEV OFFSET: config space through sysfs.
cfg_w32() {
	v=$3
	printf "\\$(printf %03o $((v & 255)))\\$(printf %03o $((v >> 8 & 255)))\\$(printf %03o $((v >> 16 & 255)))\\$(printf %03o $((v >> 24 & 255)))" |
		dd of="$1/config" bs=4 seek=$(($2 / 4)) count=1 conv=notrunc 2>/dev/null
}
# cfg_w16 DEV OFFSET VALUE: one 2-byte write (the command register alone).
cfg_w16() {
	printf "\\$(printf %03o $(($3 & 255)))\\$(printf %03o $(($3 >> 8 & 255)))" |
		dd of="$1/config" bs=2 seek=$(($2 / 2)) count=1 conv=notrunc 2>/dev/null
}
cfg_r32() { echo $((0x$(xxd -p -s "$2" -l 4 "$1/config" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'))); }
# --- INTx, delivered to Linux's uio_pci_generic driver. The DMA above
# left its completion interrupt asserted while no driver listened: clear
# it (RW1C) so that the driver starts from a quiet line.
wr $((bar0 + IRQ_STATUS)) 0xffffffff
name=${first##*/}
echo uio_pci_generic > "$first/driver_override"
echo "$name" > /sys/bus/pci/drivers_probe
if [ -e "$first/uio" ]; then
	ok "uio_pci_generic bound $name"
	uio=/dev/$(ls "$first/uio")
	# uio counts interrupts from when it is opened: open it first.
	exec 3< "$uio"
	irq_wait() { timeout 20 dd bs=4 count=1 <&3 2>/dev/null | od -An -tu4 | tr -d ' '; }
	wr $((bar0 + IRQ_RAISE)) 0
	c1=$(irq_wait)
	[ -n "$c1" ] && [ "$c1" -ge 1 ] && ok "INTx interrupt reached the driver (count $c1)" ||
		not_ok "no INTx interrupt in 20 s"
	check "device mode is INTx" 0x00000001 "$(rd $((bar0 + IRQ_MODE)))"
	wr $((bar0 + IRQ_STATUS)) 0x2
	# Unmask as uio_pci_generic's users do (its 6.1 version has no
	# irqcontrol): clear Interrupt Disable in the command register.
	cmd=$(cfg_r32 "$first" 4)
	[ $((cmd & 0x400)) -ne 0 ] && ok "the driver masked INTx (command $(hex $((cmd & 0xffff))))" ||
		not_ok "Interrupt Disable not set after the interrupt (command $(hex $((cmd & 0xffff))))"
	cfg_w16 "$first" 4 $((cmd & 0xfbff))
	wr $((bar0 + IRQ_RAISE)) 0
	c2=$(irq_wait)
	[ -n "$c2" ] && [ "$c2" -gt "${c1:-0}" ] && ok "a second INTx after unmask (count $c2)" ||
		not_ok "no second INTx"
	exec 3<&-
	line=$(cat "$first/irq")
	grep -q "uio_pci_generic" /proc/interrupts && ok "/proc/interrupts shows IRQ $line for uio" ||
		not_ok "uio not in /proc/interrupts"
else
	not_ok "uio_pci_generic did not bind $name"
fi

# --- The guest moves BARs: minivmm follows (trap, KVM slots, ioeventfd).
last=$(echo $found | awk '{ print $NF }')
if [ "$last" != "$first" ]; then
	lbar0=$(bar_field "$last" 0 1)
	lbar2=$(bar_field "$last" 2 1)
	cmd=$(cfg_r32 "$last" 4)
	cfg_w32 "$last" 4 $((cmd & ~2))		# memory decode off
	check "BAR0 gone while decode is off" 0xFFFFFFFF "$(rd $((lbar0 + ID)))"
	nbar0=$((0xd0000000))
	nbar2=$((lbar2 + 0x40000000))
	cfg_w32 "$last" 0x10 $nbar0
	cfg_w32 "$last" 0x18 $((nbar2 & 0xffffffff))
	cfg_w32 "$last" 0x1c $((nbar2 >> 32))
	cfg_w32 "$last" 4 "$cmd"			# decode back on
	check "BAR0 register reads the new address" $nbar0 "$(cfg_r32 "$last" 0x10)"
	check "BAR0 answers at its new address" 0x54534554 "$(rd $((nbar0 + ID)))"
	check "nothing answers at the old address" 0xFFFFFFFF "$(rd $((lbar0 + ID)))"
	t0=$(($(rd $((nbar0 + BAR2_TRAPS)))))
	check "moved BAR2 shows the device's memory" 0x6F696676 "$(rd "$nbar2")"
	check "moved BAR2 still mmapped (no trap)" $t0 $(($(rd $((nbar0 + BAR2_TRAPS)))))
	d0=$(($(rd $((nbar0 + DOORBELL_COUNT)))))
	wr $((nbar0 + DOORBELL)) 1
	settle $((nbar0 + DOORBELL_COUNT)) $((d0 + 1))
	check "doorbell at the moved BAR0" $((d0 + 1)) $(($(rd $((nbar0 + DOORBELL_COUNT)))))
	cfg_w32 "$last" 4 $((cmd & ~2))
	cfg_w32 "$last" 0x10 "$lbar0"
	cfg_w32 "$last" 0x18 $((lbar2 & 0xffffffff))
	cfg_w32 "$last" 0x1c $((lbar2 >> 32))
	cfg_w32 "$last" 4 "$cmd"
	check "BAR0 back at its first address" 0x54534554 "$(rd $((lbar0 + ID)))"
fi

# --- Function-level reset: Linux's reset file uses FLR (PCIe DevCap);
# minivmm turns it into DEVICE_RESET, which puts the registers back.
second=$(echo $found | awk '{ print $2 }')
if [ -n "$second" ] && [ "$second" != "$last" ]; then
	sbar0=$(bar_field "$second" 0 1)
	resets=$(($(rd $((sbar0 + 0x02c)))))
	wr $((sbar0 + SCRATCH)) 0x12345678
	echo 1 > "$second/reset" && ok "reset written for ${second##*/}" || not_ok "reset refused"
	check "FLR became a device reset" $((resets + 1)) $(($(rd $((sbar0 + 0x02c)))))
	check "scratch back to 0 after the reset" 0x00000000 "$(rd $((sbar0 + SCRATCH)))"
	check "registers still reachable after Linux restored config" 0x54534554 "$(rd $((sbar0 + ID)))"
fi

# --- A device that dies while the guest runs.
if [ "$(arg t.kill)" = 1 ]; then
	last=$(echo $found | awk '{ print $NF }')
	lbar0=$(bar_field "$last" 0 1)
	echo "guest: ready for the kill"
	t=0
	while [ $t -lt 300 ]; do
		[ "$(rd $((lbar0 + ID)))" = 0xFFFFFFFF ] && break
		sleep 0.2
		t=$((t + 1))
	done
	check "the dead device reads all-ones" 0xFFFFFFFF "$(rd $((lbar0 + ID)))"
	check "its config space reads all-ones" "0xffff" "$(od -An -tx2 -N2 "$last/config" | sed 's/ /0x/')"
	wr $((lbar0 + SCRATCH)) 1
	check "writes to it are dropped" 0xFFFFFFFF "$(rd $((lbar0 + SCRATCH)))"
	check "the other device still answers" 0x54534554 "$(rd $((bar0 + ID)))"
fi

checks_verdict
minivmm-exit "$fail"
echo "guest FAIL: the test-exit port did not stop the VM"
poweroff -f
