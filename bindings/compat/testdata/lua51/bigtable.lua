-- a constructor of many fields compiles in linear time, means the same
local parts = {"local up = 7; local t = {"}
for i = 1, 3000 do
  parts[#parts + 1] = "k" .. i .. " = " .. i .. ", " .. (i / 2) .. ", 's" .. i .. "',"
end
parts[#parts + 1] = "[1] = 'keyed', up, f = function() return up end, [-1] = #'abc'}"
parts[#parts + 1] = "return t"
local t = assert(loadstring(table.concat(parts, "\n")))()
local n = 0
for _ in pairs(t) do n = n + 1 end
print(n, #t, t[1], t[2], t.k1, t.k3000, t[5999], t[6000], t[6001], t.f(), t[-1])
-- {v, [1] = w}: the list items are stored after the keys of their batch of 50
local src = {"return {"}
for i = 1, 1100 do src[#src + 1] = "[" .. i .. "] = 'k" .. i .. "', 'v" .. i .. "'," end
src[#src + 1] = "[1101] = 'k', [1] = 'last'}"
t = assert(loadstring(table.concat(src)))()
print(t[1], t[2], t[1100], t[1101], #t)
-- a big constructor with "..." or a call at the end stays as it is
local f = assert(loadstring("return {" .. string.rep("1, ", 2001) .. "...}"))
print(#f(1, 2, 3))
f = assert(loadstring("local g = function() return 8, 9 end; return {" .. string.rep("1, ", 2001) .. "g()}"))
print(#f(), f()[2003])
-- side effects run in order
local log = {}
function note(x) log[#log + 1] = x; return x end
local s = {"return {"}
for i = 1, 1500 do s[#s + 1] = (i % 3 == 0) and ("note(" .. i .. "),") or ("x" .. i .. " = note(" .. i .. "),") end
s[#s + 1] = "}"
assert(loadstring(table.concat(s)))()
local ok = #log == 1500
for i = 1, 1500 do ok = ok and log[i] == i end
print(ok)
