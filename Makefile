# SPDX-License-Identifier: GPL-2.0
#
#   make            build todo.ko (and todo_test.ko where KUnit exists) against
#                   KDIR, and the userspace programs
#   make check      every test: style, both kernels' builds, KUnit and the
#                   end-to-end tests in the VM; ends with "N passed, N failed"
#   make checkpatch checkpatch --strict and kernel-doc over the kernel sources
#   make regen      regenerate the uapi header and module/netlink-gen.c from
#                   the YNL spec Documentation/netlink/specs/todo.yaml
#   make run        boot the VM, load the module and show it working
#   make shell      an interactive shell in the VM with the module loaded
#   make bench      the benchmarks against the targets and Redis, on Debian's
#                   stock 6.1 kernel and on the debug kernel; prints the table
#                   (see Documentation/performance.rst)
#   make loadtest   the book's load test: a million lists, max_servers 1024,
#                   on the stock 6.1 kernel
#   make profile    perf profiles of the benchmark's figures in the VM, stock
#                   6.1 kernel, with the no-op ping and Redis beside them
#   make deps       install the Debian packages all of this needs
#   make install    todoctl, its man page, bash completion and todo.service
#                   (see userspace/Makefile), and the uapi header
#                   <linux/todo.h>, under $(DESTDIR)$(PREFIX); PREFIX
#                   defaults to /usr/local.  CFLAGS, CPPFLAGS and LDFLAGS
#                   from the environment are honoured.
#   make modules_install
#                   install todo.ko for the kernel of KDIR (by default the
#                   running one: its linux-headers package must be there)
#                   under $(DESTDIR)/lib/modules (see also dkms.conf),
#                   rebuilt without the test hooks (TODO_TEST_HOOKS=n)
#
# KDIR defaults to the running kernel's build tree when there is one, else to
# the project's debug test kernel (built and cached on first use).  "run",
# "shell" and "check" always use the test kernel, which is what the VM boots.

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
ifneq ($(wildcard $(RUNNING_KDIR)/Makefile),)
KDIR ?= $(RUNNING_KDIR)
endif

all: modules userspace

# Commands with side effects stay off the lines that hold $(MAKE), which
# "make -n" runs: the test kernel's path goes through .kdir.
modules:
ifeq ($(origin KDIR),undefined)
	tests/install-deps
	tests/vm/build-kernel > .kdir
	$(MAKE) modules KDIR="$$(cat .kdir 2>/dev/null)"
else
	$(if $(strip $(KDIR)),,$(error KDIR is empty: give KDIR=<a kernel build \
		tree>, or leave KDIR unset to use the test kernel (under \
		make -n, tests/vm/build-kernel does not run, so its path is \
		unknown)))
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules
endif

userspace:
	$(if $(wildcard userspace/Makefile),$(MAKE) -C userspace)

PREFIX ?= /usr/local
INCLUDEDIR ?= $(PREFIX)/include

install: userspace
	$(MAKE) -C userspace install
	install -D -m 0644 module/uapi/linux/todo.h \
		$(DESTDIR)$(INCLUDEDIR)/linux/todo.h

modules_install: modules
ifeq ($(origin KDIR),undefined)
	$(error modules_install: no build tree for the running kernel \
		($(RUNNING_KDIR)); install linux-headers-$(shell uname -r) \
		or give KDIR=<the kernel build tree>)
else
	$(if $(strip $(KDIR)),,$(error KDIR is empty: give KDIR=<a kernel \
		build tree>))
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 TODO_TEST_HOOKS=n modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) TODO_TEST_HOOKS=n \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
endif

check:
	tests/check

checkpatch: deps
	tests/lint

# Rewrite the files generated from Documentation/netlink/specs/todo.yaml
# (the uapi header and module/netlink-gen.c) with the test kernel's
# ynl-gen-c.py; make check fails while they differ.
regen: deps
	tests/ynl-regen --write

# The VM runs the test kernel, so these build against it whatever KDIR is.
vm-build: deps
	tests/vm/build-kernel > .kdir
	$(MAKE) modules KDIR="$$(cat .kdir 2>/dev/null)"
	$(MAKE) userspace

run: vm-build
	tests/vm/run --script tests/demo.sh

shell: vm-build
	tests/vm/run --shell

# Both build what they need themselves, the stock 6.1 module included.
bench: deps
	tests/bench/bench

loadtest: deps
	tests/bench/run-loadtest

profile: deps
	tests/bench/profile

deps:
	tests/install-deps

clean:
	rm -rf *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order .kdir \
		.module-common.o \
		.tmp_versions module/*.o module/.*.cmd tests/kunit/*.o \
		tests/kunit/.*.cmd
	$(if $(wildcard userspace/Makefile),$(MAKE) -C userspace clean)
	rm -rf debian/.debhelper debian/todo-dkms debian/todoctl debian/tmp \
		debian/files debian/*.substvars debian/*.debhelper \
		debian/*.debhelper.log debian/debhelper-build-stamp

.PHONY: all modules userspace install modules_install check checkpatch regen \
	vm-build run shell bench loadtest profile deps clean
