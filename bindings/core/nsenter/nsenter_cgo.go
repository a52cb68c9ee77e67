//go:build linux && cgo

package nsenter

/*
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define NSH_MIN_TASKS 16 // nsenter.MinTasks

// nsh_status_num returns the number after key in /proc/PID/status text
// (base 16 for the capability masks), or -1.
static long long nsh_status_num(const char *text, const char *key, int base) {
	const char *p = strstr(text, key);
	if (p == NULL)
		return -1;
	return strtoll(p + strlen(key), NULL, base);
}

static int nsh_read_status(const char *pid, char *buf, size_t size) {
	char path[64];
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return -1;
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

// nsh_nproc_exempt: root or CAP_SYS_ADMIN/CAP_SYS_RESOURCE in the initial
// user namespace are not held to RLIMIT_NPROC.
static int nsh_nproc_exempt(void) {
	struct stat st;
	if (stat("/proc/self/ns/user", &st) != 0 || st.st_ino != 0xEFFFFFFDu)
		return 0;
	if (getuid() == 0)
		return 1;
	char buf[4096];
	if (nsh_read_status("self", buf, sizeof buf) != 0)
		return 0;
	long long caps = nsh_status_num(buf, "\nCapEff:", 16);
	return caps > 0 && (caps & ((1LL << 21) | (1LL << 24))) != 0;
}

// nsh_check_nproc refuses to start when the process limit leaves less
// room than the Go runtime needs: it would die creating a thread.
static void nsh_check_nproc(void) {
	struct rlimit rl;
	if (getrlimit(RLIMIT_NPROC, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || nsh_nproc_exempt())
		return;
	// Cheap bound first: all threads on the system (/proc/loadavg's
	// "running/total") cannot be more than the user's.
	FILE *la = fopen("/proc/loadavg", "re");
	long long all = -1;
	if (la != NULL) {
		if (fscanf(la, "%*s %*s %*s %*d/%lld", &all) != 1)
			all = -1;
		fclose(la);
	}
	if (all >= 0 && (long long)rl.rlim_cur - all >= NSH_MIN_TASKS)
		return;
	DIR *d = opendir("/proc");
	if (d == NULL)
		return;
	char self[32], buf[4096];
	snprintf(self, sizeof self, "%d", (int)getpid());
	long long uid = getuid(), used = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || strcmp(e->d_name, self) == 0)
			continue;
		if (nsh_read_status(e->d_name, buf, sizeof buf) != 0 || nsh_status_num(buf, "\nUid:", 10) != uid)
			continue;
		long long threads = nsh_status_num(buf, "\nThreads:", 10);
		used += threads > 0 ? threads : 1;
	}
	closedir(d);
	long long room = (long long)rl.rlim_cur - used;
	if (room >= NSH_MIN_TASKS)
		return;
	fprintf(stderr, "nsh: cannot run: the process limit (ulimit -u %lld) leaves room for %lld more processes and threads of this user; nsh needs %d\n",
		(long long)rl.rlim_cur, room < 0 ? 0 : room, NSH_MIN_TASKS);
	_exit(1);
}

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
	if (getenv("_NSH_CHILD") == NULL) {
		nsh_check_nproc();
		return;
	}
	const char *spec = getenv("_NSH_NSENTER");
	if (spec == NULL || *spec == '\0')
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

// cMinTasks is the constructor's copy of MinTasks.
func cMinTasks() int { return int(C.NSH_MIN_TASKS) }
