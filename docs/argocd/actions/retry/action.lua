-- Retry a Failed job: the operator acts once on each new value of the rela.io/retry annotation
-- (it records the value in status.retriedFor). The object's resourceVersion changes with every
-- write, so it makes a value not used before.
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["rela.io/retry"] = "argocd-" .. obj.metadata.resourceVersion
return obj
