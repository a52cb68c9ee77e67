-- limits: registry, call depth
local t = {}
for i = 1, 10000 do t[i] = i end
print(#table.concat(t, ","))
local s = string.rep("x", 6000)
print(select("#", string.byte(s, 1, -1)))
print(select("#", unpack(t, 1, 7000)))
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(16000))
local ok, err = pcall(function() local function f() return 1 + f() end return f() end)
print(ok, string.find(err, "stack overflow") ~= nil)
print(depth(100))
local depth = 0
local function nest() depth = depth + 1; return pcall(nest) end
print(pcall(nest), depth > 150, depth < 250)
