/* SPDX-License-Identifier: Apache-2.0 */
/* The `pci:` backend: discovery with libpci, BAR 0 and DMA through VFIO (vfio-pci, type-1 IOMMU). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <pci/pci.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drv.h"

#define SYSFS_PCI "/sys/bus/pci/devices"
/* One DMA region, mapped once into the IOMMU and carved by the arena. 4 GiB up is an IOVA every
 * type-1 IOMMU aperture holds and that no 32-bit bug can reach by accident. */
#define PCI_DMA_SIZE (64u << 20)
#define PCI_DMA_IOVA 0x100000000ull

struct pci_be {
	int container, group, device;
	volatile uint8_t *bar;
	size_t bar_map;
	uint8_t *dma;
	bool dma_mapped;
	int irq_index;    /* VFIO IRQ index wired to the notify eventfd, -1 when none */
	struct drv_arena arena;
	char bdf[16];
};

/* ---- discovery with libpci */

/* libpci's error hook must not return and has no context pointer, so the only way to keep it
 * from exiting the program is to never give it a reason: sysfs is checked first and used alone. */
static struct pci_access *pci_open(char *err, size_t errlen)
{
	struct pci_access *pacc;

	if (access(SYSFS_PCI, R_OK) != 0) {
		snprintf(err, errlen, "no PCI bus visible (%s missing)", SYSFS_PCI);
		return NULL;
	}
	pacc = pci_alloc();
	if (!pacc) {
		snprintf(err, errlen, "libpci: out of memory");
		return NULL;
	}
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_init(pacc);
	pci_scan_bus(pacc);
	return pacc;
}

static void bdf_of(const struct pci_dev *d, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", (unsigned)d->domain, d->bus, d->dev, d->func);
}

int drv_pci_scan(void (*fn)(void *arg, const struct vrfsec_probe_entry *e), void *arg,
		 char *err, size_t errlen)
{
	struct pci_access *pacc = pci_open(err, errlen);
	int found = 0;

	if (!pacc)
		return -ENODEV;
	for (struct pci_dev *d = pacc->devices; d; d = d->next) {
		struct vrfsec_probe_entry e = { 0 };
		char bdf[16], names[128];
		const char *drv;

		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_DRIVER);
		bdf_of(d, bdf, sizeof(bdf));
		snprintf(e.spec, sizeof(e.spec), "pci:%s", bdf);
		e.kind = "pci";
		e.vendor = d->vendor_id;
		e.device = d->device_id;
		e.class_code = (uint32_t)d->device_class << 8 | d->prog_if;
		e.is_card = d->vendor_id == VRFSEC_PCI_VENDOR && d->device_id == VRFSEC_PCI_DEVICE;
		drv = pci_get_string_property(d, PCI_FILL_DRIVER);
		snprintf(e.driver, sizeof(e.driver), "%s", drv ? drv : "");
		if (pci_lookup_name(pacc, names, sizeof(names), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
				    d->vendor_id, d->device_id))
			snprintf(e.desc, sizeof(e.desc), "%.*s", (int)sizeof(e.desc) - 1, names);
		found += e.is_card;
		if (fn)
			fn(arg, &e);
	}
	pci_cleanup(pacc);
	return found;
}

struct first_card {
	char bdf[16];
	int scanned;
};

static void take_first(void *arg, const struct vrfsec_probe_entry *e)
{
	struct first_card *f = arg;

	f->scanned++;
	if (e->is_card && !f->bdf[0])
		snprintf(f->bdf, sizeof(f->bdf), "%s", e->spec + 4);
}

/* ---- VFIO */

static uint32_t pci_read32(void *ctx, uint32_t off)
{
	struct pci_be *p = ctx;
	uint32_t v = *(volatile uint32_t *)(p->bar + off);

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return v;
}

static void pci_write32(void *ctx, uint32_t off, uint32_t val)
{
	struct pci_be *p = ctx;

	__atomic_thread_fence(__ATOMIC_RELEASE);
	*(volatile uint32_t *)(p->bar + off) = val;
}

