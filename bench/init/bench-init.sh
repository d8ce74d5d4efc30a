#!/bin/sh
# Guest init of the boot benchmarks (bench/run-bench). Its first act is the
# marker the host times: one line on the serial console, which minivmm and
# QEMU both show on their stdout, then a write to minivmm's boot-timing
# port (0x504; nothing listens there in QEMU). bench.hold=SECONDS keeps the
# guest up that long; bench.dmesg=1 prints the kernel's log (with its
# timestamps) after the marker, to compare where two boots spend their
# time; bench.blk times reads of a virtio disk (below). Then the guest
# reboots, which ends minivmm and QEMU -no-reboot alike.
echo BENCH-INIT
printf '\102' | dd of=/dev/port bs=1 seek=1284 count=1 2>/dev/null
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^bench\.$1=//p"; }
# A write to the boot-timing port: with --exit-stats minivmm logs its
# exits so far.
mark() { printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=1284 count=1 2>/dev/null; }
[ "$(arg dmesg)" = 1 ] && dmesg
# bench.blk=SMALL,BIG: 4 KiB O_DIRECT reads of /dev/vda, SMALL then BIG of
# them, each phase opened by a console line and a boot-timing write: the
# difference of the two phases is the cost of BIG - SMALL reads alone.
blk=$(arg blk)
if [ -n "$blk" ]; then
	[ -b /dev/vda ] || echo "BLK-NO-DISK"
	for phase in "A 2 ${blk%,*}" "B 3 ${blk#*,}"; do
		set -- $phase
		echo "BLK-$1"
		mark "$2"
		dd if=/dev/vda of=/dev/null bs=4k count="$3" iflag=direct 2>/dev/null ||
			echo "BLK-READ-FAILED"
	done
	echo "BLK-C"
	mark 4
fi
hold=$(arg hold)
[ -n "$hold" ] && sleep "$hold"
reboot -f
