// SPDX-License-Identifier: GPL-2.0-only
/*
 * A decoded config space as `lspci -vv` would show it, and as JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <json-c/json.h>
#include <linux/pci_regs.h>

#include "tools/vfio-user-info/pci_print.h"
#include "tools/vfio-user-info/json_util.h"

/* lspci's "+"/"-" after a flag name. */
static char pm(bool b)
{
	return b ? '+' : '-';
}

/* A size as lspci writes it: 4K, 16M, 2G, or bytes. */
static const char *size_str(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	unsigned int u = 0;

	if (!v) {
		snprintf(buf, len, "0");
		return buf;
	}
	while (u < sizeof(units) - 1 && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u)
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u - 1]);
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static void print_size(FILE *f, bool known, uint64_t size)
{
	char buf[32];

	if (known)
		fprintf(f, " [size=%s]", size_str(size, buf, sizeof(buf)));
	else
		fprintf(f, " [size unknown: no region info]");
}

static void print_bar(FILE *f, const char *pad, unsigned int i,
		      const struct pci_bar *b)
{
	switch (b->kind) {
	case PCI_BAR_UNUSED:
		fprintf(f, "%sRegion %u: unused\n", pad, i);
		return;
	case PCI_BAR_UPPER:
		fprintf(f, "%sRegion %u: upper half of 64-bit Region %u\n",
			pad, i, i - 1);
		return;
	case PCI_BAR_IO:
		fprintf(f, "%sRegion %u: I/O ports at %04" PRIx64, pad, i,
			b->address);
		break;
	case PCI_BAR_MEM:
		fprintf(f, "%sRegion %u: Memory at %0*" PRIx64 " (%s-bit, %sprefetchable)",
			pad, i, b->bits == 64 ? 16 : 8, b->address,
			b->below_1m ? "low-1M" : b->bits == 64 ? "64" : "32",
			b->prefetchable ? "" : "non-");
		break;
	}
	if (!b->address)
		fprintf(f, " [unassigned]");
	print_size(f, b->size_known, b->size);
	fputc('\n', f);
}

static void print_pm(FILE *f, const char *pad, const struct pci_cap_pm *p)
{
	static const char *const states[] = { "D0", "D1", "D2", "D3hot" };

	fprintf(f, "%s        Flags: PMEClk%c DSI%c D1%c D2%c AuxCurrent=%umA PME(D0%c,D1%c,D2%c,D3hot%c,D3cold%c)\n",
		pad, pm(p->pme_clock), pm(p->dsi), pm(p->d1), pm(p->d2),
		p->aux_current_ma, pm(p->pme_support & 1),
		pm(p->pme_support & 2), pm(p->pme_support & 4),
		pm(p->pme_support & 8), pm(p->pme_support & 16));
	fprintf(f, "%s        Status: %s NoSoftRst%c PME-Enable%c DSel=%u DScale=%u PME%c\n",
		pad, states[p->power_state & 3], pm(p->no_soft_reset),
		pm(p->pme_enable), (p->pmcsr & PCI_PM_CTRL_DATA_SEL_MASK) >> 9,
		(p->pmcsr & PCI_PM_CTRL_DATA_SCALE_MASK) >> 13,
		pm(p->pme_status));
}

static void print_msi(FILE *f, const char *pad, const struct pci_cap_msi *m)
{
	fprintf(f, "%s        Address: %0*" PRIx64 "  Data: %04x\n", pad,
		m->is64 ? 16 : 8, m->address, m->data);
	if (m->maskable)
		fprintf(f, "%s        Masking: %08x  Pending: %08x\n", pad, m->mask,
			m->pending);
}

static void print_msix(FILE *f, const char *pad, const struct pci_cap_msix *x)
{
	fprintf(f, "%s        Vector table: BAR=%u offset=%08x\n", pad, x->table_bir,
		x->table_offset);
	fprintf(f, "%s        PBA: BAR=%u offset=%08x\n", pad, x->pba_bir,
		x->pba_offset);
}

