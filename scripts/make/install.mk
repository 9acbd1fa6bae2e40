# install.mk: make install / make uninstall.
#
#   make install [PREFIX=/usr/local] [DESTDIR=staging-dir]
#
# Installs depotfs and depotctl to $(PREFIX)/bin, depotfs(1) and depotctl(8)
# to $(PREFIX)/share/man, the bash completion of depotctl, the example
# systemd unit (lib/systemd/system/depotfs.service), the mount helper
# mount.fuse.depotfs (to $(SBINDIR); mount(8) looks only in /sbin, and is
# not needed when $(BINDIR) is in the default PATH, as /usr/local/bin and
# /usr/bin are: mount.fuse3 then runs depotfs directly), and the example
# scripts to share/doc/depotfs/examples.  DESTDIR stages the whole tree
# (packaging); paths written into installed files never contain it.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
EXAMPLEDIR  ?= $(PREFIX)/share/doc/depotfs/examples
INSTALL     ?= install

INSTALL_EXAMPLES := scripts/examples/stocktake scripts/examples/low-stock-mail \
                    scripts/examples/status-board

.PHONY: install uninstall
install: build/depotfs build/depotctl
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(EXAMPLEDIR)
	$(INSTALL) -m 755 build/depotfs build/depotctl $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 644 fs/depotfs.1 $(DESTDIR)$(MANDIR)/man1/depotfs.1
	$(INSTALL) -m 644 core/depotctl.8 $(DESTDIR)$(MANDIR)/man8/depotctl.8
	$(INSTALL) -m 644 scripts/completion/depotctl.bash $(DESTDIR)$(BASHCOMPDIR)/depotctl
	sed 's|@BINDIR@|$(BINDIR)|g' scripts/depotfs.service.in > build/depotfs.service
	$(INSTALL) -m 644 build/depotfs.service $(DESTDIR)$(UNITDIR)/depotfs.service
	sed 's|@BINDIR@|$(BINDIR)|g' scripts/mount.fuse.depotfs.in > build/mount.fuse.depotfs
	$(INSTALL) -m 755 build/mount.fuse.depotfs $(DESTDIR)$(SBINDIR)/mount.fuse.depotfs
	$(INSTALL) -m 755 $(INSTALL_EXAMPLES) $(DESTDIR)$(EXAMPLEDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/depotfs $(DESTDIR)$(BINDIR)/depotctl \
		$(DESTDIR)$(SBINDIR)/mount.fuse.depotfs \
		$(DESTDIR)$(MANDIR)/man1/depotfs.1 $(DESTDIR)$(MANDIR)/man8/depotctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/depotctl $(DESTDIR)$(UNITDIR)/depotfs.service \
		$(addprefix $(DESTDIR)$(EXAMPLEDIR)/,$(notdir $(INSTALL_EXAMPLES)))
	-rmdir $(DESTDIR)$(EXAMPLEDIR) 2>/dev/null
