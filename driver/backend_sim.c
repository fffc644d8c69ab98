/* SPDX-License-Identifier: Apache-2.0 */
/* The `sim:` backend: BAR and host memory of a simulated card as two shared-memory objects. */
#include <dirent.h>
#include <endian.h>
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "drv.h"
#include "sim_transport.h"

struct sim_be {
	int bar_fd, mem_fd;
	volatile uint8_t *bar;
	uint32_t bar_size;
	uint8_t *mem;
	size_t mem_size;
	bool locked;      /* we hold the .mem flock: this process drives the card */
	pid_t sim_pid;    /* simulator holding the BAR record lock at open, 0 when unknown */
	int notify_sock;  /* connection that handed the simulator our eventfd, -1 when none */
	struct drv_arena arena;
	char name[72];
};

/* The same alphabet vrfsec-sim accepts: the name becomes part of a path. */
static bool name_ok(const char *n)
{
	size_t len = strlen(n);

	if (len == 0 || len > 64 || n[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = n[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* The simulator holds a POSIX write lock on its BAR object for as long as it lives; the kernel
 * drops it when the process dies, however it dies. */
static pid_t lock_owner(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid > 0 ? fl.l_pid : 1;
}

static uint32_t sim_read32(void *ctx, uint32_t off)
{
	struct sim_be *s = ctx;

	return __atomic_load_n((volatile uint32_t *)(s->bar + off), __ATOMIC_ACQUIRE);
}

static void sim_write32(void *ctx, uint32_t off, uint32_t val)
{
	struct sim_be *s = ctx;

	__atomic_store_n((volatile uint32_t *)(s->bar + off), val, __ATOMIC_RELEASE);
}

/* One driver at a time: each carves the same region from offset 0. flock does not meet the
 * simulator's POSIX record lock, and the kernel drops it with the process. */
static int sim_claim(void *ctx)
{
	struct sim_be *s = ctx;

	if (s->locked)
		return 0;
	if (flock(s->mem_fd, LOCK_EX | LOCK_NB) != 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	s->locked = true;
	return 0;
}

static int sim_dma_alloc(void *ctx, size_t size, size_t align, struct drv_dma *out)
{
	struct sim_be *s = ctx;
	size_t off;
	int rc = sim_claim(s);

	if (rc)
		return rc;
	rc = drv_arena_alloc(&s->arena, size, align, &off);
	if (rc)
		return rc;
	memset(s->mem + off, 0, size);
	out->va = s->mem + off;
	out->iova = VRFSEC_SIM_IOVA_BASE + off;
	out->size = size;
	out->cookie = off;
	return 0;
}

static void sim_dma_free(void *ctx, struct drv_dma *d)
{
	struct sim_be *s = ctx;

	drv_arena_free(&s->arena, (size_t)d->cookie, d->size);
	d->va = NULL;
}

static int sim_alive(void *ctx)
{
	struct sim_be *s = ctx;

	/* faster than the heartbeat when the simulator was killed: its lock is gone at once */
	if (!s->sim_pid)
		return 1;
	return lock_owner(s->bar_fd) == s->sim_pid ? 0 : -ENODEV;
}

/* Hand the eventfd to the simulator over its notify socket; the connection stays open for as
 * long as the simulator should signal it (it drops the eventfd when the connection closes). */
static int sim_notify(void *ctx, int efd, unsigned timeout_ms, char *err, size_t errlen)
{
	struct sim_be *s = ctx;
	struct sockaddr_un ua = { .sun_family = AF_UNIX };
	uint32_t msg[2] = { htole32(VRFSEC_SIM_NOTIFY_MAGIC), htole32(VRFSEC_SIM_NOTIFY_VERSION) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct pollfd pfd;
	struct cmsghdr *c;
	uint8_t answer = 0xff;
	int fd, rc;

	_Static_assert(sizeof(msg) == VRFSEC_SIM_NOTIFY_MSG, "notify message");
	if (s->notify_sock >= 0)
		close(s->notify_sock);
	s->notify_sock = -1;
	if (efd < 0)
		return 0;
	snprintf(ua.sun_path, sizeof(ua.sun_path), VRFSEC_SIM_NOTIFY_FMT, s->name);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "socket: %s", strerror(-rc));
		return rc;
	}
	if (connect(fd, (struct sockaddr *)&ua, sizeof(ua)) != 0) {
		rc = errno;
		close(fd);
		snprintf(err, errlen, "simulated card '%s' takes no eventfd (%s: %s): poll", s->name,
			 ua.sun_path, strerror(rc));
		return rc == ENOENT || rc == ECONNREFUSED ? -ENOTSUP : -rc;
	}
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &efd, sizeof(int));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(msg)) {
		rc = -errno;
		close(fd);
		snprintf(err, errlen, "handing the eventfd to the simulator: %s", strerror(-rc));
		return rc;
	}
	/* The simulator accepts from its loop: one iteration, well under the timeout when alive. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	rc = poll(&pfd, 1, (int)timeout_ms);
	if (rc <= 0 || recv(fd, &answer, 1, 0) != 1 || answer != 0) {
		close(fd);
		snprintf(err, errlen, "simulated card '%s' did not take the eventfd (%s)", s->name,
			 rc == 0 ? "no answer" : answer != 0xff ? "refused" : "connection closed");
		return rc == 0 ? -ETIMEDOUT : -EPROTO;
	}
	s->notify_sock = fd;
	return 0;
}

static void sim_close(void *ctx)
{
	struct sim_be *s = ctx;

	if (s->notify_sock >= 0)
		close(s->notify_sock);
	if (s->mem)
		munmap(s->mem, s->mem_size);
	if (s->bar)
		munmap((void *)(uintptr_t)s->bar, s->bar_size);
	if (s->mem_fd >= 0)
		close(s->mem_fd); /* drops the flock */
	if (s->bar_fd >= 0)
		close(s->bar_fd);
	drv_arena_destroy(&s->arena);
	free(s);
}

static const struct drv_backend_ops sim_ops = {
	.name = "sim",
	.read32 = sim_read32,
	.write32 = sim_write32,
	.dma_alloc = sim_dma_alloc,
	.dma_free = sim_dma_free,
	.claim = sim_claim,
	.alive = sim_alive,
	.notify = sim_notify,
	.close = sim_close,
};

static int shm_map(const char *name, const char *kind, int *fd, void **va, size_t *size,
		   size_t min, char *err, size_t errlen)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), VRFSEC_SIM_SHM_FMT, name, kind);
	*fd = shm_open(path, O_RDWR, 0);
	if (*fd < 0) {
		int e = errno;

		if (e == ENOENT)
			snprintf(err, errlen, "no simulated card '%s' (/dev/shm%s missing): start "
				 "vrfsec-sim --name %s", name, path, name);
		else
			snprintf(err, errlen, "cannot open /dev/shm%s: %s", path, strerror(e));
		return e == ENOENT ? -ENODEV : -e;
	}
	if (fstat(*fd, &st) != 0 || (size_t)st.st_size < min || (uint64_t)st.st_size > (1ull << 40)) {
		snprintf(err, errlen, "/dev/shm%s has the wrong size for a simulated card", path);
		return -ENODEV;
	}
	*size = (size_t)st.st_size;
	*va = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, *fd, 0);
	if (*va == MAP_FAILED) {
		int e = errno;

		*va = NULL;
		snprintf(err, errlen, "cannot map /dev/shm%s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

int drv_sim_open(const char *arg, struct drv_backend *be, char *err, size_t errlen)
{
	struct sim_be *s;
	void *bar = NULL, *mem = NULL;
	size_t bar_size = 0;
	int rc;

	if (!name_ok(arg)) {
		snprintf(err, errlen, "bad simulated card name '%s' (letters, digits, '-', '_', '.')",
			 arg);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->bar_fd = s->mem_fd = s->notify_sock = -1;
	snprintf(s->name, sizeof(s->name), "%s", arg);
	rc = shm_map(arg, "bar", &s->bar_fd, &bar, &bar_size, VRFSEC_ABI_BAR_SIZE, err, errlen);
	if (rc == 0) {
		s->bar = bar;
		s->bar_size = bar_size > 0xffffffffu ? 0xfffff000u : (uint32_t)bar_size;
		rc = shm_map(arg, "mem", &s->mem_fd, &mem, &s->mem_size, 4096, err, errlen);
		s->mem = mem;
	}
	if (rc == 0)
		rc = drv_arena_init(&s->arena, s->mem_size);
	if (rc) {
		sim_close(s);
		return rc;
	}
	/* No owner: stale objects of a dead simulator, or one in this very process (the kernel
	 * never reports a process its own locks). The heartbeat tells those apart. */
	s->sim_pid = lock_owner(s->bar_fd);
	if (s->sim_pid == getpid())
		s->sim_pid = 0;
	be->ops = &sim_ops;
	be->ctx = s;
	be->bar_size = s->bar_size;
	return 0;
}

int drv_sim_scan(void (*fn)(void *arg, const struct vrfsec_probe_entry *e), void *arg)
{
	DIR *d = opendir("/dev/shm");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct vrfsec_probe_entry e = { 0 };
		size_t len = strlen(de->d_name);
		char name[72], path[128];
		pid_t pid;
		int fd;

		if (strncmp(de->d_name, "vrfsec-", 7) != 0 || len < 12 || len - 11 >= sizeof(name) ||
		    strcmp(de->d_name + len - 4, ".bar") != 0)
			continue;
		memcpy(name, de->d_name + 7, len - 11);
		name[len - 11] = '\0';
		snprintf(path, sizeof(path), VRFSEC_SIM_SHM_FMT, name, "bar");
		fd = shm_open(path, O_RDONLY, 0);
		pid = fd >= 0 ? lock_owner(fd) : 0;
		if (fd >= 0)
			close(fd);
		snprintf(e.spec, sizeof(e.spec), "sim:%s", name);
		e.kind = "sim";
		e.is_card = pid != 0;
		if (pid)
			snprintf(e.desc, sizeof(e.desc), "simulated card, vrfsec-sim pid %ld", (long)pid);
		else
			snprintf(e.desc, sizeof(e.desc), "stale shared memory (no simulator runs it)");
		found += e.is_card;
		fn(arg, &e);
	}
	closedir(d);
	return found;
}
