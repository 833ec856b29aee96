-- Argo CD health of a rela.io/ReLATrainingJob, from the status the operator writes.
hs = {}
if obj.status == nil or obj.status.stage == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the ReLA operator to pick the job up"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local stage = obj.status.stage
local message = stage
-- waiting for Kueue's admission goes on by itself, as kstatus's Reconciling says: Progressing
local queued = false
if obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Reconciling" and c.status == "True" then
      queued = c.reason == "QueuedByKueue"
    end
    if c.status == "True" and (c.type == "Failed" or c.type == "Suspended" or c.type == "Progressing" or c.type == "Ready") then
      message = c.message
    end
  end
end
if stage == "Succeeded" then
  hs.status = "Healthy"
elseif stage == "Failed" then
  hs.status = "Degraded"
elseif stage == "Suspended" and not queued then
  hs.status = "Suspended"
else
  hs.status = "Progressing"
  local p = obj.status.progress
  if stage == "Training" and p ~= nil and p.epochOfTotal ~= nil then
    message = "Training epoch " .. p.epochOfTotal .. " (" .. (p.phase or "?") .. ")"
  end
end
hs.message = message
return hs
