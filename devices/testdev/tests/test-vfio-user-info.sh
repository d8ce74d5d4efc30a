#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vfio-user-info against vfio-user-testdev on a real socket: what a user
# looks for in its text and JSON output (IDs, capabilities by name, BAR
# sizes and kinds, the mmap areas, the doorbell io fd, IRQ counts, the
# twin socket), and the same for the device's simpler variant.
# Usage: test-vfio-user-info.sh VFIO_USER_TESTDEV VFIO_USER_INFO WAIT_LISTENING
set -u
testdev=$1
info=$2
wait_listening=$3
fail=0
dir=$(mktemp -d "${TMPDIR:-/tmp}/vui-testdev-XXXXXX")
pid=

cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

ok() { echo "ok: $*"; }
not_ok() { echo "FAIL: $*"; fail=1; }

# has FILE TEXT: the output has a line containing TEXT (fixed string).
has() {
	if grep -qF -- "$2" "$1"; then ok "has '$2'"; else not_ok "no '$2' in:"; cat "$1"; fi
}

# start_dev [options]: the device on $dir/dev.sock, logging to $dir/dev.log;
# returns once the socket listens (not by its log line: until the new
# process truncates dev.log, the previous device's line is still there).
start_dev() {
	local why
	rm -f "$dir/dev.sock"
	"$testdev" --socket-path="$dir/dev.sock" "$@" 2> "$dir/dev.log" &
	pid=$!
	why=$("$wait_listening" "$dir/dev.sock" --timeout 10 --pid "$pid" 2>&1) &&
		return 0
	not_ok "the device did not listen: $why"
	cat "$dir/dev.log"
	exit 1
}

# stop_dev: SIGTERM ends it with status 0 and removes its socket.
stop_dev() {
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	pid=
	[ "$rc" = 0 ] && ok "device stopped with status 0" || not_ok "device exit status $rc"
	[ -e "$dir/dev.sock" ] && not_ok "socket left behind" || ok "socket removed"
}

# run_info OUT [args]: vfio-user-info ARGS SOCKET > OUT, status 0.
run_info() {
	local out=$1 rc
	shift
	"$info" "$@" "$dir/dev.sock" > "$out" 2> "$dir/info.err"
	rc=$?
	if [ "$rc" = 0 ]; then ok "vfio-user-info $* exits 0"; else
		not_ok "vfio-user-info $* exit status $rc"
		cat "$dir/info.err"
	fi
}

# --- The device as it comes: everything on.
start_dev
run_info "$dir/text"
t=$dir/text
has "$t" "Vendor 1234"
has "$t" "Device 7e57"
has "$t" "Subsystem: 1234:0001"
has "$t" "Twin socket: in use"
has "$t" "Device: flags RESET PCI (0x3), 9 regions, 5 IRQ indexes"
has "$t" "0 BAR0: size 0x1000 (4096), flags READ WRITE (0x3), no fd"
has "$t" "[0x10 size 4] ioeventfd"
has "$t" "2 BAR2: size 0x10000 (65536), flags READ WRITE MMAP CAPS (0xf)"
has "$t" "mmap: sparse, 1 area: [0x0+0xf000]"
has "$t" "4 BAR4: size 0x1000 (4096)"
has "$t" "6 ROM: size 0x800 (2048), flags READ (0x1)"
has "$t" "7 CONFIG: size 0x1000 (4096)"
has "$t" "0 INTx: count 1, flags EVENTFD MASKABLE AUTOMASKED"
has "$t" "1 MSI: count 1"
has "$t" "2 MSI-X: count 4"
has "$t" "Region 0: Memory at 00000000 (32-bit, non-prefetchable) [unassigned] [size=4K]"
has "$t" "(64-bit, prefetchable) [unassigned] [size=64K]"
has "$t" "Region 3: upper half of 64-bit Region 2"
has "$t" "Expansion ROM at 00000000 [disabled] [size=2K]"
has "$t" "Interrupt: pin A"
has "$t" "[40] Power Management version 3"
has "$t" "[48] MSI: Enable- Count=1/1"
has "$t" "[58] MSI-X: Enable- Count=4"
has "$t" "Vector table: BAR=4 offset=00000000"
has "$t" "PBA: BAR=4 offset=00000800"
has "$t" "Express (v2) Endpoint"

run_info "$dir/json" --json
if python3 - "$dir/json" <<'EOF'
import json, sys

d = json.load(open(sys.argv[1]))
bad = []

def want(what, got, exp):
    if got != exp:
        bad.append(f"{what}: {got!r}, expected {exp!r}")

