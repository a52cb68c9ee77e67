//go:build linux

package netns

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// Add creates a new network namespace named name, as `ip netns add NAME`
// does, and returns a handle to it (the caller closes it). /run/netns is
// made a shared mount point, bound onto itself if it is not a mount point
// yet, so the name propagates to other mount namespaces and `ip netns`
// sees it; /run/netns/NAME is created exclusively; the namespace is made
// on another thread and bind-mounted on it. The calling thread never
// changes namespace. On failure nothing is left.
//
// A caller in the process's mount namespace (any thread the registry says
// has not moved, osthread rule 14) hands the namespace to the kept worker
// thread, which unshares, binds and goes back (osthread rule 12): no thread
// is made per namespace. A caller that moved, maybe into a mount namespace
// of its own, has the namespace made on a throwaway thread that first
// joins the caller's mount namespace.
func Add(name string) (*nsfs.Handle, error) {
	return add(name, false)
}

// AddFromCaller is Add for a caller whose goroutine holds its OS thread
// locked, as nsh's Lua thread does. When that thread is not the main one
// and has not moved, the namespace is made on it, switch-and-return
// (osthread rule 11): unshare, bind, and back with one setns, with no
// hand-off to another thread. Otherwise it is Add.
func AddFromCaller(name string) (*nsfs.Handle, error) {
	return add(name, !osthread.OnMain() && !osthread.Moved())
}

func add(name string, onCaller bool) (*nsfs.Handle, error) {
	if err := ValidateName(name); err != nil {
		return nil, fail("add", name, err)
	}
	var h *nsfs.Handle
	var err error
	switch {
	case osthread.MovedIn(unix.CLONE_NEWNS):
		h, err = addAway(Path(name))
	case onCaller:
		h, err = addOnCaller(Path(name))
	default:
		h, err = addHere(Path(name))
	}
	if err != nil {
		return nil, fail("add", name, err)
	}
	return h, nil
}

// addOnCaller creates path, then has the calling thread visit a new
// network namespace, bind it there and come back (osthread.Visit); it
// removes path if that fails. A thread that cannot come back stays marked
// moved, and the namespace it made is unbound again.
func addOnCaller(path string) (*nsfs.Handle, error) {
	file, err := createFile(path)
	if err != nil {
		return nil, err
	}
	defer unix.Close(file)
	var h *nsfs.Handle
	err = osthread.Visit(unix.CLONE_NEWNET, func() error {
		if err := unshareNet(); err != nil {
			return step("unshare CLONE_NEWNET", err)
		}
		return nil
	}, func() (err error) {
		h, err = bindSelf(path, file)
		return err
	})
	if err != nil {
		discard(path, h)
		return nil, err
	}
	return h, nil
}

// discard undoes a named namespace whose making failed after path was
// created: h, when not nil, was made and bound, but the thread that made it
// was stranded.
func discard(path string, h *nsfs.Handle) {
	if h != nil {
		h.Close()
		unix.Unmount(path, unix.MNT_DETACH)
	}
	unix.Unlink(path)
}

// worker is the kept thread for this package's network-namespace
// excursions: making named namespaces, and sysctls of other namespaces.
var worker = osthread.NewWorker(unix.CLONE_NEWNET)

// addHere has the worker make the namespace while the calling thread
// creates path, then bind it there through the file's descriptor; it
// removes path if that fails. Both steps cost about as much, and they
// overlap. A namespace made for a name that turns out to exist is dropped
// when the worker goes home.
func addHere(path string) (*nsfs.Handle, error) {
	fileReady := make(chan int, 1)
	var h *nsfs.Handle
	wait := worker.Start(func() error {
		err := unshareNet()
		file := <-fileReady
		switch {
		case err != nil:
			return step("unshare CLONE_NEWNET", err)
		case file < 0:
			return nil
		}
		h, err = bindSelf(path, file)
		return err
	})
	file, err := createFile(path)
	fileReady <- file
	werr := wait()
	if err != nil { // the job bound nothing: it had no file
		return nil, err
	}
	defer unix.Close(file)
	if werr != nil {
		discard(path, h)
		return nil, werr
	}
	return h, nil
}

// addAway makes the namespace on a throwaway thread that takes on the
// mount namespace of the calling thread, which moved and so holds its
// thread locked (osthread rule 2). The namespace is made while the calling
// thread prepares the file: both cost about as much, and they overlap. A
// namespace made for a name that turns out to exist dies with its thread.
func addAway(path string) (*nsfs.Handle, error) {
	var mnt unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/mnt", &mnt); err != nil {
		return nil, step("stat mount namespace", err)
	}
	tid := unix.Gettid()
	fileReady := make(chan int, 1)
	done := make(chan added, 1)
	startThrowaway(func() { done <- makeAndBind(tid, mnt, path, fileReady) })
	file, err := createFile(path)
	fileReady <- file
	r := <-done
	if file >= 0 {
		unix.Close(file)
	}
	if err == nil && r.err != nil {
		unix.Unlink(path)
		err = r.err
	}
	if err != nil {
		return nil, err
	}
	return r.h, nil
}

