//go:build linux

package netconf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ShapeFields lists the fields ParseShape reads, in tc's order.
var ShapeFields = []string{"rate", "burst", "delay", "jitter", "loss", "duplicate", "reorder", "limit"}

// ParseShape reads a Shape from fields written as tc writes them ({"rate":
// "10mbit", "delay": "20ms", "loss": "1%"}); a field it does not know is
// refused, naming it. Limit is a plain count of packets.
func ParseShape(fields map[string]string) (Shape, error) {
	var s Shape
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := s.setField(k, fields[k]); err != nil {
			return Shape{}, err
		}
	}
	return s, nil
}

// setField parses one field of a Shape.
func (s *Shape) setField(k, v string) error {
	var err error
	switch k {
	case "rate":
		s.Rate, err = ParseRate(v)
	case "burst":
		s.Burst, err = ParseSize(v)
	case "delay":
		s.Delay, err = ParseTime(v)
	case "jitter":
		s.Jitter, err = ParseTime(v)
	case "loss":
		s.Loss, err = ParsePercent(v)
	case "duplicate":
		s.Duplicate, err = ParsePercent(v)
	case "reorder":
		s.Reorder, err = ParsePercent(v)
	case "limit":
		var n uint64
		n, err = strconv.ParseUint(v, 10, 32)
		if err != nil {
			err = badValue("limit", v, "want a number of packets")
		}
		s.Limit = uint32(n)
	default:
		return &detailErr{fmt.Sprintf("unknown shape field %q: want one of %s", k, strings.Join(ShapeFields, ", ")), ErrInvalid}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", k, err)
	}
	return nil
}
