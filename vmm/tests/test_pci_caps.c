// SPDX-License-Identifier: GPL-2.0-only
/* The capability walk over a device's config header, as devices lie. */
#include <check.h>
#include <linux/pci_regs.h>
#include <string.h>

#include "proto/tests/check_main.h"
#include "vmm/pci_caps.h"

static uint8_t hdr[PCI_CONFIG_SIZE];

/* A header whose list is @n entries of (id, next). */
static void list(const uint8_t *entries, unsigned int n, uint8_t first)
{
	unsigned int i;

	memset(hdr, 0, sizeof(hdr));
	hdr[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	hdr[PCI_CAPABILITY_LIST] = first;
	for (i = 0; i < n; i++) {
		hdr[entries[3 * i]] = entries[3 * i + 1];
		hdr[entries[3 * i] + 1] = entries[3 * i + 2];
	}
}

START_TEST(test_finds_msi_msix_pcie_in_a_whole_list)
{
	static const uint8_t e[] = { 0x40, PCI_CAP_ID_PM, 0x50,
				     0x50, PCI_CAP_ID_MSI, 0x70,
				     0x70, PCI_CAP_ID_MSIX, 0x80,
				     0x80, PCI_CAP_ID_EXP, 0x00 };
	struct pci_caps c;
	char why[120];

	list(e, 4, 0x40);
	ck_assert_int_eq(pci_caps_find(hdr, &c, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
	ck_assert_uint_eq(c.msi, 0x50);
	ck_assert_uint_eq(c.msix, 0x70);
	ck_assert_uint_eq(c.pcie, 0x80);
	/* Without the Status bit there is no list at all. */
	hdr[PCI_STATUS] = 0;
	pci_caps_find(hdr, &c, why, sizeof(why));
	ck_assert_uint_eq(c.msi + c.msix + c.pcie, 0);
}
END_TEST

START_TEST(test_a_loop_is_cut_and_said)
{
	static const uint8_t e[] = { 0x40, PCI_CAP_ID_MSI, 0x48,
				     0x48, PCI_CAP_ID_MSIX, 0x40 };
	struct pci_caps c;
	char why[120];

	list(e, 2, 0x40);
	pci_caps_find(hdr, &c, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "loops"));
	ck_assert_uint_eq(c.msi, 0x40);
	ck_assert_uint_eq(c.msix, 0x48);
}
END_TEST

START_TEST(test_a_pointer_outside_the_area_cuts_the_list_there)
{
	static const uint8_t last[] = { 0x40, PCI_CAP_ID_MSI, 0xff,
					0xfc, PCI_CAP_ID_EXP, 0x00 };
	static const uint8_t low[] = { 0x40, PCI_CAP_ID_MSI, 0x3c };
	struct pci_caps c;
	char why[120];

	list(last, 2, 0x40);	/* 0xff & ~3: the last dword, a whole header */
	pci_caps_find(hdr, &c, why, sizeof(why));
	ck_assert_str_eq(why, "");
	ck_assert_uint_eq(c.pcie, 0xfc);
	list(low, 1, 0x40);	/* into the standard header */
	pci_caps_find(hdr, &c, why, sizeof(why));
	ck_assert_ptr_nonnull(strstr(why, "0x3c is outside"));
	list(NULL, 0, 0x10);
	pci_caps_find(hdr, &c, NULL, 0);
	ck_assert_uint_eq(c.msi + c.msix + c.pcie, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pci_caps");
	TCase *tc = tcase_create("walk");

	tcase_add_test(tc, test_finds_msi_msix_pcie_in_a_whole_list);
	tcase_add_test(tc, test_a_loop_is_cut_and_said);
	tcase_add_test(tc, test_a_pointer_outside_the_area_cuts_the_list_there);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