cfg = d["config"]
want("vendor", cfg["vendor_id"], 0x1234)
want("device", cfg["device_id"], 0x7e57)
want("subsystem", (cfg["subsystem_vendor_id"], cfg["subsystem_id"]), (0x1234, 1))
want("class", cfg["class_code"], 0xff0000)
want("interrupt pin", cfg["interrupt_pin"], 1)
want("capabilities", [c["name"] for c in cfg["capabilities"]],
     ["Power Management", "MSI", "MSI-X", "Express"])
msix = [c for c in cfg["capabilities"] if c["name"] == "MSI-X"][0]
want("MSI-X table size", msix["table_size"], 4)
want("MSI-X table/PBA BAR", (msix["table_bir"], msix["pba_bir"]), (4, 4))
want("MSI-X PBA offset", msix["pba_offset"], 0x800)
want("config size", cfg["size"], 4096)

r = d["regions"]
want("region count", len(r), 9)
want("BAR0 size", r[0]["size"], 4096)
want("BAR0 io fds", [(e["offset"], e["size"], e["type_name"])
                     for e in r[0]["io_fds"]["entries"]], [(0x10, 4, "ioeventfd")])
want("BAR2 size", r[2]["size"], 65536)
want("BAR2 flags", r[2]["flag_names"], ["READ", "WRITE", "MMAP", "CAPS"])
want("BAR2 fd", r[2]["fd"], True)
want("BAR2 mmap", (r[2]["mmap"]["sparse"], r[2]["mmap"]["areas"]),
     (True, [{"offset": 0, "size": 0xf000}]))
want("ROM size", r[6]["size"], 2048)
want("absent regions", [r[i]["size"] for i in (1, 3, 5, 8)], [0, 0, 0, 0])

b = cfg["bars"]
want("BAR0 kind", (b[0]["kind"], b[0]["bits"], b[0]["prefetchable"], b[0]["size"]),
     ("memory", 32, False, 4096))
want("BAR2 kind", (b[2]["kind"], b[2]["bits"], b[2]["prefetchable"], b[2]["size"]),
     ("memory", 64, True, 65536))
want("BAR3", b[3]["kind"], "upper")

irqs = {i["name"]: i for i in d["irqs"]}
want("IRQ counts", [irqs[n]["count"] for n in ("INTx", "MSI", "MSI-X", "ERR", "REQ")],
     [1, 1, 4, 0, 0])
want("INTx flags", irqs["INTx"]["flag_names"], ["EVENTFD", "MASKABLE", "AUTOMASKED"])

want("twin socket", (d["server_capabilities"]["twin_socket"], d["twin_socket_in_use"]),
     (True, True))
want("device flags", d["device"]["flag_names"], ["RESET", "PCI"])
want("problems", cfg["problems"], [])

for b_ in bad:
    print("FAIL: json " + b_)
sys.exit(1 if bad else 0)
EOF
then ok "JSON parses and says the same"; else not_ok "JSON"; cat "$dir/json"; fi

# The tool only looks: the device counted two clients and kept serving.
grep -c "client connected" "$dir/dev.log" | grep -qx 2 && ok "two clients came and went" ||
	not_ok "device log: $(cat "$dir/dev.log")"
stop_dev

# --- The simpler variant a client must cope with.
start_dev --no-mmap --no-ioeventfd --intx-only --no-rom
run_info "$dir/text2"
t=$dir/text2
has "$t" "2 BAR2: size 0x10000 (65536), flags READ WRITE (0x3), no fd"
has "$t" "4 BAR4: size 0 (not implemented)"
has "$t" "6 ROM: size 0 (not implemented)"
has "$t" "1 MSI: count 0"
has "$t" "2 MSI-X: count 0"
has "$t" "[40] Power Management version 3"
has "$t" "Express (v2) Endpoint"
grep -qE "\] MSI-?X?:" "$t" && not_ok "an MSI or MSI-X capability is listed" ||
	ok "no MSI or MSI-X capability"
grep -qF "ioeventfd" "$t" && not_ok "an ioeventfd is listed" || ok "no ioeventfd"
run_info "$dir/json2" --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = [c["name"] for c in d["config"]["capabilities"]]
assert names == ["Power Management", "Express"], names
assert d["regions"][2]["mmap"]["areas"] == [] and not d["regions"][2]["fd"]
assert d["regions"][0]["io_fds"]["entries"] == []
' "$dir/json2" && ok "JSON of the simple variant" || not_ok "JSON of the simple variant"
stop_dev

[ "$fail" = 0 ] && echo "all ok" || echo "FAILED"
exit "$fail"
