// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the initramfs tests/vm/stock-kernel builds, so that tests/vm/run
 * can boot a distribution kernel whose virtio, 9p and ext4 drivers are
 * modules.  It loads the modules named in /modules/order (one file name a
 * line, dependencies first), mounts the host's root the way the command
 * line asks (root=TAG rootfstype=9p rootflags=OPTS ro), moves it over / and
 * runs the command line's init= program there, as the test kernel would
 * have without an initramfs.
 *
 * Built static (no shared libraries in the initramfs); it only ever runs
 * as PID 1 in the VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CMDLINE_MAX	4096

static void die(const char *what)
{
	fprintf(stderr, "rdinit: %s: %s\n", what, strerror(errno));
	/* PID 1 exiting panics the kernel: the runner sees the VM stop. */
	exit(1);
}

/* The value of "KEY=" on the command line, copied into @buf, or NULL. */
static const char *param(const char *cmdline, const char *key, char *buf,
			 size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, "\n ");
		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			len -= klen + 1;
			if (len >= size)
				return NULL;
			memcpy(buf, p + klen + 1, len);
			buf[len] = '\0';
			return buf;
		}
		p += len;
		if (*p == '\n')
			break;
	}
	return NULL;
}

static void load_modules(void)
{
	char line[256], path[300];
	FILE *order = fopen("/modules/order", "r");
	int fd;

	if (!order)
		die("/modules/order");
	while (fgets(line, sizeof(line), order)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(path, sizeof(path), "/modules/%s", line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(path);
		/* An optional one (a CPU-specific crc32c) may refuse. */
		if (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)
			fprintf(stderr, "rdinit: %s: %s\n", path,
				strerror(errno));
		close(fd);
	}
	fclose(order);
}

int main(void)
{
	char cmdline[CMDLINE_MAX], root[64], type[32], flags[512], init[512];
	unsigned long mflags = MS_RDONLY;
	ssize_t len;
	int fd, tries;

	if (mount("proc", "/proc", "proc", 0, NULL))
		die("mount /proc");
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		die("/proc/cmdline");
	len = read(fd, cmdline, sizeof(cmdline) - 1);
	if (len < 0)
		die("read /proc/cmdline");
	cmdline[len] = '\0';
	close(fd);
	if (!param(cmdline, "root", root, sizeof(root)) ||
	    !param(cmdline, "init", init, sizeof(init)))
		die("root= and init= are needed");
	if (!param(cmdline, "rootfstype", type, sizeof(type)))
		snprintf(type, sizeof(type), "9p");
	if (!param(cmdline, "rootflags", flags, sizeof(flags)))
		flags[0] = '\0';

	load_modules();

	/* A device may still be probing: try for a few seconds. */
	for (tries = 0;; tries++) {
		if (!mount(root, "/newroot", type, mflags, flags))
			break;
		if (tries == 50)
			die("mount the root file system");
		usleep(100000);
	}
	if (umount("/proc"))
		die("umount /proc");
	if (chdir("/newroot") || mount(".", "/", NULL, MS_MOVE, NULL) ||
	    chroot(".") || chdir("/"))
		die("switch to the root file system");
	execl(init, init, (char *)NULL);
	die(init);
	return 1;
}