static int pci_dma_alloc(void *ctx, size_t size, size_t align, struct drv_dma *out)
{
	struct pci_be *p = ctx;
	size_t off;
	int rc = drv_arena_alloc(&p->arena, size, align, &off);

	if (rc)
		return rc;
	memset(p->dma + off, 0, size);
	out->va = p->dma + off;
	out->iova = PCI_DMA_IOVA + off;
	out->size = size;
	out->cookie = off;
	return 0;
}

static void pci_dma_free(void *ctx, struct drv_dma *d)
{
	struct pci_be *p = ctx;

	drv_arena_free(&p->arena, (size_t)d->cookie, d->size);
	d->va = NULL;
}

/*
 * The card's interrupt as an eventfd: VFIO wires MSI-X vector 0 (or MSI when the card has no
 * MSI-X) to efd with VFIO_DEVICE_SET_IRQS; the card raises it when it posts to a ring whose
 * ring_regs.irq bit 0 is set. efd -1 tears the trigger down. Written against the VFIO UAPI, not
 * yet run on a card (no FPGA here).
 */
static int pci_notify(void *ctx, int efd, unsigned timeout_ms, char *err, size_t errlen)
{
	struct pci_be *p = ctx;
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	uint8_t buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)(void *)buf;
	int32_t fd = efd;
	uint32_t index = VFIO_PCI_MSIX_IRQ_INDEX;

	(void)timeout_ms;
	if (efd < 0) {
		if (p->irq_index < 0)
			return 0;
		memset(buf, 0, sizeof(buf));
		set->argsz = sizeof(struct vfio_irq_set);
		set->flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
		set->index = (uint32_t)p->irq_index;
		ioctl(p->device, VFIO_DEVICE_SET_IRQS, set);
		p->irq_index = -1;
		return 0;
	}
	info.index = index;
	if (ioctl(p->device, VFIO_DEVICE_GET_IRQ_INFO, &info) != 0 || info.count == 0) {
		index = VFIO_PCI_MSI_IRQ_INDEX;
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		info.index = index;
		if (ioctl(p->device, VFIO_DEVICE_GET_IRQ_INFO, &info) != 0 || info.count == 0) {
			snprintf(err, errlen, "%s has neither MSI-X nor MSI: poll", p->bdf);
			return -ENOTSUP;
		}
	}
	if (!(info.flags & VFIO_IRQ_INFO_EVENTFD)) {
		snprintf(err, errlen, "%s: VFIO cannot signal an eventfd for its interrupt", p->bdf);
		return -ENOTSUP;
	}
	memset(buf, 0, sizeof(buf));
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &fd, sizeof(fd));
	if (ioctl(p->device, VFIO_DEVICE_SET_IRQS, set) != 0) {
		int rc = -errno;

		snprintf(err, errlen, "%s: VFIO_DEVICE_SET_IRQS (%s): %s", p->bdf,
			 index == VFIO_PCI_MSIX_IRQ_INDEX ? "MSI-X" : "MSI", strerror(-rc));
		return rc;
	}
	p->irq_index = (int)index;
	return 0;
}

static void pci_close(void *ctx)
{
	struct pci_be *p = ctx;

	if (p->dma_mapped) {
		struct vfio_iommu_type1_dma_unmap um = { .argsz = sizeof(um), .iova = PCI_DMA_IOVA,
							 .size = PCI_DMA_SIZE };

		ioctl(p->container, VFIO_IOMMU_UNMAP_DMA, &um);
	}
	if (p->dma)
		munmap(p->dma, PCI_DMA_SIZE);
	if (p->bar)
		munmap((void *)(uintptr_t)p->bar, p->bar_map);
	if (p->device >= 0) {
		pci_notify(p, -1, 0, NULL, 0);
		close(p->device);
	}
	if (p->group >= 0)
		close(p->group);
	if (p->container >= 0)
		close(p->container);
	drv_arena_destroy(&p->arena);
	free(p);
}

