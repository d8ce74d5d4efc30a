#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The benchmark tools do what run-bench relies on (no timing is checked:
# only that events are seen, in order, and that results are complete):
# bench-spawn finds markers (also one split across writes, or on stderr),
# reports the exit status, stops a command at a marker, reads memory at a
# marker; bench-rtt completes every variant against vfio-user-testdev,
# and fails loudly when the device cannot run.
# bench-blk reads a disk through vfio-user-virtio-blk, checked.
# Usage: test-bench-tools.sh BENCH_SPAWN BENCH_RTT VFIO_USER_TESTDEV \
#                            BENCH_BLK VFIO_USER_VIRTIO_BLK
set -u
spawn=$1
rtt=$2
testdev=$3
blk=$4
virtio_blk=$5
fail=0
ok() { echo "ok: $*"; }
not_ok() { echo "FAIL: $*"; fail=1; }
# field LINE NAME
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<< "$1"; }

r=$("$spawn" --mark a=ALPHA --mark b=BETA -- sh -c 'echo x ALPHA y; echo BETA >&2; exit 3')
echo "# $r"
[ "$(field "$r" status)" = 3 ] && ok "exit status reported" || not_ok "status in '$r'"
[ -n "$(field "$r" mark.a)" ] && ok "stdout marker seen" || not_ok "no mark.a in '$r'"
[ -n "$(field "$r" mark.b)" ] && ok "stderr marker seen" || not_ok "no mark.b in '$r'"
awk -v a="$(field "$r" mark.a)" -v e="$(field "$r" exit_ms)" 'BEGIN { exit !(a > 0 && e >= a) }' &&
	ok "marker time before exit time" || not_ok "times out of order in '$r'"

r=$("$spawn" --mark m=MARK -- sh -c 'printf MA; sleep 0.2; printf RK; sleep 0.2; echo')
echo "# $r"
[ -n "$(field "$r" mark.m)" ] && ok "marker split across writes seen" || not_ok "split marker missed: '$r'"

r=$("$spawn" --mark n=NEVER -- true)
echo "# $r"
[ -z "$(field "$r" mark.n)" ] && [ "$(field "$r" status)" = 0 ] &&
	ok "a marker that never came is absent" || not_ok "'$r'"

r=$("$spawn" --mark r=READY --kill-at r --timeout 60 -- sh -c 'echo READY; exec sleep 50')
echo "# $r"
[ "$(field "$r" status)" = 143 ] && ok "stopped with SIGTERM at the marker" || not_ok "'$r'"

r=$("$spawn" --timeout 1 -- sleep 50)
echo "# $r"
[ "$(field "$r" status)" = timeout ] && ok "time limit reported" || not_ok "'$r'"

# A grandchild keeping the output pipe open does not keep bench-spawn.
start=$SECONDS
r=$("$spawn" --mark m=GO -- sh -c 'sleep 10 & echo GO')
echo "# $r"
[ "$(field "$r" status)" = 0 ] && [ -n "$(field "$r" mark.m)" ] && [ $((SECONDS - start)) -lt 8 ] &&
	ok "returns soon after the exit, though a grandchild holds the pipe" || not_ok "'$r' after $((SECONDS - start)) s"

# A process with a 64 MiB mapping it touched: its "guest RAM".
r=$("$spawn" --mark m=MAPPED --sample-at m --guest-ram 64 -- \
	perl -e '$x = "a" x (80 << 20); print "MAPPED\n"; $| = 1; sleep 1')
echo "# $r"
rss=$(field "$r" rss_kib) guest=$(field "$r" guest_kib) own=$(field "$r" own_kib)
if [ -n "$rss" ] && [ -n "$guest" ] && [ "$guest" -ge $((64 * 1024)) ] &&
   [ "$own" -eq $((rss - guest)) ] && [ -n "$(field "$r" anon_kib)" ]; then
	ok "memory read at the marker: big mapping counted as guest RAM"
else
	not_ok "memory fields in '$r'"
fi

out=$("$rtt" --testdev "$testdev" --iterations 200 --blocks 2 2>/dev/null)
rc=$?
n=$(grep -c '^sample rtt\.[a-z]*\.p[59][09] [1-9][0-9]*$' <<< "$out")
[ "$rc" -eq 0 ] && [ "$n" -eq 20 ] && ok "bench-rtt: 5 variants x 2 figures x 2 blocks" ||
	not_ok "bench-rtt exit $rc, $n sample lines: $out"
out=$("$rtt" --testdev "$testdev" --iterations 200 --blocks 1 --only raw 2>/dev/null)
[ "$(grep -c '^sample rtt\.raw\.' <<< "$out")" -eq 2 ] && ! grep -q client <<< "$out" &&
	ok "bench-rtt --only" || not_ok "--only raw gave: $out"

"$rtt" --testdev /nonexistent/testdev --iterations 200 --blocks 1 > /dev/null 2>&1
[ $? -eq 1 ] && ok "bench-rtt fails when the device does not run" || not_ok "bench-rtt with no device did not fail"
"$rtt" > /dev/null 2>&1
[ $? -eq 2 ] && ok "bench-rtt usage error" || not_ok "bench-rtt without arguments"

out=$(VIRTIO_BLK=$virtio_blk "$blk" --size 1 --blocks 1 2>&1)
rc=$?
n=$(grep -c '^sample blk\.[a-z0-9_.]* [0-9.]*$' <<< "$out")
[ "$rc" -eq 0 ] && [ "$n" -eq 10 ] && ok "bench-blk: 5 variants x 2 figures, data checked" ||
	not_ok "bench-blk exit $rc, $n sample lines: $out"
VIRTIO_BLK=/nonexistent "$blk" --size 1 --blocks 1 > /dev/null 2>&1
[ $? -eq 1 ] && ok "bench-blk fails when the device does not run" || not_ok "bench-blk with no device did not fail"

[ "$fail" -eq 0 ] && echo "bench tools: all checks passed" || echo "bench tools: FAILED"
exit "$fail"
