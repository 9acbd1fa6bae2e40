# make valgrind: the main mounted suites against the plain daemon under
# valgrind --leak-check=full; any valgrind error (a definite leak
# included) fails the suite through tests/mount/lib.sh.  The daemon reads
# /dev/fuse (-o uring=0): valgrind runs one thread at a time and does not
# let the others run while one waits in io_uring_enter.
VALGRIND_SUITES ?= tests/mount/test-read.sh tests/mount/test-write.sh tests/mount/test-plans.sh

.PHONY: valgrind
valgrind: build/depotfs build/depotctl
	@rc=0; for t in $(VALGRIND_SUITES); do \
	    VALGRIND="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99" \
	    DEPOTFS_OPTS="-o uring=0" DEPOTFS=build/depotfs DEPOTCTL=build/depotctl sh $$t \
	    | tail -n 3 || rc=1; \
	done; exit $$rc