static const struct drv_backend_ops pci_ops = {
	.name = "pci",
	.read32 = pci_read32,
	.write32 = pci_write32,
	.dma_alloc = pci_dma_alloc,
	.dma_free = pci_dma_free,
	.notify = pci_notify,
	.close = pci_close,
};

/* Last path element of a sysfs link ("vfio-pci", "42"), or "" when there is no link. */
static void link_name(const char *bdf, const char *what, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/%s", bdf, what);
	n = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(out, len, "%.*s", (int)len - 1, slash ? slash + 1 : target);
}

static unsigned sysfs_hex(const char *bdf, const char *file)
{
	char path[PATH_MAX];
	unsigned v = 0;
	FILE *f;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/%s", bdf, file);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%x", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* The device must be ours and handed to vfio-pci before any VFIO call can succeed. */
static int check_device(const char *bdf, char *group, size_t glen, char *err, size_t errlen)
{
	char path[PATH_MAX], drv[64];
	unsigned ven, dev;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s", bdf);
	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "no PCI device %s", bdf);
		return -ENODEV;
	}
	ven = sysfs_hex(bdf, "vendor");
	dev = sysfs_hex(bdf, "device");
	if (ven != VRFSEC_PCI_VENDOR || dev != VRFSEC_PCI_DEVICE) {
		snprintf(err, errlen, "PCI device %s is %04x:%04x, not a vrfsec card (%04x:%04x)",
			 bdf, ven, dev, VRFSEC_PCI_VENDOR, VRFSEC_PCI_DEVICE);
		return -ENODEV;
	}
	link_name(bdf, "driver", drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci") != 0) {
		snprintf(err, errlen, "%s is bound to '%s', not vfio-pci: echo vfio-pci > %s/%s/"
			 "driver_override, unbind it, then echo %s > /sys/bus/pci/drivers_probe", bdf,
			 drv[0] ? drv : "no driver", SYSFS_PCI, bdf, bdf);
		return -EBUSY;
	}
	link_name(bdf, "iommu_group", group, glen);
	if (!group[0]) {
		snprintf(err, errlen, "%s has no IOMMU group: enable the IOMMU (intel_iommu=on / "
			 "amd_iommu=on)", bdf);
		return -ENODEV;
	}
	return 0;
}

static int vfio_fail(char *err, size_t errlen, const char *what, const char *bdf)
{
	int e = errno ? errno : EIO;

	snprintf(err, errlen, "VFIO: %s for %s: %s", what, bdf, strerror(e));
	return -e;
}

