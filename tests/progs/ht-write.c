// SPDX-License-Identifier: GPL-2.0
/*
 * ht-write: write DATA to PATH with one write(2), optionally under another
 * process name, so that scenario victims have a real syscall and a telling
 * comm. Built static for the busybox guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int argi = 1;
	ssize_t n;
	int fd;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		prctl(PR_SET_NAME, argv[2]);
		argi = 3;
	}
	if (argc - argi != 2) {
		fprintf(stderr, "usage: ht-write [-n COMM] PATH DATA\n");
		return 2;
	}
	fd = open(argv[argi], O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "ht-write: open %s: %s\n", argv[argi], strerror(errno));
		return 1;
	}
	n = write(fd, argv[argi + 1], strlen(argv[argi + 1]));
	if (n < 0) {
		fprintf(stderr, "ht-write: write %s: %s\n", argv[argi], strerror(errno));
		return 1;
	}
	return close(fd) ? 1 : 0;
}
