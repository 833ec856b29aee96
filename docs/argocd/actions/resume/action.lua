-- Resume a suspended job.
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.suspend = false
return obj