static int vfio_setup(struct pci_be *p, const char *group, char *err, size_t errlen)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
	char path[64];
	uint16_t cmd;
	void *va;

	p->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (p->container < 0)
		return vfio_fail(err, errlen, "open /dev/vfio/vfio", p->bdf);
	if (ioctl(p->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(p->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		snprintf(err, errlen, "VFIO: kernel lacks the type-1 v2 IOMMU API");
		return -ENOTSUP;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);
	p->group = open(path, O_RDWR | O_CLOEXEC);
	if (p->group < 0)
		return vfio_fail(err, errlen, path, p->bdf);
	if (ioctl(p->group, VFIO_GROUP_GET_STATUS, &gs) != 0)
		return vfio_fail(err, errlen, "group status", p->bdf);
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(err, errlen, "VFIO group %s is not viable: bind every device in it to "
			 "vfio-pci", group);
		return -EBUSY;
	}
	if (ioctl(p->group, VFIO_GROUP_SET_CONTAINER, &p->container) != 0 ||
	    ioctl(p->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) != 0)
		return vfio_fail(err, errlen, "attach the IOMMU", p->bdf);
	p->device = ioctl(p->group, VFIO_GROUP_GET_DEVICE_FD, p->bdf);
	if (p->device < 0)
		return vfio_fail(err, errlen, "get the device", p->bdf);
	if (ioctl(p->device, VFIO_DEVICE_GET_REGION_INFO, &bar) != 0)
		return vfio_fail(err, errlen, "BAR 0 info", p->bdf);
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < VRFSEC_ABI_BAR_SIZE) {
		snprintf(err, errlen, "%s: BAR 0 (%llu bytes) cannot be mapped", p->bdf,
			 (unsigned long long)bar.size);
		return -ENODEV;
	}
	p->bar_map = bar.size > 0x100000000ull ? 0x100000000ull : (size_t)bar.size;
	va = mmap(NULL, p->bar_map, PROT_READ | PROT_WRITE, MAP_SHARED, p->device,
		  (off_t)bar.offset);
	if (va == MAP_FAILED)
		return vfio_fail(err, errlen, "map BAR 0", p->bdf);
	p->bar = va;
	/* memory space and bus mastering on: the card must be allowed to DMA */
	if (ioctl(p->device, VFIO_DEVICE_GET_REGION_INFO, &cfg) != 0 ||
	    pread(p->device, &cmd, 2, (off_t)cfg.offset + 4) != 2)
		return vfio_fail(err, errlen, "read the PCI command register", p->bdf);
	cmd |= 0x6u;
	if (pwrite(p->device, &cmd, 2, (off_t)cfg.offset + 4) != 2)
		return vfio_fail(err, errlen, "enable bus mastering", p->bdf);
	va = mmap(NULL, PCI_DMA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		  -1, 0);
	if (va == MAP_FAILED)
		return vfio_fail(err, errlen, "allocate DMA memory", p->bdf);
	p->dma = va;
	map.vaddr = (uintptr_t)p->dma;
	map.iova = PCI_DMA_IOVA;
	map.size = PCI_DMA_SIZE;
	map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	if (ioctl(p->container, VFIO_IOMMU_MAP_DMA, &map) != 0)
		return vfio_fail(err, errlen, "map DMA memory into the IOMMU", p->bdf);
	p->dma_mapped = true;
	return drv_arena_init(&p->arena, PCI_DMA_SIZE);
}

int drv_pci_open(const char *arg, struct drv_backend *be, char *err, size_t errlen)
{
	char group[32], bdf[16];
	struct pci_be *p;
	int rc;

	if (strcmp(arg, "auto") == 0) {
		struct first_card f = { .scanned = 0 };

		rc = drv_pci_scan(take_first, &f, err, errlen);
		if (rc < 0)
			return rc;
		if (!f.bdf[0]) {
			snprintf(err, errlen, "no vrfsec card found on the PCI bus (%d devices scanned, "
				 "looking for %04x:%04x)", f.scanned, VRFSEC_PCI_VENDOR,
				 VRFSEC_PCI_DEVICE);
			return -ENODEV;
		}
		snprintf(bdf, sizeof(bdf), "%s", f.bdf);
	} else {
		unsigned dom, bus, dev, fn;
		char extra;

		if (sscanf(arg, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &extra) != 4 ||
		    dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7) {
			snprintf(err, errlen, "bad PCI address '%s' (want DOMAIN:BUS:DEV.FN, e.g. "
				 "0000:03:00.0, or auto)", arg);
			return -EINVAL;
		}
		snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	}
	rc = check_device(bdf, group, sizeof(group), err, errlen);
	if (rc)
		return rc;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->container = p->group = p->device = p->irq_index = -1;
	snprintf(p->bdf, sizeof(p->bdf), "%s", bdf);
	rc = vfio_setup(p, group, err, errlen);
	if (rc) {
		pci_close(p);
		return rc;
	}
	be->ops = &pci_ops;
	be->ctx = p;
	be->bar_size = (uint32_t)(p->bar_map > 0xfffff000u ? 0xfffff000u : p->bar_map);
	return 0;
}
