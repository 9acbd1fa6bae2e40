# bench.mk: `make bench`, depotfs against the same tree on tmpfs (issue 6).
#
#   make bench                      25,000 items, 3 rounds (about 5 minutes)
#   make bench ITEMS=100000 ROUNDS=5
#   make bench BIG=1                also mount time, peak RSS and random cat
#                                   latency at 200,000 and 2,000,000 items
#   make bench BIG=only             only that scale part
#   make bench DEPOTFS_OPTS="-o sync=normal"   the daemon with more options
#
# scripts/bench prints the figures and exits non-zero when a bound of the
# issue is exceeded.  It mounts a tmpfs and drops caches, so run it as root
# (otherwise it falls back to /dev/shm and says that cold runs are warm).
.PHONY: bench
bench: build/depotfs build/depotctl
	@scripts/enable-uring
	ITEMS='$(ITEMS)' ROUNDS='$(ROUNDS)' BIG='$(BIG)' scripts/bench
