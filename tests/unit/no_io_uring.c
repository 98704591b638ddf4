/*
 * test-no-io-uring CMD ARGS...: runs CMD on a machine without io_uring, as
 * a seccomp filter makes one: io_uring_setup() fails with ENOSYS (or the
 * errno NO_IO_URING_ERRNO names: EPERM). tests/zerocopy.bats runs the
 * io_uring demo and zcviz so; the filter goes with the process, nothing
 * of it stays behind.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "test-no-io-uring: add this architecture's AUDIT_ARCH_"
#endif

int main(int argc, char **argv)
{
	const char *name = getenv("NO_IO_URING_ERRNO");
	int err = name && !strcmp(name, "EPERM") ? EPERM : ENOSYS;
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]),
				   .filter = code };

	if (argc < 2) {
		fprintf(stderr, "usage: test-no-io-uring CMD ARGS...\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("test-no-io-uring: seccomp");
		return 3;
	}
	execvp(argv[1], argv + 1);
	perror("test-no-io-uring: exec");
	return 127;
}
