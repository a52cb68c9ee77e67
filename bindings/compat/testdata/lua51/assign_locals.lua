-- gopher-lua #440: multiple assignment to locals
local x, y = 1, 2
x, y = y, x
print(x, y)
local a, b = 0, 1
for i = 1, 10 do a, b = b, a + b end
print(a, b)
local i, t = 3, {}
i, t[i] = i + 1, 20
print(i, t[3], t[4])
local p, q, r = 1, 2, 3
p, q, r = r, p, q
print(p, q, r)
local function two() return 7, 8 end
local m, n = 1, 2
m, n = two()
print(m, n)
m, n = n
print(m, n)
g1, g2 = 1, 2
g1, g2 = g2, g1
print(g1, g2)
local s = {1, 2}
s[1], s[2] = s[2], s[1]
print(s[1], s[2])
local u, v = 1
u, v = v, u
print(u, v)