static void print_exp(FILE *f, const char *pad, const struct pci_cap_exp *e)
{
	fprintf(f, "%s        DevCap: MaxPayload %u bytes, PhantFunc %u, ExtTag%c FLReset%c\n",
		pad, e->max_payload, e->phantom, pm(e->ext_tag), pm(e->flr));
	fprintf(f, "%s        DevCtl: MaxPayload %u bytes, MaxReadReq %u bytes\n",
		pad, e->ctl_max_payload, e->ctl_max_read_req);
	if (!e->has_link)
		return;
	fprintf(f, "%s        LnkCap: Port #%u, Speed %s, Width x%u, ASPM %s\n", pad,
		e->port_number, pci_link_speed_name(e->link_max_speed),
		e->link_max_width,
		(const char *const[]){ "not supported", "L0s", "L1",
				       "L0s L1" }[e->aspm & 3]);
	fprintf(f, "%s        LnkSta: Speed %s, Width x%u\n", pad,
		pci_link_speed_name(e->link_speed), e->link_width);
}

static void print_cap(FILE *f, const char *pad, const struct pci_cap *c)
{
	fprintf(f, "%s  [%02x] ", pad, c->offset);
	if (c->truncated) {
		fprintf(f, "%s (id 0x%02x): cut off by the end of config space\n",
			pci_cap_name(c->id), c->id);
		return;
	}
	switch (c->id) {
	case PCI_CAP_ID_PM:
		fprintf(f, "Power Management version %u\n", c->u.pm.version);
		print_pm(f, pad, &c->u.pm);
		break;
	case PCI_CAP_ID_MSI:
		fprintf(f, "MSI: Enable%c Count=%u/%u Maskable%c 64bit%c\n",
			pm(c->u.msi.enable), 1u << c->u.msi.mme,
			1u << c->u.msi.mmc, pm(c->u.msi.maskable),
			pm(c->u.msi.is64));
		print_msi(f, pad, &c->u.msi);
		break;
	case PCI_CAP_ID_MSIX:
		fprintf(f, "MSI-X: Enable%c Count=%u Masked%c\n",
			pm(c->u.msix.enable), c->u.msix.table_size,
			pm(c->u.msix.function_mask));
		print_msix(f, pad, &c->u.msix);
		break;
	case PCI_CAP_ID_EXP:
		fprintf(f, "Express (v%u) %s, MSI %02x\n", c->u.exp.version,
			pci_exp_type_name(c->u.exp.port_type),
			c->u.exp.irq_msg);
		print_exp(f, pad, &c->u.exp);
		break;
	case PCI_CAP_ID_VNDR:
		fprintf(f, "Vendor Specific Information: Len=%02x", c->u.vndr.len);
		if (c->u.vndr.virtio) {
			fprintf(f, " <virtio: %s BAR=%u offset=%08" PRIx64 " size=%08" PRIx64,
				pci_virtio_cfg_type_name(c->u.vndr.cfg_type),
				c->u.vndr.bar, c->u.vndr.offset,
				c->u.vndr.length);
			if (c->u.vndr.has_multiplier)
				fprintf(f, " multiplier=%08x",
					c->u.vndr.notify_off_multiplier);
			fputc('>', f);
		}
		fputc('\n', f);
		break;
	default:
		fprintf(f, "%s (id 0x%02x)\n", pci_cap_name(c->id), c->id);
		break;
	}
}

