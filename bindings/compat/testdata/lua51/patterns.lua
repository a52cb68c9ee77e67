-- pattern matching as lua5.1's lstrlib does it
local function try(f, ...)
  local args, n = {...}, select("#", ...)
  print(pcall(function() return f(unpack(args, 1, n)) end))
end
-- frontiers
print(string.gsub("aaa aa a aaa a", "%f[%w]a", "x"))
print(string.gsub("01abc45de3", "%f[%d]", "."))
print(string.gsub("function", "%f[^\1-\255]", "."))
print(string.find(" alo aalo allo", "%f[%S].-%f[%s].-%f[%S]"))
for k in string.gmatch("alo alo th02 is 1hat", "()%f[%w%d]") do io.write(k, " ") end
print()
-- find and match
print(string.find("abc", "", 10), string.find("abc", "", -10), string.find("abc", "b", -1))
print(string.find("a.b", ".", 1, true), string.find("a+b", "+", 1), string.find("a\0b", "\0b"))
print(string.match("key = value", "(%w+)%s*=%s*(%w+)"), string.match("hello", "()ll()"))
print(string.match("  x", "^%s*(.-)%s*$"), string.match("abc", "^b"), string.find("abc", "^a"))
print(string.match("f(a(b)c)d", "%b()"), string.match("THE (quick) fox", "%u+"), string.match("x=1", "%p"))
print(string.match("aaa", "a-b"), string.match("aaab", "a-b"), string.match("aaa", "^a-$"), string.match("[]]", "[]]+"))
print(string.match("hello world", "(h)(e)(l)(l)(o)"), string.match("abab", "(ab)%1"))
print(string.match("\0\1\2", "%z(.)"), string.find("a$b", "$b"), string.match("x", "x$"))
-- gmatch: '^' is a plain character, empty matches move on
for a, b in string.gmatch("k1=v1, k2=v2", "(%w+)=(%w+)") do io.write(a, ":", b, " ") end
print()
for w in string.gmatch("^a^b", "^.") do io.write("[", w, "]") end
for w in string.gmatch("abc", "x*") do io.write("<", w, ">") end
print()
-- gsub replacements
print(string.gsub("hello world", "(o)", "[%1%1]"))
print(string.gsub("hello", "", "-"))
print(string.gsub("abc", "%w", "%0%0", 2))
print(string.gsub("abc", "^%w", "x"))
print(string.gsub("abc", "b", "%x"))
print(string.gsub("$name is $age", "%$(%w+)", {name = "Ann", age = 33}))
print(string.gsub("a b c", "%w", function(c) if c == "b" then return nil end return c:upper() end))
print(string.gsub("abc", "()", "%1"))
print(string.gsub("x y", "%w", {x = false}))
print(string.gsub(12345, 3, 0))
-- errors
try(string.gsub, "abc", "(", "x")
try(string.gsub, "abc", "%", "x")
try(string.find, "abc", "[a")
try(string.find, "abc", "%f")
try(string.find, "abc", "%1")
try(string.find, "abc", "(a)%2")
try(string.find, "abc", "a)")
try(string.find, "abc", "%b")
try(string.gsub, "abc", "b", true)
try(string.gsub, "abc", "b", "%2")
try(string.gsub, "abc", "b", function() return {} end)
try(string.find, "abc", string.rep("()", 33))
try(string.match, "abc", "(b")
