# hungtask: top-level build and test entry points. See README.md.
#
#   make [KVER=6.1|6.12 | KDIR=DIR]   hungtask.ko + build/hungtaskd
#   make deps                          install what build and tests need (apt-get)
#   make scenario S=DIR KVER=.. OUT=F  run a scenario in a VM, write the report
#                                      (S="DIR1 DIR2 ..": one boot for a group)
#   make check                         unit tests, then VM tests on 6.1 and 6.12
#   make check-unit | check-vm KVER=.. the two halves
#   make selftest KVER=..              netlink kselftests in a VM (TAP)
#   make demo                          the seed look-alike on 6.1, explained

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
KLIB := . $(TOP)/tools/kernel/lib.sh;

# Kernel to build for: KVER picks a Debian series; KDIR overrides; default is
# the running kernel's build dir when it exists, else 6.1.
RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(KVER),)
KDIR := $(shell $(KLIB) kernel_kdir $(KVER))
else ifeq ($(KDIR),)
KDIR := $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(shell $(KLIB) kernel_kdir 6.1 2>/dev/null))
endif
KREL := $(patsubst linux-headers-%,%,$(notdir $(patsubst %/build,%,$(realpath $(KDIR)))))
ifneq ($(filter /lib/modules/%,$(KDIR)),)
KREL := $(notdir $(patsubst %/build,%,$(KDIR)))
endif
KMOD_DIR := $(BUILD)/kmod/$(KREL)

