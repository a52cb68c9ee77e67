-- os.date in the C locale, in UTC
local t = 86400 * 59 + 3600 * 13 + 61
for _, f in ipairs{"%c", "%x", "%X", "%j", "%a %A %b %B", "%d %e %H %I %m %M %p %S", "%y %Y %w %U %W %%", "%D %F %T %R", "plain"} do
  print(f, os.date("!" .. f, t))
end
local d = os.date("!*t", t)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
print(os.date("!%H", 0), type(os.date()), type(os.date("*t").yday))
print(type(os.clock()), os.clock() >= 0)