int pci_print_text(FILE *f, const struct pci_desc *d, unsigned int indent)
{
	char pad[64];
	const char *vn = pci_vendor_name(d->vendor);
	const char *dn = pci_device_name(d->vendor, d->device);
	unsigned int i;

	if (indent >= sizeof(pad))
		indent = sizeof(pad) - 1;
	snprintf(pad, sizeof(pad), "%*s", (int)indent, "");

	fprintf(f, "%sVendor %04x%s%s%s  Device %04x%s%s%s\n", pad, d->vendor,
		vn ? " (" : "", vn ? vn : "", vn ? ")" : "", d->device,
		dn ? " (" : "", dn ? dn : "", dn ? ")" : "");
	if (d->has_subsystem)
		fprintf(f, "%sSubsystem: %04x:%04x\n", pad, d->subsys_vendor,
			d->subsys_device);
	fprintf(f, "%sClass %02x%02x: %s (prog-if %02x), rev %02x\n", pad,
		d->base_class, d->subclass,
		pci_class_name(d->base_class, d->subclass), d->prog_if,
		d->revision);
	fprintf(f, "%sHeader type %02x (%s)%s\n", pad, d->header_type,
		d->header_type == 0 ? "normal" : d->header_type == 1 ?
		"PCI bridge" : d->header_type == 2 ? "CardBus bridge" :
		"undefined", d->multifunction ? ", multi-function" : "");
	fprintf(f, "%sControl: I/O%c Mem%c BusMaster%c SpecCycle%c MemWINV%c VGASnoop%c ParErr%c Stepping%c SERR%c FastB2B%c DisINTx%c\n",
		pad, pm(d->command & PCI_COMMAND_IO),
		pm(d->command & PCI_COMMAND_MEMORY),
		pm(d->command & PCI_COMMAND_MASTER),
		pm(d->command & PCI_COMMAND_SPECIAL),
		pm(d->command & PCI_COMMAND_INVALIDATE),
		pm(d->command & PCI_COMMAND_VGA_PALETTE),
		pm(d->command & PCI_COMMAND_PARITY),
		pm(d->command & PCI_COMMAND_WAIT),
		pm(d->command & PCI_COMMAND_SERR),
		pm(d->command & PCI_COMMAND_FAST_BACK),
		pm(d->command & PCI_COMMAND_INTX_DISABLE));
	fprintf(f, "%sStatus: Cap%c 66MHz%c UDF%c FastB2B%c ParErr%c DEVSEL=%s >TAbort%c <TAbort%c <MAbort%c >SERR%c <PERR%c INTx%c\n",
		pad, pm(d->status & PCI_STATUS_CAP_LIST),
		pm(d->status & PCI_STATUS_66MHZ),
		pm(d->status & PCI_STATUS_UDF),
		pm(d->status & PCI_STATUS_FAST_BACK),
		pm(d->status & PCI_STATUS_PARITY),
		(const char *const[]){ "fast", "medium", "slow", "??" }
			[(d->status & PCI_STATUS_DEVSEL_MASK) >> 9],
		pm(d->status & PCI_STATUS_SIG_TARGET_ABORT),
		pm(d->status & PCI_STATUS_REC_TARGET_ABORT),
		pm(d->status & PCI_STATUS_REC_MASTER_ABORT),
		pm(d->status & PCI_STATUS_SIG_SYSTEM_ERROR),
		pm(d->status & PCI_STATUS_DETECTED_PARITY),
		pm(d->status & PCI_STATUS_INTERRUPT));
	if (d->int_pin == 0)
		fprintf(f, "%sInterrupt: none\n", pad);
	else if (d->int_pin <= 4)
		fprintf(f, "%sInterrupt: pin %c routed to IRQ %u\n", pad,
			'A' + d->int_pin - 1, d->int_line);
	else
		fprintf(f, "%sInterrupt: pin %u (invalid), line %u\n", pad,
			d->int_pin, d->int_line);

	for (i = 0; i < d->nr_bars; i++)
		print_bar(f, pad, i, &d->bars[i]);
	if (d->has_rom) {
		if (d->rom.present) {
			fprintf(f, "%sExpansion ROM at %08x [%s]", pad,
				d->rom.address,
				d->rom.enabled ? "enabled" : "disabled");
			print_size(f, d->rom.size_known, d->rom.size);
			fputc('\n', f);
		} else {
			fprintf(f, "%sExpansion ROM: none\n", pad);
		}
	}

	if (!d->caps_listed)
		fprintf(f, "%sCapabilities: none (Status has no Cap bit)\n", pad);
	else if (!d->nr_caps)
		fprintf(f, "%sCapabilities: none (pointer %02x)\n", pad,
			d->cap_ptr);
	else
		fprintf(f, "%sCapabilities:\n", pad);
	for (i = 0; i < d->nr_caps; i++)
		print_cap(f, pad, &d->caps[i]);

	if (d->ext_scanned) {
		if (!d->nr_ext_caps)
			fprintf(f, "%sExtended capabilities: none\n", pad);
		else
			fprintf(f, "%sExtended capabilities:\n", pad);
		for (i = 0; i < d->nr_ext_caps; i++) {
			const struct pci_ext_cap *e = &d->ext_caps[i];

			fprintf(f, "%s  [%03x] %s (id 0x%04x) v%u\n", pad,
				e->offset, pci_ext_cap_name(e->id), e->id,
				e->version);
		}
	}
	for (i = 0; i < d->nr_problems; i++)
		fprintf(f, "%sProblem: %s\n", pad, d->problems[i]);
	if (d->problems_dropped)
		fprintf(f, "%sProblem: more problems than shown\n", pad);
	return ferror(f) ? -EIO : 0;
}

