# SPDX-License-Identifier: GPL-2.0
#
# make            build libscstctl, scstctl and the modules for every kernel
#                 whose headers are installed (or KDIR=/path/to/build)
# make check      install what is missing, build, run unit and VM tests
# make demo       install what is missing, build, show the product in a VM
# make bench      data-path benchmark against LIO, scsi_debug, null_blk
# make fuzz       libFuzzer on the config parser and the CLI, the netlink
#                 fuzzer in the VM on every kernel (FUZZ_TIME=60 s each)
# make soak       configuration churn beside verified I/O in the VM, on every
#                 kernel or KVER= (SOAK_TIME=600 s each)
# make check-debug  the VM suite on a KASAN/lockdep/kmemleak kernel built
#                 from linux-source-6.12 (DEBUG_CASES=GLOB[,GLOB...])
# make install    install library, CLI, headers, man pages (DESTDIR, PREFIX)
# make clean

VERSION := $(shell cat VERSION)
PREFIX ?= /usr/local
DESTDIR ?=
# Warnings are errors unless WERROR=0.
WERROR ?= 1

export VERSION PREFIX DESTDIR WERROR

BUILD := $(CURDIR)/build

ifdef KDIR
# The release the kernel reports (uname -r), which names build/<kver>/ and
# /lib/modules/<kver>/: Debian's headers answer `make kernelrelease` with
# the upstream version instead.
KVERS := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
ifeq ($(KVERS),)
KVERS := $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
endif
KDIR_OF = $(KDIR)
else
KVERS := $(sort $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build))))
KDIR_OF = /lib/modules/$(1)/build
endif

USER_DIRS := libscstctl scstctl

.PHONY: bench fuzz soak check-debug print-kvers all user modules selftest-modules test-bins check unit vm demo install clean deps $(USER_DIRS)

all: user modules test-bins

user: $(USER_DIRS)

$(USER_DIRS):
	@if [ -f $@/Makefile ]; then $(MAKE) -C $@; fi

scstctl: libscstctl

# Each kernel gets its own copy of kmod/ under build/<kver>/, so objects and
# feature probes of one kernel never mix with another's.
modules:
	@if [ -z "$(KVERS)" ]; then echo "no kernel headers found: run tools/deps or give KDIR=" >&2; exit 1; fi
	@set -e; for v in $(KVERS); do \
		kdir="$(if $(KDIR),$(KDIR),/lib/modules/$$v/build)"; \
		out=$(BUILD)/$$v; \
		echo "  MODULES $$v"; \
		mkdir -p $$out; \
		cp VERSION $$out/VERSION; \
		rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.mod*' \
			--exclude='.*.cmd' --exclude='Module.symvers' --exclude=modules.order \
			--exclude='conftest.h' \
			kmod/ $$out/kmod/ ; \
		sh $$out/kmod/conftest.sh $$kdir $$out/kmod; \
		$(MAKE) -C $$kdir M=$$out/kmod $(if $(PARTS),PARTS="$(PARTS)") \
			$(if $(filter 1,$(WERROR)),CONFIG_SCST_WERROR=y) modules; \
	done

