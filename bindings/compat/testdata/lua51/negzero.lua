-- -0: a literal folds to a constant, a computed one keeps its sign
print(-0)
local z = 0
print(-z, 0 * -1, -(0), 1 / -0, -0 == 0)
local x = -0
print(x, 1 / x, string.format("%g %d %s", x, x, x), tostring(-z), -z .. "")
print(0, -0) -- one constant for both: the first one seen
print(-0, 0)