static struct json_object *done(struct json_object *o, int bad)
{
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *bar_json(unsigned int i, const struct pci_bar *b)
{
	static const char *const kinds[] = {
		[PCI_BAR_UNUSED] = "unused", [PCI_BAR_IO] = "io",
		[PCI_BAR_MEM] = "memory", [PCI_BAR_UPPER] = "upper",
	};
	struct json_object *o = json_object_new_object();
	bool used = b->kind == PCI_BAR_IO || b->kind == PCI_BAR_MEM;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "index", i);
	bad |= ju_str(o, "kind", kinds[b->kind]);
	bad |= ju_u64(o, "register", b->reg);
	if (used) {
		bad |= ju_u64(o, "address", b->address);
		bad |= ju_u64(o, "bits", b->bits);
	} else {
		bad |= ju_null(o, "address");
		bad |= ju_null(o, "bits");
	}
	bad |= ju_bool(o, "prefetchable", b->prefetchable);
	bad |= ju_bool(o, "below_1m", b->below_1m);
	if (b->size_known)
		bad |= ju_u64(o, "size", b->size);
	else
		bad |= ju_null(o, "size");
	return done(o, bad);
}

static int pm_json(struct json_object *o, const struct pci_cap_pm *p)
{
	static const char *const states[] = { "D0", "D1", "D2", "D3hot" };
	int bad = 0;

	bad |= ju_u64(o, "version", p->version);
	bad |= ju_bool(o, "d1", p->d1);
	bad |= ju_bool(o, "d2", p->d2);
	bad |= ju_u64(o, "pme_support", p->pme_support);
	bad |= ju_u64(o, "aux_current_ma", p->aux_current_ma);
	bad |= ju_u64(o, "pmcsr", p->pmcsr);
	bad |= ju_str(o, "power_state", states[p->power_state & 3]);
	bad |= ju_bool(o, "no_soft_reset", p->no_soft_reset);
	bad |= ju_bool(o, "pme_enable", p->pme_enable);
	bad |= ju_bool(o, "pme_status", p->pme_status);
	return bad;
}

static int msi_json(struct json_object *o, const struct pci_cap_msi *m)
{
	int bad = 0;

	bad |= ju_bool(o, "enable", m->enable);
	bad |= ju_bool(o, "is64", m->is64);
	bad |= ju_bool(o, "maskable", m->maskable);
	bad |= ju_u64(o, "vectors_capable", 1u << m->mmc);
	bad |= ju_u64(o, "vectors_enabled", 1u << m->mme);
	bad |= ju_u64(o, "address", m->address);
	bad |= ju_u64(o, "data", m->data);
	if (m->maskable) {
		bad |= ju_u64(o, "mask", m->mask);
		bad |= ju_u64(o, "pending", m->pending);
	} else {
		bad |= ju_null(o, "mask");
		bad |= ju_null(o, "pending");
	}
	return bad;
}

