/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated PCIe: create, lock, map and remove the card's BAR and host-memory shm objects. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim.h"

/* A card name becomes part of a file name under /dev/shm: keep it to a safe alphabet. */
static int name_ok(const char *n)
{
	size_t i, len = strlen(n);

	if (len == 0 || len > 64 || n[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		char c = n[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

/* The process holding a write lock on the BAR object, 0 when none (stale or absent). A POSIX
 * record lock is used, not flock, because F_GETLK names the owner's pid for the message, and the
 * kernel drops it when the owner dies however it dies. */
static pid_t bar_owner(const char *bar_shm)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = shm_open(bar_shm, O_RDWR, 0);
	pid_t pid = 0;

	if (fd < 0)
		return 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid > 0 ? fl.l_pid : 1;
	close(fd);
	return pid;
}

static int make(const char *shm, uint64_t size, int *fd_out)
{
	int fd = shm_open(shm, O_RDWR | O_CREAT | O_EXCL, 0600); /* host memory carries keys */

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) != 0) {
		int rc = -errno;

		close(fd);
		shm_unlink(shm);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

int sim_shm_create(struct sim *s)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	pid_t owner;
	int rc, stale = 0;
	void *p;

	s->bar_fd = s->mem_fd = -1;
	if (!name_ok(s->name)) {
		fprintf(stderr, "vrfsec-sim: bad card name '%s' (use letters, digits, '-', '_', '.')\n",
			s->name);
		return -EINVAL;
	}
	snprintf(s->bar_shm, sizeof(s->bar_shm), VRFSEC_SIM_SHM_FMT, s->name, "bar");
	snprintf(s->mem_shm, sizeof(s->mem_shm), VRFSEC_SIM_SHM_FMT, s->name, "mem");
	owner = bar_owner(s->bar_shm);
	if (owner) {
		fprintf(stderr, "vrfsec-sim: card '%s' is run by a live simulator (pid %ld); "
				"/dev/shm%s stays\n", s->name, (long)owner, s->bar_shm);
		return -EBUSY;
	}
	/* Nobody holds the lock: what is left came from a simulator that died without cleaning up. */
	stale += shm_unlink(s->bar_shm) == 0;
	stale += shm_unlink(s->mem_shm) == 0;
	if (stale && !s->quiet)
		fprintf(stderr, "vrfsec-sim: removed stale shared memory of card '%s'\n", s->name);

	rc = make(s->bar_shm, VRFSEC_ABI_BAR_SIZE, &s->bar_fd);
	if (rc == 0) {
		s->bar_made = true;
		/* Lock at once: from here on a second simulator sees this card as live. */
		if (fcntl(s->bar_fd, F_SETLK, &fl) != 0)
			rc = -errno;
	}
	if (rc == 0) {
		rc = make(s->mem_shm, s->mem_size, &s->mem_fd);
		s->mem_made = rc == 0;
	}
	if (rc) {
		fprintf(stderr, "vrfsec-sim: cannot create the shared memory of card '%s': %s\n",
			s->name, strerror(-rc));
		sim_shm_destroy(s);
		return rc;
	}
	p = mmap(NULL, VRFSEC_ABI_BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, s->bar_fd, 0);
	if (p != MAP_FAILED) {
		s->bar = p;
		p = mmap(NULL, s->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			 s->mem_fd, 0);
		if (p != MAP_FAILED)
			s->plat.mem = p;
	}
	if (p == MAP_FAILED) {
		rc = -errno;
		fprintf(stderr, "vrfsec-sim: cannot map the shared memory of card '%s': %s\n",
			s->name, strerror(-rc));
		sim_shm_destroy(s);
		return rc;
	}
	s->plat.mem_size = s->mem_size;
	return 0;
}

void sim_shm_destroy(struct sim *s)
{
	if (s->plat.mem)
		munmap(s->plat.mem, s->mem_size);
	if (s->bar)
		munmap((void *)(uintptr_t)s->bar, VRFSEC_ABI_BAR_SIZE);
	s->plat.mem = NULL;
	s->bar = NULL;
	/* Unlink before the lock goes with the close, so a new simulator never meets our objects
	 * unlocked. */
	if (s->mem_made)
		shm_unlink(s->mem_shm);
	if (s->bar_made)
		shm_unlink(s->bar_shm);
	s->mem_made = s->bar_made = false;
	if (s->mem_fd >= 0)
		close(s->mem_fd);
	if (s->bar_fd >= 0)
		close(s->bar_fd);
	s->mem_fd = s->bar_fd = -1;
}
