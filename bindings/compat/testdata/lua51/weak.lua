-- weak tables: entries whose weak part nothing else holds go at a collection
local lim = 5
local a = setmetatable({}, {__mode = "k"})
for i = 1, lim do a[{}] = i end
for i = 1, lim do local t = {}; a[t] = t end
for i = 1, lim do a[i] = i end
for i = 1, lim do local s = string.rep("@", i); a[s] = s .. "#" end
local kept = {}
a[kept] = "kept"
collectgarbage()
local n = 0
for k, v in pairs(a) do n = n + 1 end
print("k", n, a[kept])

a = setmetatable({}, {__mode = "v"})
a[1] = string.rep("b", 21)
collectgarbage()
print("strings are values", a[1])
for i = 1, lim do a[i] = {} end
for i = 1, lim do a[i .. "x"] = {} end
for i = 1, lim do local t = {}; a[t] = t end
for i = 1, lim do a[i + lim] = i .. "x" end
collectgarbage()
n = 0
for k, v in pairs(a) do n = n + 1 end
print("v", n)

a = setmetatable({}, {__mode = "vk"})
local x, y, z = {}, {}, {}
a[1], a[2], a[3] = x, y, z
a[string.rep("$", 11)] = string.rep("$", 11)
for i = 4, lim do a[i] = {} end
for i = 1, lim do a[{}] = i end
for i = 1, lim do local t = {}; a[t] = t end
collectgarbage()
n = 0
for k, v in pairs(a) do n = n + 1 end
print("kv", n)
x, y, z = nil
collectgarbage()
print(next(a))

-- functions and coroutines are collectable too
local f = setmetatable({}, {__mode = "k"})
f[function() end] = 1
f[coroutine.create(function() end)] = 2
f[print] = 3
collectgarbage()
for k, v in pairs(f) do print(type(k), v) end

-- the collector also runs on its own: this loop ends
local w = setmetatable({[1] = {}}, {__mode = "v"})
local A = 0
while w[1] do
  local g = A .. A .. A .. A
  A = A + 1
end
print("collected on its own", A > 0)
local mt = {}
w = setmetatable({[1] = {}}, {__mode = "v"})
while w[1] do local o = setmetatable({}, mt) end
print("and in a loop making objects")

-- a traversal goes on while entries go
local t = setmetatable({}, {__mode = "k"})
local keys = {}
for i = 1, 20 do keys[i] = {}; t[keys[i]] = i end
for i = 1, 20 do t[{}] = -i end
local sum, visits = 0, 0
for k, v in pairs(t) do
  visits = visits + 1
  if visits == 3 then collectgarbage() end
  if v > 0 then sum = sum + v end
end
print("traversal", sum)

-- setmetatable takes a table, and nil or a table
local function why(...) local ok, msg = pcall(setmetatable, ...); return ok, msg:match("%(([^()]*)%)$") or msg end
print(why("x", {}))
print(why({}, 1))
print(why(setmetatable({}, {__metatable = 1}), {}))
print(getmetatable(setmetatable({}, nil)))

-- coroutines resumed from coroutines nest as deep as lua5.1 lets them
local depth = 0
local function nest(f) depth = depth + 1; coroutine.wrap(f)(f) end
local ok, msg = pcall(nest, nest)
print(ok, depth, string.sub(msg, -16))
