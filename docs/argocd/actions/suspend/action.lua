-- Suspend: the operator suspends the running stage Job (its pods stop; training resumes from
-- its last checkpoint on resume).
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.suspend = true
return obj
