-- string to number conversion as lua5.1 on Linux
print(tonumber("010"), tonumber("0x10"), tonumber("-0x10"), tonumber("1e1"))
print(tonumber("0b11"), tonumber(" 12 "), tonumber("0x1p4"), tonumber("1e"))
print(tonumber(""), tonumber("  "), tonumber("0x"), tonumber("1 2"))
print(tonumber("ff", 16), tonumber("  ff  ", 16), tonumber("-ff", 16), tonumber("z", 36))
print(tonumber("8", 8), tonumber("1.5", 10), tonumber(" 10 ", 10), tonumber("777", 8))
print(tonumber("inf"), tonumber("-inf"), tonumber(".5"), tonumber("5."))
print("010" + 1, "0777" + 1, "0x10" + 0, " 5 " * 2, -"2", "10" / "4", "7" % "3", "2" ^ "3")
print(pcall(function() return "0b11" + 1 end))
print(pcall(function() return "abc" * 2 end))
print(pcall(function() return {} + "1" end))
local mt = {__add = function(a, b) return "added" end}
print("1" + setmetatable({}, mt), setmetatable({}, mt) + "1")
print(10 == "10", "10" + 0 == 10)
