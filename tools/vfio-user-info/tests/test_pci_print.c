// SPDX-License-Identifier: GPL-2.0-only
/*
 * pci_print_text() and pci_to_json() on decoded hand-built config
 * spaces: the lines a user reads and the JSON values a script reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "proto/tests/check_main.h"
#include "tools/vfio-user-info/pci_decode.h"
#include "tools/vfio-user-info/pci_print.h"
#include "tools/vfio-user-info/tests/cfg_build.h"

static uint8_t cfg[PCI_DECODE_ECFG_LEN];
static struct pci_desc d;

/* The text output of @pd, malloc'd. */
static char *text_of(const struct pci_desc *pd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(pci_print_text(f, pd, 2), 0);
	fclose(f);
	return buf;
}

#define ck_assert_has_line(text, line) \
	ck_assert_msg(strstr((text), (line)), "missing \"%s\" in:\n%s", \
		      (line), (text))

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	ck_assert_msg(json_object_is_type(v, json_type_int), "%s not a number", key);
	return json_object_get_uint64(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	ck_assert_msg(json_object_is_type(v, json_type_string), "%s not a string", key);
	return json_object_get_string(v);
}

static bool get_bool(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	ck_assert_msg(json_object_is_type(v, json_type_boolean), "%s not a bool", key);
	return json_object_get_boolean(v);
}

START_TEST(test_text_of_full_device)
{
	struct pci_region_sizes sz;
	char *t;

	cfg_full_device(cfg, 4096, &sz);
	ck_assert_int_eq(pci_decode(cfg, 4096, &sz, &d), 0);
	t = text_of(&d);
	ck_assert_has_line(t, "  Vendor 8086 (Intel Corporation)  Device 5845 (QEMU NVM Express Controller)\n");
	ck_assert_has_line(t, "  Subsystem: 1af4:1100\n");
	ck_assert_has_line(t, "  Class 0108: Non-Volatile memory controller (prog-if 02), rev 02\n");
	ck_assert_has_line(t, "  Header type 00 (normal)\n");
	ck_assert_has_line(t, "Control: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx+\n");
	ck_assert_has_line(t, "Status: Cap+ 66MHz- ");
	ck_assert_has_line(t, "  Interrupt: pin A routed to IRQ 11\n");
	ck_assert_has_line(t, "  Region 0: Memory at 0000000800000000 (64-bit, prefetchable) [size=16K]\n");
	ck_assert_has_line(t, "  Region 1: upper half of 64-bit Region 0\n");
	ck_assert_has_line(t, "  Region 2: I/O ports at c000 [size=32]\n");
	ck_assert_has_line(t, "  Region 3: Memory at fe000000 (32-bit, non-prefetchable) [size=16K]\n");
	ck_assert_has_line(t, "  Region 4: unused\n");
	ck_assert_has_line(t, "  Expansion ROM at feb00000 [disabled] [size=64K]\n");
	ck_assert_has_line(t, "    [40] Power Management version 3\n");
	ck_assert_has_line(t, "PME(D0+,D1-,D2-,D3hot+,D3cold-)");
	ck_assert_has_line(t, "      Status: D3hot NoSoftRst+ PME-Enable-");
	ck_assert_has_line(t, "    [50] MSI: Enable+ Count=2/4 Maskable+ 64bit+\n");
	ck_assert_has_line(t, "      Address: 00000001fee00000  Data: 4021\n");
	ck_assert_has_line(t, "      Masking: 00000003  Pending: 00000001\n");
	ck_assert_has_line(t, "    [70] Express (v2) Endpoint, MSI 00\n");
	ck_assert_has_line(t, "      DevCap: MaxPayload 256 bytes, PhantFunc 0, ExtTag+ FLReset+\n");
	ck_assert_has_line(t, "      DevCtl: MaxPayload 128 bytes, MaxReadReq 512 bytes\n");
	ck_assert_has_line(t, "      LnkCap: Port #7, Speed 8GT/s, Width x4, ASPM L0s L1\n");
	ck_assert_has_line(t, "      LnkSta: Speed 2.5GT/s, Width x1\n");
	ck_assert_has_line(t, "    [b0] MSI-X: Enable+ Count=16 Masked+\n");
	ck_assert_has_line(t, "      Vector table: BAR=3 offset=00002000\n");
	ck_assert_has_line(t, "      PBA: BAR=3 offset=00003000\n");
	ck_assert_has_line(t, "  Extended capabilities:\n");
	ck_assert_has_line(t, "    [100] Advanced Error Reporting (id 0x0001) v1\n");
	ck_assert_has_line(t, "    [148] Device Serial Number (id 0x0003) v1\n");
	ck_assert_has_line(t, "    [158] Alternative Routing-ID Interpretation (id 0x000e) v1\n");
	ck_assert(!strstr(t, "Problem"));
	free(t);
}
END_TEST