static int msix_json(struct json_object *o, const struct pci_cap_msix *x)
{
	int bad = 0;

	bad |= ju_bool(o, "enable", x->enable);
	bad |= ju_bool(o, "function_mask", x->function_mask);
	bad |= ju_u64(o, "table_size", x->table_size);
	bad |= ju_u64(o, "table_bir", x->table_bir);
	bad |= ju_u64(o, "table_offset", x->table_offset);
	bad |= ju_u64(o, "pba_bir", x->pba_bir);
	bad |= ju_u64(o, "pba_offset", x->pba_offset);
	return bad;
}

static int exp_json(struct json_object *o, const struct pci_cap_exp *e)
{
	int bad = 0;

	bad |= ju_u64(o, "version", e->version);
	bad |= ju_u64(o, "port_type", e->port_type);
	bad |= ju_str(o, "port_type_name", pci_exp_type_name(e->port_type));
	bad |= ju_bool(o, "slot", e->slot);
	bad |= ju_u64(o, "irq_msg", e->irq_msg);
	bad |= ju_u64(o, "devcap", e->devcap);
	bad |= ju_u64(o, "max_payload", e->max_payload);
	bad |= ju_u64(o, "phantom_functions", e->phantom);
	bad |= ju_bool(o, "ext_tag", e->ext_tag);
	bad |= ju_bool(o, "flr", e->flr);
	bad |= ju_u64(o, "devctl_max_payload", e->ctl_max_payload);
	bad |= ju_u64(o, "devctl_max_read_req", e->ctl_max_read_req);
	bad |= ju_bool(o, "has_link", e->has_link);
	if (e->has_link) {
		bad |= ju_u64(o, "link_port", e->port_number);
		bad |= ju_str(o, "link_max_speed",
			      pci_link_speed_name(e->link_max_speed));
		bad |= ju_u64(o, "link_max_width", e->link_max_width);
		bad |= ju_u64(o, "link_aspm", e->aspm);
		bad |= ju_str(o, "link_speed", pci_link_speed_name(e->link_speed));
		bad |= ju_u64(o, "link_width", e->link_width);
	} else {
		bad |= ju_null(o, "link_port");
		bad |= ju_null(o, "link_max_speed");
		bad |= ju_null(o, "link_max_width");
		bad |= ju_null(o, "link_aspm");
		bad |= ju_null(o, "link_speed");
		bad |= ju_null(o, "link_width");
	}
	return bad;
}

static int vndr_json(struct json_object *o, const struct pci_cap_vndr *vc)
{
	struct json_object *v;
	int bad = 0;

	bad |= ju_u64(o, "length", vc->len);
	if (!vc->virtio)
		return bad | ju_null(o, "virtio");
	v = json_object_new_object();
	if (!v)
		return 1;
	bad |= ju_u64(v, "cfg_type", vc->cfg_type);
	bad |= ju_str(v, "cfg_type_name", pci_virtio_cfg_type_name(vc->cfg_type));
	bad |= ju_u64(v, "bar", vc->bar);
	bad |= ju_u64(v, "id", vc->id);
	bad |= ju_u64(v, "offset", vc->offset);
	bad |= ju_u64(v, "length", vc->length);
	if (vc->has_multiplier)
		bad |= ju_u64(v, "notify_off_multiplier",
			      vc->notify_off_multiplier);
	else
		bad |= ju_null(v, "notify_off_multiplier");
	return bad | ju_obj(o, "virtio", v);
}

static struct json_object *cap_json(const struct pci_cap *c)
{
	struct json_object *o = json_object_new_object();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "offset", c->offset);
	bad |= ju_u64(o, "id", c->id);
	bad |= ju_str(o, "name", pci_cap_name(c->id));
	bad |= ju_u64(o, "next", c->next);
	bad |= ju_bool(o, "truncated", c->truncated);
	if (!c->truncated) {
		switch (c->id) {
		case PCI_CAP_ID_PM:
			bad |= pm_json(o, &c->u.pm);
			break;
		case PCI_CAP_ID_MSI:
			bad |= msi_json(o, &c->u.msi);
			break;
		case PCI_CAP_ID_MSIX:
			bad |= msix_json(o, &c->u.msix);
			break;
		case PCI_CAP_ID_EXP:
			bad |= exp_json(o, &c->u.exp);
			break;
		case PCI_CAP_ID_VNDR:
			bad |= vndr_json(o, &c->u.vndr);
			break;
		}
	}
	return done(o, bad);
}

