#!/bin/sh
# Guest side of guest-tests/boot.sh: check what the kernel sees against the
# expectations passed on the kernel command line (checks.sh: a line per
# check with t.verbose=1, or when one failed), and report through
# minivmm's test-exit port (0 pass, 1 fail).
. /checks.sh

check "nproc" "$(arg expect.cpus)" "$(nproc)"
check "online cpus" "0-$(($(arg expect.cpus) - 1))" "$(cat /sys/devices/system/cpu/online | sed 's/^0$/0-0/')"

# minivmm's topology: one package of N cores, one thread each, APIC ids
# 0..N-1 in vCPU order (CPUID leaves 1, 0Bh, 8000_0008h, 8000_001Eh and
# the MP table must agree, or Linux numbers the CPUs differently).
n=$(arg expect.cpus)
cpuinfo() { awk -F': ' -v k="$1" '$1 ~ "^" k "[ \t]*$" { printf "%s ", $2 }' /proc/cpuinfo; }
check "APIC ids" "$(seq 0 $((n - 1)) | tr '\n' ' ')" "$(cpuinfo apicid)"
check "initial APIC ids" "$(seq 0 $((n - 1)) | tr '\n' ' ')" "$(cpuinfo 'initial apicid')"
check "packages" "0" "$(cat /sys/devices/system/cpu/cpu*/topology/physical_package_id | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "cores per package" "$n" "$(cpuinfo 'cpu cores' | cut -d' ' -f1)"
check "threads of cpu0's core" "0" "$(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list)"

# MemTotal (KiB) is RAM less what the kernel keeps for itself; it must be
# most of --memory, and more than fits below the 3 GiB hole when above it.
mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
want_mib=$(arg expect.mem_mib)
if [ "$mem_kib" -le $((want_mib * 1024)) ] && [ "$mem_kib" -ge $((want_mib * 1024 * 85 / 100)) ]; then
	ok "MemTotal $mem_kib KiB for $want_mib MiB"
else
	not_ok "MemTotal $mem_kib KiB is not 85-100% of $want_mib MiB"
fi

check "command line token" "$(arg expect.token)" "$(arg token)"
check "initrd payload" "$(arg expect.payload_sha256)" "$(sha256sum /payload | cut -d' ' -f1)"
check "PCI host bridge class" "0x060000" "$(cat /sys/bus/pci/devices/0000:00:00.0/class 2>/dev/null)"

# Every CPU has its own working timer: the local APIC's in TSC-deadline
# mode (minivmm offers it in CPUID), not the PIT's broadcast, which Linux
# falls back to when it cannot calibrate the LAPIC timer.
check "CPUs with a TSC-deadline timer" "$(nproc)" "$(grep -c '^flags.* tsc_deadline_timer' /proc/cpuinfo)"
dmesg | grep -q "APIC timer disabled" && check "LAPIC timer" "in use" "disabled: $(dmesg | grep 'APIC timer disabled')"
check "CPUs whose tick device is lapic-deadline" "$(nproc)" \
	"$(cat /sys/devices/system/clockevents/clockevent*/current_device | grep -c '^lapic-deadline$')"

# One write to the boot-timing port (0x504), which minivmm timestamps.
printf '\102' | dd of=/dev/port bs=1 seek=1284 count=1 2>/dev/null

# A burst of console output right before the verdict: all of it must reach
# the host before minivmm ends (minivmm-exit drains the console first).
# t.burst=N sets its lines (default 200), for tools/soak to measure.
burst=$(arg t.burst)
burst=${burst:-200}
i=1
while [ $i -le "$burst" ]; do echo "guest console burst line $i of $burst"; i=$((i + 1)); done
checks_verdict
# Drains the console, then the test-exit port: the verdict is minivmm's status.
minivmm-exit "$fail"
echo "guest FAIL: the test-exit port did not stop the VM"
poweroff -f