MODULE_SRC := Kbuild $(wildcard module/*.c module/*.h proto/*.h) proto/hungtask.yaml
PROGS := $(patsubst tests/progs/%.c,$(BUILD)/progs/%,$(wildcard tests/progs/*.c))
# 32-bit builds of some programs, for victims in ia32 syscalls (gcc-multilib).
PROGS32 := $(BUILD)/progs/ht-write32

.PHONY: all module daemon hungtaskd progs deps scenario selftest ynl-check check check-unit check-vm demo clean

all: module daemon

module: $(KMOD_DIR)/hungtask.ko

# Each kernel gets its own copy of the sources: Kbuild writes objects next to
# them, and two kernels must not share objects.
$(KMOD_DIR)/hungtask.ko: $(MODULE_SRC)
	@[ -n "$(KDIR)" ] && [ -f "$(KDIR)/Makefile" ] || { echo "no kernel headers at '$(KDIR)'; run 'make deps' or pass KVER=6.1|6.12"; exit 2; }
	@tools/proto/gen check
	@mkdir -p $(KMOD_DIR)
	@rm -rf $(KMOD_DIR)/module $(KMOD_DIR)/proto
	@cp --parents $(MODULE_SRC) $(KMOD_DIR)/
	$(MAKE) -C $(KDIR) M=$(KMOD_DIR) modules

daemon:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j2

progs: $(PROGS) $(PROGS32)

# Only what a VM test needs of the daemon build (tests/check vm): not the unit tests.
hungtaskd:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j2 --target hungtaskd

$(BUILD)/progs/%32: tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -static -O2 -Wall -Wextra -Werror -pthread -o $@ $<

$(BUILD)/progs/%: tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -Wall -Wextra -Werror -pthread -o $@ $<

deps:
	@tools/deps

scenario: module hungtaskd progs
	@[ -n "$(S)" ] && [ -n "$(OUT)" ] || { echo "usage: make scenario S=DIR KVER=6.1|6.12 OUT=FILE"; exit 2; }
	@tools/vm/scenario $(foreach d,$(S),-s "$(d)") -k "$(or $(KVER),6.1)" -o "$(OUT)"

# The netlink selftests (kselftest harness) in a VM; prints TAP and "# Totals:".
selftest:
	@tools/selftest $(or $(KVER),6.1)

# The kernel's own YNL CLI subscribes to "events" with proto/hungtask.yaml, in a VM.
ynl-check:
	@tools/ynl-check $(or $(KVER),6.1)

check-unit: daemon
	@tests/check unit

check-vm:
	@tests/check vm $(or $(KVER),6.1)

check: deps
	@tests/check all

demo: deps
	@tools/demo

clean:
	rm -rf $(BUILD)

# --- Packaging (issue #15): install / uninstall / deb.  See README "Packaging".
#   make install [DESTDIR=DIR] [PREFIX=/usr]   daemon, unit, snippets, man pages, DKMS tree
#   make uninstall [DESTDIR=DIR] [PREFIX=/usr] removes what install put there
# The version has one source: the daemon's --version.
VERSION := $(shell sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' daemon/src/cli/args.hpp)
PREFIX ?= /usr
DESTDIR ?=
DKMS_SRCDIR ?= /usr/src/hungtask-$(VERSION)
UNITDIR ?= $(PREFIX)/lib/systemd/system
PKG_DKMS_SRC := Kbuild $(wildcard module/*.c module/*.h) proto/hungtask.h
PKG_FILES = \
	$(PREFIX)/sbin/hungtaskd \
	$(UNITDIR)/hungtaskd.service \
	$(PREFIX)/lib/sysctl.d/60-hungtask.conf \
	$(PREFIX)/lib/modules-load.d/hungtask.conf \
	$(PREFIX)/lib/modprobe.d/hungtask.conf \
	$(PREFIX)/lib/systemd/catalog/hungtaskd.catalog \
	$(PREFIX)/share/man/man8/hungtaskd.8 \
	$(PREFIX)/share/man/man4/hungtask.4 \
	$(PREFIX)/share/bash-completion/completions/hungtaskd
PKG_DIRS = $(DKMS_SRCDIR)
PKG_FILES += $(DKMS_SRCDIR)/dkms.conf

.PHONY: install install-dkms install-kmod-conf uninstall

# The daemon is built by the `daemon` target (or BUILD=DIR with a build elsewhere).
install: install-dkms install-kmod-conf
	@[ -x $(BUILD)/hungtaskd ] || { echo "no $(BUILD)/hungtaskd: run 'make daemon' first"; exit 2; }
	install -D -m 0755 $(BUILD)/hungtaskd $(DESTDIR)$(PREFIX)/sbin/hungtaskd
	sed 's|/usr/sbin/hungtaskd|$(PREFIX)/sbin/hungtaskd|' packaging/systemd/hungtaskd.service >$(BUILD)/hungtaskd.service
	install -D -m 0644 $(BUILD)/hungtaskd.service $(DESTDIR)$(UNITDIR)/hungtaskd.service
	install -D -m 0644 packaging/sysctl/60-hungtask.conf $(DESTDIR)$(PREFIX)/lib/sysctl.d/60-hungtask.conf
	install -D -m 0644 packaging/catalog/hungtaskd.catalog $(DESTDIR)$(PREFIX)/lib/systemd/catalog/hungtaskd.catalog
	install -D -m 0644 packaging/man/hungtaskd.8 $(DESTDIR)$(PREFIX)/share/man/man8/hungtaskd.8
	install -D -m 0644 packaging/man/hungtask.4 $(DESTDIR)$(PREFIX)/share/man/man4/hungtask.4
	install -D -m 0644 packaging/bash-completion/hungtaskd $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hungtaskd

# With the module (the hungtask-dkms package): load at boot, options.
install-kmod-conf:
	install -D -m 0644 packaging/modules-load.d/hungtask.conf $(DESTDIR)$(PREFIX)/lib/modules-load.d/hungtask.conf
	install -D -m 0644 packaging/modprobe.d/hungtask.conf $(DESTDIR)$(PREFIX)/lib/modprobe.d/hungtask.conf

# The module's source tree, standalone: Kbuild finds proto/hungtask.h through
# -I$(src)/proto, so the header is copied next to module/.
install-dkms:
	@[ -n "$(VERSION)" ] || { echo "cannot read the version from daemon/src/cli/args.hpp"; exit 2; }
	install -d $(DESTDIR)$(DKMS_SRCDIR)/module $(DESTDIR)$(DKMS_SRCDIR)/proto
	for f in $(PKG_DKMS_SRC); do install -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f || exit 1; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' packaging/dkms/dkms.conf >$(DESTDIR)$(DKMS_SRCDIR)/dkms.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(PKG_FILES))
	rm -rf $(addprefix $(DESTDIR),$(PKG_DIRS))

# Debian packages (debhelper + dh-dkms) from a clean copy of the tracked tree, built in
# build/deb/; then lintian on them (output in build/deb/lintian.txt).  DEB_FLAGS=-A
# builds only hungtask-dkms (nothing compiled, under a minute).
DEB_FLAGS ?= -b
.PHONY: deb
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/hungtask-$(VERSION)
	git ls-files -z | xargs -0 tar -cf - | tar -xf - -C $(BUILD)/deb/hungtask-$(VERSION)
	cd $(BUILD)/deb/hungtask-$(VERSION) && dpkg-buildpackage -us -uc $(DEB_FLAGS) -j2 >../build.log 2>&1 || { tail -n 30 ../build.log; exit 1; }
	lintian --info $(BUILD)/deb/*.changes | tee $(BUILD)/deb/lintian.txt
	@ls $(BUILD)/deb/*.deb