# Test-only modules (never installed): tests/vm/selftest.
selftest-modules:
	@set -e; for v in $(KVERS); do \
		out=$(BUILD)/$$v/selftest; mkdir -p $$out; \
		cp tests/vm/selftest/Kbuild tests/vm/selftest/*.c $$out/; \
		$(MAKE) -s -C $(if $(KDIR),$(KDIR),/lib/modules/$$v/build) M=$$out modules; \
	done

# Programs the VM cases run (the VM sees this tree read-only).
test-bins: $(BUILD)/tests/nlfuzz

$(BUILD)/tests/nlfuzz: tests/fuzz/nlfuzz.c kmod/include/uapi/linux/scst.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) \
		-Ikmod/include/uapi -o $@ $<

deps:
	@tools/deps

check: deps
	@tests/check

unit: user
	@$(MAKE) -C tests/unit run

vm: all selftest-modules
	@tests/vm/suite $(KVERS)

# Data-path benchmark against LIO, scsi_debug and null_blk (tests/bench/).
bench: all $(BUILD)/bench/ctlbench
	@tools/deps bench
	@tests/bench/run $(KVERS)

# The control-path benchmark's libscstctl client.
$(BUILD)/bench/ctlbench: tests/bench/ctlbench.c libscstctl
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra $(if $(filter 0,$(WERROR)),,-Werror) \
		-Ilibscstctl -Ikmod/include/uapi -o $@ $< -Llibscstctl -lscstctl \
		$$(pkg-config --libs libnl-genl-3.0) -Wl,-rpath,$(CURDIR)/libscstctl

# libFuzzer on the scst.conf parser and on scstctl's command line, then
# tests/vm/cases/nl-fuzz.sh (the netlink fuzzer) in the VM on every kernel,
# one after the other, each for FUZZ_TIME seconds.
FUZZ_TIME ?= 60

fuzz: deps
	@$(MAKE) --no-print-directory all
	@tools/ynl --prepare
	@$(MAKE) --no-print-directory -C tests/unit fuzz FUZZ_TIME=$(FUZZ_TIME)
	@rc=0; for v in $(KVERS); do \
		echo "  NLFUZZ $$v, $(FUZZ_TIME) s"; \
		tests/vm/run --kernel $$v --timeout $$(( $(FUZZ_TIME) + 420 )) -- \
			env SCST_FUZZ_SECONDS=$(FUZZ_TIME) tests/vm/cases/nl-fuzz.sh || rc=1; \
	done; \
	if [ $$rc = 0 ]; then echo "fuzz: all passed"; else echo "fuzz: FAILED" >&2; fi; \
	exit $$rc

# tests/vm/soak.sh in the VM on each kernel (or KVER=), one after the
# other, each for SOAK_TIME seconds with SOAK_SMP vCPUs: configuration
# churn beside verified I/O, ending with a summary.
SOAK_TIME ?= 600
SOAK_SMP ?= 2

soak: deps
	@$(MAKE) --no-print-directory all
	@rc=0; for v in $(or $(KVER),$(KVERS)); do \
		echo "  SOAK $$v, $(SOAK_TIME) s"; \
		tests/vm/run --kernel $$v --smp $(SOAK_SMP) --timeout $$(( $(SOAK_TIME) + 900 )) -- \
			tests/vm/soak.sh $(SOAK_TIME) || rc=1; \
	done; \
	if [ $$rc = 0 ]; then echo "soak: all passed"; else echo "soak: FAILED" >&2; fi; \
	exit $$rc

# The VM suite on a kernel with KASAN, lockdep, kmemleak and DEBUG_OBJECTS,
# built once from linux-source-6.12 into build/debug/ (tests/debug/);
# DEBUG_CASES=GLOB[,GLOB...] picks cases. Slow: not part of make check.
check-debug: deps
	@tools/deps debug
	@$(MAKE) --no-print-directory all
	@DEBUG_CASES='$(DEBUG_CASES)' tests/debug/check

demo: deps all
	@tests/vm/run --kernel $(lastword $(KVERS)) -- tools/demo

install: user
	@for d in $(USER_DIRS); do [ -f $$d/Makefile ] && $(MAKE) -C $$d install; done; true
	install -D -m 0644 kmod/include/uapi/linux/scst.h $(DESTDIR)$(PREFIX)/include/linux/scst.h

clean:
	rm -rf $(BUILD)
	@for d in $(USER_DIRS) tests/unit; do [ -f $$d/Makefile ] && $(MAKE) -C $$d clean; done; true

print-kvers:
	@echo $(KVERS)

# Packaging: `make deb` and `make rpm` build from a copy of the tree (what
# git would track, plus files not yet added) and leave the packages in
# build/packages/; `make dkms-install [KVER=release...]` registers the
# modules with DKMS and installs them for those kernels (default: every
# kernel with headers).
PKGDIR := $(BUILD)/packages
PKG_RSYNC = rsync -a --delete --delete-excluded --exclude=/.git --exclude=/build \
	--filter=':- .gitignore' ./ $(1)/

.PHONY: deb rpm dkms-install

deb:
	@tools/dkms-build check
	@mkdir -p $(PKGDIR)/deb/scst-$(VERSION)
	$(call PKG_RSYNC,$(PKGDIR)/deb/scst-$(VERSION))
	rm -f $(PKGDIR)/deb/*.deb $(PKGDIR)/deb/*.changes $(PKGDIR)/deb/*.buildinfo $(PKGDIR)/*.deb
	cd $(PKGDIR)/deb/scst-$(VERSION) && dpkg-buildpackage -us -uc -b
	cp $(PKGDIR)/deb/*.deb $(PKGDIR)/
	@ls -1 $(PKGDIR)/*.deb

# Debian's rpm runs brp-compress, a bash script, with /bin/sh: name bash.
rpm:
	@tools/dkms-build check
	@rm -rf $(PKGDIR)/rpm && mkdir -p $(PKGDIR)/rpm/SOURCES $(PKGDIR)/rpm/scst-$(VERSION)
	$(call PKG_RSYNC,$(PKGDIR)/rpm/scst-$(VERSION))
	$(MAKE) -s -C $(PKGDIR)/rpm/scst-$(VERSION) clean >/dev/null
	tar -C $(PKGDIR)/rpm -czf $(PKGDIR)/rpm/SOURCES/scst-$(VERSION).tar.gz scst-$(VERSION)
	rm -f $(PKGDIR)/*.rpm
	rpmbuild -bb --nodeps --define '_topdir $(PKGDIR)/rpm' \
		--define '__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}' \
		--define 'scst_version $(VERSION)' rpm/scst.spec
	mv $(PKGDIR)/rpm/RPMS/*/*.rpm $(PKGDIR)/
	@ls -1 $(PKGDIR)/*.rpm

dkms-install:
	tools/dkms-build install $(or $(KVER),$(KVERS))
