//go:build linux && cgo

package nsenter

/*
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *nsh_nstype_name(long t) {
	switch (t) {
	case CLONE_NEWUSER: return "user";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWNET: return "net";
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNS: return "mnt";
	case 0x80: return "time";
	}
	return "namespace";
}

static void nsh_fail(int replyfd, const char *op, const char *what, int err) {
	char buf[160];
	int n = snprintf(buf, sizeof buf, "{\"op\":\"%s%s\",\"errno\":%d}\n", op, what, err);
	if (replyfd >= 0 && n > 0)
		(void)!write(replyfd, buf, (size_t)n);
	_exit(126);
}

// nsh_nsenter runs before the Go runtime: the process has one thread.
__attribute__((constructor)) static void nsh_nsenter(void) {
	const char *spec = getenv("_NSH_NSENTER");
	if (spec == NULL || *spec == '\0' || getenv("_NSH_CHILD") == NULL)
		return; // not a child nsh re-executed for this
	char *p;
	int replyfd = (int)strtol(spec, &p, 10);
	long flags = strtol(p, &p, 10);
	int user = 0;
	while (*p == ' ') {
		int fd = (int)strtol(p + 1, &p, 10);
		if (*p != ':')
			nsh_fail(replyfd, "nsenter: malformed ", "request", EINVAL);
		long type = strtol(p + 1, &p, 10);
		if (setns(fd, (int)type) != 0)
			nsh_fail(replyfd, "setns ", nsh_nstype_name(type), errno);
		close(fd);
		if (type == CLONE_NEWUSER)
			user = 1;
	}
	if (user) {
		(void)setgroups(0, NULL); // refused when setgroups is denied: fine
		if (setresgid(0, 0, 0) != 0)
			nsh_fail(replyfd, "setgid 0 in the joined user namespace", "", errno);
		if (setresuid(0, 0, 0) != 0)
			nsh_fail(replyfd, "setuid 0 in the joined user namespace", "", errno);
	}
	if (flags != 0 && unshare((int)flags) != 0)
		nsh_fail(replyfd, "unshare", "", errno);
	unsetenv("_NSH_NSENTER");
}
*/
import "C"

// Linked reports whether the constructor is part of this binary.
func Linked() bool { return true }
