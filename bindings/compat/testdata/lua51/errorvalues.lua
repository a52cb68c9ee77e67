-- error with a number: the position is added, as to a string
print(pcall(function() error(12) end))
print(pcall(function() error(12, 0) end))
local function f() error(1.5, 2) end
print(pcall(function() f() end))
print(type(select(2, pcall(function() error({}) end))))
print(pcall(function() error() end))