static struct json_object *ext_cap_json(const struct pci_ext_cap *e)
{
	struct json_object *o = json_object_new_object();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "offset", e->offset);
	bad |= ju_u64(o, "id", e->id);
	bad |= ju_str(o, "name", pci_ext_cap_name(e->id));
	bad |= ju_u64(o, "version", e->version);
	bad |= ju_u64(o, "next", e->next);
	return done(o, bad);
}

static struct json_object *rom_json(const struct pci_rom *r)
{
	struct json_object *o = json_object_new_object();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "address", r->address);
	bad |= ju_bool(o, "enabled", r->enabled);
	if (r->size_known)
		bad |= ju_u64(o, "size", r->size);
	else
		bad |= ju_null(o, "size");
	return done(o, bad);
}

struct json_object *pci_to_json(const struct pci_desc *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;
	unsigned int i;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "size", d->len);
	bad |= ju_u64(o, "vendor_id", d->vendor);
	bad |= ju_str(o, "vendor_name", pci_vendor_name(d->vendor));
	bad |= ju_u64(o, "device_id", d->device);
	bad |= ju_str(o, "device_name", pci_device_name(d->vendor, d->device));
	if (d->has_subsystem) {
		bad |= ju_u64(o, "subsystem_vendor_id", d->subsys_vendor);
		bad |= ju_u64(o, "subsystem_id", d->subsys_device);
	} else {
		bad |= ju_null(o, "subsystem_vendor_id");
		bad |= ju_null(o, "subsystem_id");
	}
	bad |= ju_u64(o, "class_code", (uint32_t)d->base_class << 16 |
		      (uint32_t)d->subclass << 8 | d->prog_if);
	bad |= ju_u64(o, "base_class", d->base_class);
	bad |= ju_u64(o, "subclass", d->subclass);
	bad |= ju_u64(o, "prog_if", d->prog_if);
	bad |= ju_str(o, "class_name", pci_class_name(d->base_class, d->subclass));
	bad |= ju_u64(o, "revision", d->revision);
	bad |= ju_u64(o, "header_type", d->header_type);
	bad |= ju_bool(o, "multifunction", d->multifunction);
	bad |= ju_u64(o, "command", d->command);
	bad |= ju_u64(o, "status", d->status);
	bad |= ju_u64(o, "interrupt_pin", d->int_pin);
	bad |= ju_u64(o, "interrupt_line", d->int_line);

	a = ju_array(o, "bars");
	bad |= !a;
	for (i = 0; a && i < d->nr_bars; i++)
		bad |= ju_append(a, bar_json(i, &d->bars[i]));
	if (d->has_rom && d->rom.present)
		bad |= ju_obj(o, "rom", rom_json(&d->rom));
	else
		bad |= ju_null(o, "rom");

	bad |= ju_bool(o, "capabilities_listed", d->caps_listed);
	bad |= ju_u64(o, "capability_pointer", d->cap_ptr);
	a = ju_array(o, "capabilities");
	bad |= !a;
	for (i = 0; a && i < d->nr_caps; i++)
		bad |= ju_append(a, cap_json(&d->caps[i]));

	bad |= ju_bool(o, "extended_scanned", d->ext_scanned);
	a = ju_array(o, "extended_capabilities");
	bad |= !a;
	for (i = 0; a && i < d->nr_ext_caps; i++)
		bad |= ju_append(a, ext_cap_json(&d->ext_caps[i]));

	a = ju_array(o, "problems");
	bad |= !a;
	for (i = 0; a && i < d->nr_problems; i++)
		bad |= ju_append(a, json_object_new_string(d->problems[i]));
	if (a && d->problems_dropped)
		bad |= ju_append(a, json_object_new_string("more problems than shown"));
	return done(o, bad);
}
