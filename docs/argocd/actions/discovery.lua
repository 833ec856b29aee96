-- Argo CD resource actions of a rela.io/ReLATrainingJob: which ones the UI offers now.
actions = {}
local stage = nil
if obj.status ~= nil then
  stage = obj.status.stage
end
local suspended = obj.spec ~= nil and obj.spec.suspend == true
local final = stage == "Succeeded" or stage == "Failed"
actions["suspend"] = {["disabled"] = suspended or final}
actions["resume"] = {["disabled"] = not suspended}
actions["retry"] = {["disabled"] = stage ~= "Failed"}
return actions
