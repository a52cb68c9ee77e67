-- a last item giving several values after 50, 100 list items
local function items(n) return string.rep("0, ", n) end
local f = assert(loadstring("return {" .. items(50) .. "...}"))
local t = f("a", "b")
print(#t, t[1], t[50], t[51], t[52])
f = assert(loadstring("local g = ...; return {" .. items(100) .. "k = 1, g()}"))
t = f(function() return 1, nil, 3 end)
print(t[1], t[100], t[101], t[102], t[103], t.k)
f = assert(loadstring("return {" .. items(49) .. "...}"))
print(#f(1, 2, 3))
f = assert(loadstring("return {" .. items(50) .. "(...)}"))
print(#f(1, 2, 3))
-- the items are evaluated before the call, in order
local log = {}
function note(x) log[#log + 1] = x; return x end
f = assert(loadstring("return {" .. string.rep("note(1), ", 48) .. "note(2), note(3), (function() note(4); return 5, 6 end)()}"))
t = f()
print(#t, t[53], t[54], table.concat(log, ""))
-- and in a constructor of thousands of items
f = assert(loadstring("return {" .. items(2000) .. "...}"))
t = f("x", "y")
print(#t, t[1], t[2001], t[2002])
