#!/bin/bash
# gt_host_cpus_deaf (lib.sh), the test host's own check when a guest is
# stuck: on a healthy test host it names no CPU; with one CPU taken away
# from every ordinary task (a real-time busy loop pinned there, real-time
# throttling off: as good as a CPU that takes no interrupts, for a task
# that wants to run there) it names that CPU, and only that one.
. "$(dirname "$0")/lib.sh"
gt_enter_test_host 300 "$@"

out=$(gt_host_cpus_deaf) && not_ok "a healthy test host: CPUs named: $out" ||
	expect "a healthy test host: no CPU named" "" "$out"

rt=$(cat /proc/sys/kernel/sched_rt_runtime_us)
echo -1 > /proc/sys/kernel/sched_rt_runtime_us
taskset -c 1 chrt -f 50 sh -c 'while :; do :; done' &
hog=$!
out=$(gt_host_cpus_deaf)
rc=$?
kill "$hog"
wait "$hog" 2>/dev/null
echo "$rt" > /proc/sys/kernel/sched_rt_runtime_us
expect "CPU 1 kept busy by a real-time loop: named" \
	"gt: the test host's CPU 1 ran no task in 10 s: it takes no interrupts" "$out"
expect "... and reported" 0 "$rc"
gt_finish
