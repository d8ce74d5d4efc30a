# Shared by the guest tests (sourced by bash). The tests boot Debian's kernel with a
# busybox initramfs in minivmm, through tools/with-kvm (nested where this
# machine has no /dev/kvm), and check what the guest reports.
#
# Expects: MINIVMM (path to the minivmm binary) and TOOLS (the tools/ dir).

set -u
: "${MINIVMM:?MINIVMM must name the minivmm binary}"
: "${TOOLS:?TOOLS must name the tools directory}"

KERNEL=$("$TOOLS/guest-kernel" --print kernel) || {
	echo "FAIL: cannot get the guest kernel"; exit 1; }
GT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/guest-test.XXXXXX")
trap 'rm -rf "$GT_TMP"' EXIT

gt_fail=0
ok() { echo "ok: $*"; }
not_ok() { echo "FAIL: $*"; gt_fail=1; }

# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then ok "$1 ($3)"; else not_ok "$1: expected '$2', got '$3'"; fi
}

# build_initramfs OUT INIT [mkinitramfs args...]
build_initramfs() {
	out=$1 init=$2
	shift 2
	"$TOOLS/mkinitramfs" -o "$out" --init "$init" "$@" || {
		echo "FAIL: cannot build the initramfs"; exit 1; }
}

# run_minivmm LOG [minivmm args...]: boots through with-kvm; the guest's
# console and minivmm's messages go to LOG (and to our stdout, live).
# Returns minivmm's exit status.
run_minivmm() {
	local log=$1
	shift
	"$TOOLS/with-kvm" --timeout "${GT_TIMEOUT:-400}" -- \
		"$MINIVMM" --kernel "$KERNEL" "$@" < /dev/null 2>&1 | tee "$log"
	return "${PIPESTATUS[0]}"
}

gt_finish() {
	if [ "$gt_fail" -ne 0 ]; then
		echo "guest test failed"
		exit 1
	fi
	echo "guest test passed"
	exit 0
}
