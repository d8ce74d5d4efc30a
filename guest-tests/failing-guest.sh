#!/bin/bash
# A guest whose check fails must make its test fail, for that reason: run
# boot.sh with a guest told to expect 3 vCPUs while it has 2, and check
# that the harness fails, that the guest's complaint is in the output, and
# that minivmm returned the guest's verdict (1) from the test-exit port.
# The retry rule must not touch it: a product failure fails the first time
# (one guest verdict, no RETRY line from with-kvm after it; a nested
# failure before the verdict is retried as anywhere else).
. "$(dirname "$0")/lib.sh"
out="$GT_TMP/out"
bash "$(dirname "$0")/boot.sh" 2 512 3 > "$out" 2>&1
rc=$?
cat "$out"
echo "--- checks on the run above:"
[ "$rc" -ne 0 ] && ok "the harness failed (status $rc)" || not_ok "the harness passed a failing guest"
grep -q "guest FAIL: nproc: expected '3', got '2'" "$out" && ok "the guest said why" ||
	not_ok "the guest's complaint is missing"
grep -Eq "^guest checks: [0-9]+ passed, [1-9][0-9]* failed" "$out" && ok "the guest counted its failures" ||
	not_ok "the guest's count of checks is missing or counts no failure"
grep -q "^guest ok: PCI host bridge class" "$out" && ok "after a failure, the checks that passed are listed too" ||
	not_ok "a check that passed is missing from the failing guest's output"
grep -q "guest wrote 1 to the test-exit port" "$out" && ok "minivmm took the guest's verdict" ||
	not_ok "minivmm did not report the test-exit write of 1"
grep -q "minivmm exit status (the guest's verdict): expected '0', got '1'" "$out" &&
	ok "minivmm exited with the guest's verdict" || not_ok "minivmm's status was not the guest's 1"
expect "guest runs (the failure was not retried)" 1 "$(grep -c "guest wrote 1 to the test-exit port" "$out")"
# A run the nested environment broke before the guest's verdict may be
# retried (with-kvm's rule: NESTED, then one RETRY); the run that carried
# the verdict must be the last one, with no RETRY after it.
verdict_line=$(grep -n "guest wrote 1 to the test-exit port" "$out" | tail -1 | cut -d: -f1)
retry_line=$(grep -n "^with-kvm: RETRY: " "$out" | tail -1 | cut -d: -f1)
if [ -z "$retry_line" ]; then
	ok "no RETRY line"
elif [ -n "$verdict_line" ] && [ "$retry_line" -lt "$verdict_line" ]; then
	ok "the only retry came before the guest's verdict: $(grep "^with-kvm: NESTED " "$out" | tail -1)"
else
	not_ok "with-kvm retried after the guest's verdict (a product failure): $(grep RETRY "$out")"
fi
gt_finish