START_TEST(test_text_of_virtio_and_problems)
{
	struct pci_region_sizes sz;
	char *t;

	cfg_virtio_blk(cfg, &sz);
	w8(cfg, 0x99, 0x40);	/* MSI-X loops back to the first cap */
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	t = text_of(&d);
	ck_assert_has_line(t, "Vendor 1af4 (Red Hat, Inc. (virtio))  Device 1042 (Virtio 1.0 block device)\n");
	ck_assert_has_line(t, "  Interrupt: none\n");
	ck_assert_has_line(t, "  Region 1: Memory at 00000000 (32-bit, non-prefetchable) [unassigned] [size=4K]\n");
	ck_assert_has_line(t, "    [40] Vendor Specific Information: Len=10 <virtio: COMMON BAR=4 offset=00000000 size=00001000>\n");
	ck_assert_has_line(t, "    [50] Vendor Specific Information: Len=14 <virtio: NOTIFY BAR=4 offset=00003000 size=00001000 multiplier=00000004>\n");
	ck_assert_has_line(t, "<virtio: ISR BAR=4 offset=00001000");
	ck_assert_has_line(t, "<virtio: DEVICE BAR=4 offset=00002000");
	ck_assert_has_line(t, "<virtio: PCI BAR=0");
	ck_assert_has_line(t, "  Problem: capability list loops back to 0x40 (from 0x98); list ends there\n");
	ck_assert(!strstr(t, "Extended capabilities"));
	free(t);
}
END_TEST

START_TEST(test_text_of_truncated_cap_and_no_caps)
{
	char *t;

	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0xf8);
	cfg_cap(cfg, 0xf8, PCI_CAP_ID_MSIX, 0);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	t = text_of(&d);
	ck_assert_has_line(t, "    [f8] MSI-X (id 0x11): cut off by the end of config space\n");
	ck_assert_has_line(t, "  Region 0: unused\n");
	ck_assert_has_line(t, "  Expansion ROM: none\n");
	free(t);

	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	t = text_of(&d);
	ck_assert_has_line(t, "  Capabilities: none (Status has no Cap bit)\n");
	free(t);
}
END_TEST

