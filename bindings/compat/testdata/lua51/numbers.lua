-- numbers print as %.14g
print(0.1 + 0.2, 1e15, 1 / 0, -1 / 0, 1e100, 2 ^ 53, 123456789012345, 1 / 3)
local z = 0
print(-z, 0 / 0 ~= 0 / 0, 2 ^ 63, 1e14, 1e-5, 100, -7)
print(tostring(0.1 + 0.2), tostring(-z), tostring(1e15), tostring(12))
print(string.format("%s %s %s|%5s|", 0.1 + 0.2, 1e15, 3, 1.5))
print(string.format("%q", "a\nb\0c\"\\\r"))
print(string.format("%g %5.1f %d %%", 0.1 + 0.2, 3.14159, 42))
io.write(0.1 + 0.2, " ", 1e15, " ", 1 / 0, "\n")
print(math.huge, -math.huge)
print(tostring(nil), tostring(true), tostring("s"))
print(setmetatable({}, {__tostring = function() return "T!" end}))
print(tostring(setmetatable({}, {__tostring = function() return nil end})))
print(pcall(unpack, {}, 1, 2^31 - 1), select("#", unpack({}, 2^31 - 1, 1)))
print(unpack({1, 2, 3}, 2), unpack({1, 2}, 1, 3))
local function two() return "a", "b" end
print("x" .. two(), two() .. "y", 1 .. 2, "n=" .. 0.1 + 0.2 .. "!", 2^63 .. "")
print(pcall(function() return "x" .. nil end))
print(pcall(function() return {} .. "x" end))
print(setmetatable({}, {__concat = function(a, b) return "cat" end}) .. "x", 1 .. setmetatable({}, {__concat = function(a, b) return type(a) .. "+" .. type(b) end}))
local function va(...) return "v" .. ... end
print(va("1", "2"))
