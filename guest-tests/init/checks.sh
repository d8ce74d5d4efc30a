# Sourced by the guest-side check scripts (guest-tests/lib.sh's
# build_initramfs puts it in every image as /checks.sh): reading the
# kernel command line, one check, and the verdict.
#
# A passed check is printed only with t.verbose=1 on the kernel command
# line, or when another check failed (all of them then, before the
# verdict, for context); a failed one always, at once. Every byte the
# guest writes to its console is a port I/O exit to minivmm, and in the
# nested test host such exits are what sets off QEMU's TCG failures
# (guest-tests/README.md, "the trigger is the guest's console"): a
# vfio-user test printed 2.6 KB of passed checks, 3,600 of its 5,200 exits.
fail=0
checks_passed=0
checks_failed=0
checks_log=/checks-passed.log

# arg NAME: the value of NAME=... on the kernel command line.
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }

checks_verbose=$(arg t.verbose)

ok() {
	checks_passed=$((checks_passed + 1))
	if [ "$checks_verbose" = 1 ]; then
		echo "guest ok: $*"
	else
		echo "guest ok: $*" >> "$checks_log"
	fi
}

not_ok() {
	checks_failed=$((checks_failed + 1))
	echo "guest FAIL: $*"
	fail=1
}

# check NAME WANT GOT
check() {
	if [ "$2" = "$3" ]; then ok "$1 ($3)"; else not_ok "$1: expected '$2', got '$3'"; fi
}

# checks_verdict: the passed checks when one failed, the counts, and the
# line the host's test reads ("guest result: 0" when all passed).
checks_verdict() {
	if [ "$fail" != 0 ] && [ "$checks_verbose" != 1 ] && [ -s "$checks_log" ]; then
		echo "guest: the checks that passed:"
		cat "$checks_log"
	fi
	echo "guest checks: $checks_passed passed, $checks_failed failed"
	echo "guest result: $fail"
}