START_TEST(test_json_of_full_device)
{
	struct pci_region_sizes sz;
	struct json_object *o, *bars, *b, *caps, *c, *ext;

	cfg_full_device(cfg, 4096, &sz);
	ck_assert_int_eq(pci_decode(cfg, 4096, &sz, &d), 0);
	o = pci_to_json(&d);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(get_u64(o, "size"), 4096);
	ck_assert_uint_eq(get_u64(o, "vendor_id"), 0x8086);
	ck_assert_str_eq(get_str(o, "vendor_name"), "Intel Corporation");
	ck_assert_uint_eq(get_u64(o, "device_id"), 0x5845);
	ck_assert_uint_eq(get_u64(o, "subsystem_vendor_id"), 0x1af4);
	ck_assert_uint_eq(get_u64(o, "subsystem_id"), 0x1100);
	ck_assert_uint_eq(get_u64(o, "class_code"), 0x010802);
	ck_assert_str_eq(get_str(o, "class_name"), "Non-Volatile memory controller");
	ck_assert_uint_eq(get_u64(o, "revision"), 2);
	ck_assert_uint_eq(get_u64(o, "interrupt_pin"), 1);
	ck_assert(!get_bool(o, "multifunction"));

	bars = get(o, "bars");
	ck_assert_uint_eq(json_object_array_length(bars), 6);
	b = json_object_array_get_idx(bars, 0);
	ck_assert_str_eq(get_str(b, "kind"), "memory");
	ck_assert_uint_eq(get_u64(b, "address"), 0x800000000ull);
	ck_assert_uint_eq(get_u64(b, "bits"), 64);
	ck_assert(get_bool(b, "prefetchable"));
	ck_assert_uint_eq(get_u64(b, "size"), 16384);
	b = json_object_array_get_idx(bars, 1);
	ck_assert_str_eq(get_str(b, "kind"), "upper");
	ck_assert(json_object_is_type(get(b, "address"), json_type_null));
	b = json_object_array_get_idx(bars, 2);
	ck_assert_str_eq(get_str(b, "kind"), "io");
	ck_assert_uint_eq(get_u64(b, "register"), 0xc001);
	ck_assert_uint_eq(get_u64(b, "size"), 32);
	b = json_object_array_get_idx(bars, 4);
	ck_assert_str_eq(get_str(b, "kind"), "unused");
	ck_assert_uint_eq(get_u64(b, "size"), 0);
	ck_assert_uint_eq(get_u64(get(o, "rom"), "size"), 65536);

	caps = get(o, "capabilities");
	ck_assert_uint_eq(json_object_array_length(caps), 4);
	c = json_object_array_get_idx(caps, 1);
	ck_assert_str_eq(get_str(c, "name"), "MSI");
	ck_assert_uint_eq(get_u64(c, "offset"), 0x50);
	ck_assert_uint_eq(get_u64(c, "vectors_capable"), 4);
	ck_assert_uint_eq(get_u64(c, "vectors_enabled"), 2);
	ck_assert(get_bool(c, "is64"));
	ck_assert_uint_eq(get_u64(c, "mask"), 3);
	c = json_object_array_get_idx(caps, 2);
	ck_assert_str_eq(get_str(c, "port_type_name"), "Endpoint");
	ck_assert_str_eq(get_str(c, "link_max_speed"), "8GT/s");
	ck_assert_uint_eq(get_u64(c, "link_max_width"), 4);
	c = json_object_array_get_idx(caps, 3);
	ck_assert_uint_eq(get_u64(c, "table_size"), 16);
	ck_assert_uint_eq(get_u64(c, "table_bir"), 3);
	ck_assert_uint_eq(get_u64(c, "pba_offset"), 0x3000);

	ck_assert(get_bool(o, "extended_scanned"));
	ext = get(o, "extended_capabilities");
	ck_assert_uint_eq(json_object_array_length(ext), 3);
	ck_assert_uint_eq(get_u64(json_object_array_get_idx(ext, 1), "offset"), 0x148);
	ck_assert_uint_eq(json_object_array_length(get(o, "problems")), 0);
	json_object_put(o);
}
END_TEST

START_TEST(test_json_of_virtio_caps)
{
	struct pci_region_sizes sz;
	struct json_object *o, *c, *v;

	cfg_virtio_blk(cfg, &sz);
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	o = pci_to_json(&d);
	ck_assert_ptr_nonnull(o);
	c = json_object_array_get_idx(get(o, "capabilities"), 1);
	ck_assert_uint_eq(get_u64(c, "length"), 20);
	v = get(c, "virtio");
	ck_assert_str_eq(get_str(v, "cfg_type_name"), "NOTIFY");
	ck_assert_uint_eq(get_u64(v, "bar"), 4);
	ck_assert_uint_eq(get_u64(v, "offset"), 0x3000);
	ck_assert_uint_eq(get_u64(v, "notify_off_multiplier"), 4);
	c = json_object_array_get_idx(get(o, "capabilities"), 0);
	ck_assert(json_object_is_type(get(get(c, "virtio"), "notify_off_multiplier"),
				      json_type_null));
	ck_assert(json_object_is_type(get(o, "rom"), json_type_null));
	ck_assert(!get_bool(o, "extended_scanned"));
	json_object_put(o);
}
END_TEST

START_TEST(test_json_lists_problems)
{
	struct json_object *o, *p;

	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x40);
	cfg_cap(cfg, 0x40, PCI_CAP_ID_PM, 0x40);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	o = pci_to_json(&d);
	/* no region info: sizes unknown */
	ck_assert(json_object_is_type(get(json_object_array_get_idx(get(o, "bars"), 0),
					  "size"), json_type_null));
	p = get(o, "problems");
	ck_assert_uint_eq(json_object_array_length(p), 1);
	ck_assert_ptr_nonnull(strstr(json_object_get_string(json_object_array_get_idx(p, 0)),
				     "loops back to 0x40"));
	json_object_put(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pci_print");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, test_text_of_full_device);
	tcase_add_test(tc, test_text_of_virtio_and_problems);
	tcase_add_test(tc, test_text_of_truncated_cap_and_no_caps);
	tcase_add_test(tc, test_json_of_full_device);
	tcase_add_test(tc, test_json_of_virtio_caps);
	tcase_add_test(tc, test_json_lists_problems);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
