// SPDX-License-Identifier: GPL-2.0
/*
 * ht-abi-write: a 64-bit program that writes DATA to PATH with one write
 * syscall made through another ABI, so that scenarios have victims blocked in
 * a compat syscall without a compat libc:
 *   x32    syscall with __X32_SYSCALL_BIT | 1 (x32 write; needs syscall.x32=y
 *          on Debian, whose kernels build x32 in but disable it by default)
 *   int80  int $0x80 with 4 (the ia32 write) from a 64-bit task
 * The real 32-bit case is ht-write built with -m32 (ht-write32).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_SYSCALL_BIT 0x40000000L

/* int $0x80 takes 32-bit pointers: keep the data below 4 GiB (non-PIE static). */
static char data[256];

static long int80_write(int fd, const char *buf, unsigned int len)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(4L), "b"((long)fd), "c"(buf), "d"((long)len)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(int argc, char **argv)
{
	int argi = 1;
	long n;
	int fd;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		prctl(PR_SET_NAME, argv[2]);
		argi = 3;
	}
	if (argc - argi != 3 || (strcmp(argv[argi], "x32") && strcmp(argv[argi], "int80"))) {
		fprintf(stderr, "usage: ht-abi-write [-n COMM] x32|int80 PATH DATA\n");
		return 2;
	}
	if ((unsigned long)data >> 32) {
		fprintf(stderr, "ht-abi-write: data above 4 GiB; build it static, non-PIE\n");
		return 2;
	}
	strncpy(data, argv[argi + 2], sizeof(data) - 1);
	fd = open(argv[argi + 1], O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "ht-abi-write: open %s: %s\n", argv[argi + 1], strerror(errno));
		return 1;
	}
	if (!strcmp(argv[argi], "x32"))
		n = syscall(X32_SYSCALL_BIT | SYS_write, fd, data, strlen(data));
	else
		n = int80_write(fd, data, strlen(data));
	if (n < 0) {
		fprintf(stderr, "ht-abi-write: %s write %s: %s\n", argv[argi], argv[argi + 1],
			strerror(n == -1 ? errno : (int)-n));
		return 1;
	}
	return close(fd) ? 1 : 0;
}
