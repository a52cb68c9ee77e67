//go:build linux

package nsfs

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// nsidQuerier asks rtnetlink, in the caller's network namespace, which id
// (ip netns list-id) that namespace gives other network namespaces. It
// first dumps the assigned ids: when none are assigned (the usual case)
// no namespace needs asking, and asking stops once every id of the dump
// has been found. An id assigned after the dump may then go unreported;
// one whose namespace went away only makes every namespace be asked.
type nsidQuerier struct {
	fd      int
	pending map[int32]bool // assigned ids not yet matched to a namespace
	seq     uint32
	buf     []byte
}

// Linux uapi values of rtnetlink's nsid messages (linux/net_namespace.h).
const (
	netnsaNSID = 1
	netnsaFD   = 3
)

func newNSIDQuerier() (*nsidQuerier, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	q := &nsidQuerier{fd: fd, buf: make([]byte, 32<<10)}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		q.close()
		return nil, err
	}
	if q.pending, err = q.assigned(); err != nil {
		q.close()
		return nil, err
	}
	return q, nil
}

func (q *nsidQuerier) close() { unix.Close(q.fd) }

// request sends an RTM_GETNSID with an rtgenmsg and optional attribute.
func (q *nsidQuerier) request(flags uint16, attr []byte) error {
	q.seq++
	msg := make([]byte, unix.NLMSG_HDRLEN+4, unix.NLMSG_HDRLEN+4+len(attr))
	msg = append(msg, attr...)
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], unix.RTM_GETNSID)
	binary.NativeEndian.PutUint16(msg[6:], flags)
	binary.NativeEndian.PutUint32(msg[8:], q.seq)
	msg[unix.NLMSG_HDRLEN] = unix.AF_UNSPEC
	return unix.Sendto(q.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
}

// receive reads replies to the last request, calling fn with the nsid of
// each RTM_NEWNSID, until the answer is complete.
func (q *nsidQuerier) receive(dump bool, fn func(nsid int32)) error {
	for {
		n, _, err := unix.Recvfrom(q.fd, q.buf, 0)
		if err != nil {
			return err
		}
		for b := q.buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			size := int(binary.NativeEndian.Uint32(b[0:]))
			if size < unix.NLMSG_HDRLEN || size > len(b) {
				break
			}
			typ := binary.NativeEndian.Uint16(b[4:])
			seq := binary.NativeEndian.Uint32(b[8:])
			data := b[unix.NLMSG_HDRLEN:size]
			b = b[min(nlAlign(size), len(b)):]
			if seq != q.seq {
				continue
			}
			switch typ {
			case unix.NLMSG_DONE:
				return nil
			case unix.NLMSG_ERROR:
				if len(data) >= 4 {
					if e := int32(binary.NativeEndian.Uint32(data)); e != 0 {
						return unix.Errno(-e)
					}
				}
				return nil
			case unix.RTM_NEWNSID:
				if id, ok := nsidAttr(data); ok {
					fn(id)
				}
			}
		}
		if !dump {
			return nil
		}
	}
}

func nlAlign(n int) int { return (n + 3) &^ 3 }

// nsidAttr finds NETNSA_NSID among the attributes after the 4-byte
// rtgenmsg.
func nsidAttr(data []byte) (int32, bool) {
	if len(data) < 4 {
		return 0, false
	}
	for b := data[4:]; len(b) >= 4; {
		size := int(binary.NativeEndian.Uint16(b[0:]))
		typ := binary.NativeEndian.Uint16(b[2:])
		if size < 4 || size > len(b) {
			return 0, false
		}
		if typ == netnsaNSID && size >= 8 {
			return int32(binary.NativeEndian.Uint32(b[4:])), true
		}
		b = b[min(nlAlign(size), len(b)):]
	}
	return 0, false
}

// assigned dumps the ids the caller's network namespace has assigned.
func (q *nsidQuerier) assigned() (map[int32]bool, error) {
	if err := q.request(unix.NLM_F_REQUEST|unix.NLM_F_DUMP, nil); err != nil {
		return nil, err
	}
	ids := map[int32]bool{}
	err := q.receive(true, func(id int32) {
		if id >= 0 {
			ids[id] = true
		}
	})
	return ids, err
}

// nsid returns the id of the network namespace fd refers to; -1 when none
// is assigned.
func (q *nsidQuerier) nsid(fd int) int {
	if len(q.pending) == 0 {
		return -1
	}
	attr := make([]byte, 8)
	binary.NativeEndian.PutUint16(attr[0:], 8)
	binary.NativeEndian.PutUint16(attr[2:], netnsaFD)
	binary.NativeEndian.PutUint32(attr[4:], uint32(fd))
	if q.request(unix.NLM_F_REQUEST, attr) != nil {
		return -1
	}
	id := int32(-1)
	if err := q.receive(false, func(v int32) { id = v }); err != nil {
		return -1
	}
	if id < 0 {
		return -1
	}
	delete(q.pending, id)
	return int(id)
}
