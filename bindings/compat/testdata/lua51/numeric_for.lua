-- a numeric for converts its string literals to numbers, as lua5.1 does
local a = 0
for i = "10", "1", "-2" do a = a + 1 end
print(a)
for i = "0x10", 17 do io.write(i, " ") end
for i = " 1e1 ", 10.5, "0.5" do io.write(i, " ") end
print()
