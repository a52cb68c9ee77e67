package ns

import (
	"encoding/json"
	"math"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// TestWireRoundTrip: plain values survive the trip to a child exactly.
func TestWireRoundTrip(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`v = {1, 2.5, "s\0\255", true, {x = {y = -0.0}}, [10] = "ten", ["10"] = "str ten",
		big = 2^53, inf = 1/0, nan = 0/0}`); err != nil {
		t.Fatal(err)
	}
	w, err := toWire(L.GetGlobal("v"), "v")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var back wireValue
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	v, err := fromWire(L, back)
	if err != nil {
		t.Fatal(err)
	}
	tb := v.(*lua.LTable)
	checks := map[lua.LValue]lua.LValue{
		lua.LNumber(1): lua.LNumber(1), lua.LNumber(2): lua.LNumber(2.5), lua.LNumber(3): lua.LString("s\x00\xff"),
		lua.LNumber(4): lua.LTrue, lua.LNumber(10): lua.LString("ten"), lua.LString("10"): lua.LString("str ten"),
		lua.LString("big"): lua.LNumber(1 << 53), lua.LString("inf"): lua.LNumber(math.Inf(1)),
	}
	for k, want := range checks {
		if got := tb.RawGet(k); got != want {
			t.Errorf("[%v] = %v, want %v", k, got, want)
		}
	}
	if n := tb.RawGetString("nan").(lua.LNumber); !math.IsNaN(float64(n)) {
		t.Errorf("nan = %v", n)
	}
	y := tb.RawGetInt(5).(*lua.LTable).RawGetString("x").(*lua.LTable).RawGetString("y")
	if y.Type() != lua.LTNumber {
		t.Errorf("nested: %v", y)
	}
}

// FuzzWireDecode: whatever a child sends back, decoding never panics.
func FuzzWireDecode(f *testing.F) {
	f.Add([]byte(`{"t":"t","k":[{"t":"n","n":"1"}],"v":[{"t":"s","s":"aGk="}]}`))
	f.Add([]byte(`{"t":"n","n":"NaN"}`))
	f.Add([]byte(`{"t":"t","k":[{"t":"nil"}],"v":[{"t":"b","b":true}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var w wireValue
		if json.Unmarshal(data, &w) != nil {
			return
		}
		L := lua.NewState()
		defer L.Close()
		fromWire(L, w)
	})
}