// createFile prepares /run/netns and creates path exclusively, returning
// a descriptor of the new file (-1 on failure): the namespace is mounted
// on that very file, whatever the name is made to point to meanwhile.
func createFile(path string) (int, error) {
	if err := prepareDir(); err != nil {
		return -1, err
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	return fd, nil
}

// prepareDir makes /run/netns exist and be a shared mount point, the way
// iproute2's netns_add does. Usually it is already a mount point, and one
// mount call does; otherwise it is made one under an exclusive flock on
// the directory, so that concurrent callers do not stack bind mounts.
func prepareDir() error {
	err := unix.Mount("", Dir, "none", unix.MS_SHARED|unix.MS_REC, "")
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		if err := unix.Mkdir(Dir, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
			return step("mkdir "+Dir, err)
		}
	case !errors.Is(err, unix.EINVAL):
		return step("mount --make-shared "+Dir, err)
	}
	lock, err := unix.Open(Dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return step("open "+Dir, err)
	}
	defer unix.Close(lock) // which also unlocks
	unix.Flock(lock, unix.LOCK_EX)
	return makeShared()
}

// makeShared runs `mount --make-rshared /run/netns`; when /run/netns is not
// a mount point yet (EINVAL) it first binds the directory onto itself and
// makes that private, so the shared mount gets a peer group of its own.
func makeShared() error {
	err := unix.Mount("", Dir, "none", unix.MS_SHARED|unix.MS_REC, "")
	if !errors.Is(err, unix.EINVAL) {
		if err != nil {
			return step("mount --make-shared "+Dir, err)
		}
		return nil
	}
	if err := unix.Mount(Dir, Dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return step("mount --bind "+Dir, err)
	}
	if err := unix.Mount("", Dir, "none", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return step("mount --make-private "+Dir, err)
	}
	if err := unix.Mount("", Dir, "none", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
		return step("mount --make-shared "+Dir, err)
	}
	return nil
}

// unshareNet makes the calling thread's new network namespace; tests
// replace it to make Add fail half-way.
var unshareNet = func() error { return osthread.Unshare(unix.CLONE_NEWNET) }

type added struct {
	h   *nsfs.Handle
	err error
}

// makeAndBind runs on the throwaway thread: it takes on the mount namespace
// of the caller (thread tid, identified by mnt), unshares a new network
// namespace, and once the caller reports path created (fileReady: its
// descriptor, or -1), binds the namespace on that file, through its
// descriptor. It always reads fileReady, so the caller's send never blocks.
func makeAndBind(tid int, mnt unix.Stat_t, path string, fileReady <-chan int) added {
	err := joinMountNS(tid, mnt)
	if err == nil {
		if err = unshareNet(); err != nil {
			err = step("unshare CLONE_NEWNET", err)
		}
	}
	file := <-fileReady
	if file < 0 || err != nil {
		return added{err: err}
	}
	h, err := bindSelf(path, file)
	return added{h, err}
}

// bindSelf binds the calling thread's network namespace on path, through
// file, the descriptor of the file created there, and returns a handle.
func bindSelf(path string, file int) (*nsfs.Handle, error) {
	const self = "/proc/thread-self/ns/net"
	fd, err := unix.Open(self, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, step("open "+self, err)
	}
	target := "/proc/self/fd/" + strconv.Itoa(file)
	if err := unix.Mount(self, target, "none", unix.MS_BIND, ""); err != nil {
		unix.Close(fd)
		return nil, step("bind "+self, err)
	}
	h, err := nsfs.FromKnownFD(fd, nsfs.Net, path)
	if err != nil {
		unix.Unmount(path, unix.MNT_DETACH)
		unix.Close(fd)
		return nil, err
	}
	return h, nil
}

// joinMountNS moves the calling (throwaway) thread into the mount
// namespace of thread tid of this process, identified by want, unless it is
// there already. osthread.Setns gives the thread its own fs_struct first,
// as setns(CLONE_NEWNS) needs (osthread rule 5).
func joinMountNS(tid int, want unix.Stat_t) error {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/mnt", &st); err != nil {
		return step("stat mount namespace", err)
	}
	if st.Dev == want.Dev && st.Ino == want.Ino {
		return nil
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/mnt", tid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return step("open caller's mount namespace", err)
	}
	defer unix.Close(fd)
	if err := osthread.Setns(fd, unix.CLONE_NEWNS); err != nil {
		return step("setns caller's mount namespace", err)
	}
	return nil
}
